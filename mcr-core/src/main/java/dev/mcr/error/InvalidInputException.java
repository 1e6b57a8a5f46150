package dev.mcr.error;

/**
 * A request or a state breaks a rule: malformed JSON, an import file that is not an export, a group without active
 * runners, a command longer than the system can run. Nothing was changed.
 */
public class InvalidInputException extends McrException {
    private static final long serialVersionUID = 1L;

    /** @param message names the problem precisely (for imports: the entry and the field), shown to clients as is */
    public InvalidInputException(String message) {
        super(message);
    }
}
