package dev.mcr.error;

/** The mcr instance is closed or shutting down, so it takes no new work (starts, saves, subscriptions). */
public class ClosedException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence naming what was refused */
    public ClosedException(String message) {
        super(message);
    }
}
