package dev.mcr.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed delivery. The message is shown to users and stored in the journal: never put a secret in it.
 *
 * <p>A {@linkplain #isTransient() transient} failure (the network, a timeout, a 5xx answer, 429) is retried by the
 * dispatcher with back-off before it counts as a failure; every other one counts at once.
 */
public class NotifyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;
    /** Milliseconds the server asked to wait (429 Retry-After), -1 for none. */
    private final long retryAfterMillis;

    /** @param message a sentence describing the failure, without secrets */
    public NotifyException(String message) {
        this(message, null, false, null);
    }

    /**
     * @param message a sentence describing the failure, without secrets
     * @param cause   the underlying failure
     */
    public NotifyException(String message, Throwable cause) {
        this(message, cause, false, null);
    }

    private NotifyException(String message, Throwable cause, boolean transientFailure, Duration retryAfter) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.retryAfterMillis = retryAfter == null ? -1 : Math.max(0, retryAfter.toMillis());
    }

    /**
     * Creates a failure worth retrying: the network, a timeout, a 5xx or 429 answer.
     *
     * @param message    a sentence describing the failure, without secrets
     * @param cause      the underlying failure, may be {@code null}
     * @param retryAfter how long the server asked to wait, or {@code null}
     * @return the exception
     */
    public static NotifyException retryable(String message, Throwable cause, Duration retryAfter) {
        return new NotifyException(message, cause, true, retryAfter);
    }

    /** Returns whether the dispatcher should try again later. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** Returns how long the server asked to wait before the next try, when it said so. */
    public Optional<Duration> retryAfter() {
        return retryAfterMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryAfterMillis));
    }
}
