package dev.mcr;

/** Something named by id does not exist (a runner, group or notification profile). */
public class NotFoundException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence naming what was not found */
    public NotFoundException(String message) {
        super(message);
    }
}
