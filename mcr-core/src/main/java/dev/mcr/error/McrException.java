package dev.mcr.error;

/**
 * Root of every exception mcr throws. Unchecked; its message is a whole sentence that is safe to show to a user
 * (it never contains a secret). The subclasses name what went wrong and carry the ids it is about; a plain
 * {@code McrException} is a failure of mcr itself or of its environment (a data folder that cannot be written, a
 * process that cannot be spawned).
 */
public class McrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence that says what went wrong */
    public McrException(String message) {
        super(message);
    }

    /**
     * @param message a sentence that says what went wrong
     * @param cause   the underlying failure
     */
    public McrException(String message, Throwable cause) {
        super(message, cause);
    }
}
