package dev.mcr.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * How the dispatcher retries a transient failure (the network, a timeout, 5xx, 429) before it counts: up to
 * {@code maxAttempts} tries in all, waiting {@code firstDelay}, then twice as long each time up to {@code maxDelay};
 * a server's Retry-After is honoured up to {@code maxRetryAfter}.
 *
 * @param maxAttempts   tries in all, at least 1 (1 means no retry)
 * @param firstDelay    the wait before the second try
 * @param maxDelay      the longest back-off
 * @param maxRetryAfter the longest Retry-After honoured; a longer one is cut to it
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay, Duration maxRetryAfter) {

    /** 4 tries, after 2 s, 4 s and 8 s; Retry-After up to 5 minutes. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofSeconds(2), Duration.ofMinutes(1),
            Duration.ofMinutes(5));
    /** One try, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Validates the components. */
    public RetryPolicy {
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("A retry policy needs at least one attempt, not " + maxAttempts + ".");
        }
        if (firstDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("The delays of a retry policy must not be negative.");
        }
    }

    /**
     * Returns the wait before the next try.
     *
     * @param failedAttempt the number of the try that just failed, from 1
     * @param retryAfter    what the server asked for, or {@code null}
     * @return the delay
     */
    public Duration delayAfter(int failedAttempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        }
        Duration d = firstDelay;
        for (int i = 1; i < failedAttempt && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
