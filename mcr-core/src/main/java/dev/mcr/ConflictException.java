package dev.mcr;

/** The request conflicts with what is running now (a runner or group is busy). */
public class ConflictException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message a sentence that says what is busy */
    public ConflictException(String message) {
        super(message);
    }
}
