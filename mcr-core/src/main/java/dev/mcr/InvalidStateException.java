package dev.mcr;

/** Input that cannot be accepted: a malformed state, import file or request value. */
public class InvalidStateException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence naming the problem */
    public InvalidStateException(String message) {
        super(message);
    }
}
