package dev.mcr;

/** Input larger than the configured limit. */
public class PayloadTooLargeException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence naming the limit */
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
