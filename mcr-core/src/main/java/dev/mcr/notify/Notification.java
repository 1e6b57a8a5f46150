package dev.mcr.notify;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message to deliver, as a channel's {@link Notifier#send(dev.mcr.model.NotifyProfile, Notification)} gets it.
 *
 * @param runnerId   the runner that produced it; {@code __manual_test__} for a test send
 * @param runnerName the runner's display name ({@code ""} for a test send)
 * @param state      the case state that matched ({@code UP}, {@code DOWN}, {@code WARN}, {@code INFO}, {@code STOP},
 *                   {@code NONE}); {@code TEST} for a test send, {@code NONE} for the last-line case
 * @param title      the title
 * @param message    the text
 * @param runId      the run it belongs to, {@code ""} when none (a test send)
 * @param ts         when it was handed to the dispatcher
 * @param link       the runner on the page ({@code MCR_PUBLIC_URL#runner/<id>}), {@code ""} when no public URL is
 *                   configured
 */
public record Notification(String runnerId, String runnerName, String state, String title, String message,
                           String runId, Instant ts, String link) {

    /** The state of a test send. */
    public static final String STATE_TEST = "TEST";

    /** Replaces {@code null} texts with {@code ""}. */
    public Notification {
        runnerId = runnerId == null ? "" : runnerId;
        runnerName = runnerName == null ? "" : runnerName;
        state = state == null || state.isBlank() ? "NONE" : state;
        title = title == null ? "" : title;
        message = message == null ? "" : message;
        runId = runId == null ? "" : runId;
        Objects.requireNonNull(ts, "ts");
        link = link == null ? "" : link;
    }

    /** Returns the link to the runner, when a public URL is configured. */
    public Optional<String> linkIfAny() {
        return link.isEmpty() ? Optional.empty() : Optional.of(link);
    }

    /** Returns whether this is a test send from the service card. */
    public boolean isTest() {
        return STATE_TEST.equals(state);
    }
}
