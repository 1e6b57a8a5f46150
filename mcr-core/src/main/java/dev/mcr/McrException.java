package dev.mcr;

/** Root of every exception mcr throws; its message is a whole sentence that is safe to show to a user. */
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
