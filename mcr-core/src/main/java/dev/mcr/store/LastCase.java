package dev.mcr.store;

import java.time.Instant;

/**
 * The last case message of a runner and when it happened; survives restarts.
 *
 * @param message the message ({@code null} becomes {@code ""})
 * @param ts      when it was set, or {@code null} when unknown (the original sometimes stored an empty time)
 */
public record LastCase(String message, Instant ts) {

    /**
     * Replaces a {@code null} message with {@code ""}.
     *
     * @param message the message
     * @param ts      when it was set, or {@code null}
     */
    public LastCase {
        message = message == null ? "" : message;
    }
}
