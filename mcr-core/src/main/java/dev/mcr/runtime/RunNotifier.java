package dev.mcr.runtime;

import dev.mcr.model.Runner;
import java.time.Instant;

/** Where the engine hands messages that the alert policy decided to send. Must not block. */
@FunctionalInterface
public interface RunNotifier {

    /**
     * Queues a notification to the runner's targets.
     *
     * @param runner  the runner's current configuration (its profile ids are the targets)
     * @param pattern the case pattern, or {@code __on_finish__} for the last-line case
     * @param title   the title
     * @param message the text
     */
    void notify(Runner runner, String pattern, String title, String message);

    /**
     * Tells that a message the alert policy decided to send was muted by the runner's snooze (to be journaled).
     * Nothing by default.
     *
     * @param runner  the runner's current configuration
     * @param title   the title
     * @param message the text
     * @param until   the end of the snooze
     */
    default void suppressed(Runner runner, String title, String message, Instant until) {
    }

    /**
     * Queues the escalation of an unacknowledged DOWN to the runner's second service. Nothing by default.
     *
     * @param runner    the runner's current configuration
     * @param profileId the escalation service
     * @param title     the title
     * @param message   the text
     */
    default void escalate(Runner runner, String profileId, String title, String message) {
    }

    /**
     * Queues a notification with the state that matched and the run it belongs to, which channels pass on; the
     * default drops them.
     *
     * @param runner  the runner's current configuration (its profile ids are the targets)
     * @param pattern the case pattern, or {@code __on_finish__} for the last-line case
     * @param state   the case state ({@code DOWN}, ...), {@code NONE} for the last-line case
     * @param runId   the run
     * @param title   the title
     * @param message the text
     */
    default void notify(Runner runner, String pattern, String state, String runId, String title, String message) {
        notify(runner, pattern, title, message);
    }
}
