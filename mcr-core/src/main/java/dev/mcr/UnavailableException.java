package dev.mcr;

/** A capacity limit is reached (for example the number of event subscribers). */
public class UnavailableException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence naming the limit */
    public UnavailableException(String message) {
        super(message);
    }
}
