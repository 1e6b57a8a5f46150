package dev.mcr.error;

import java.time.Duration;

/** Too many failed logins in a row for an account or a client address: the attempt was not even checked. */
public class TooManyLoginAttemptsException extends McrException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    /** @param retryAfter how long to wait before the next attempt is checked */
    public TooManyLoginAttemptsException(Duration retryAfter) {
        super("Too many failed logins in a row: try again in " + Math.max(1, ceilSeconds(retryAfter))
                + " seconds.");
        this.retryAfterSeconds = Math.max(1, ceilSeconds(retryAfter));
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

    /** Returns the wait in whole seconds (at least 1), the value of {@code Retry-After}. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
