package dev.mcr.error;

/** The caller is known but their role does not allow what they asked for. The message says what is needed. */
public class NotPermittedException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message what was refused and which role it needs, as a sentence */
    public NotPermittedException(String message) {
        super(message);
    }
}
