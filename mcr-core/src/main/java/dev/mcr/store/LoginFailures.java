package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Failed logins in a row for one account or one client address.
 *
 * @param key          {@code user:<name>} or {@code addr:<address>}
 * @param count        failures since the last success
 * @param blockedUntil until when further attempts are refused, or {@code null}
 */
public record LoginFailures(String key, int count, Instant blockedUntil) {

    /**
     * Checks the values.
     *
     * @param key          the key
     * @param count        the failures, 0 or more
     * @param blockedUntil the end of the wait, or {@code null}
     */
    public LoginFailures {
        Objects.requireNonNull(key, "key");
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 or more, not " + count + ".");
        }
    }
}
