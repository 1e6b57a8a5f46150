package dev.mcr.notify;

/** A failed delivery. The message is shown to users and stored in the journal: never put a secret in it. */
public class NotifyException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence describing the failure, without secrets */
    public NotifyException(String message) {
        super(message);
    }

    /**
     * @param message a sentence describing the failure, without secrets
     * @param cause   the underlying failure
     */
    public NotifyException(String message, Throwable cause) {
        super(message, cause);
    }
}
