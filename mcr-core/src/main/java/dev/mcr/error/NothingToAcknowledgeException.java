package dev.mcr.error;

/** An acknowledgement was asked for a runner whose last alert state is neither DOWN nor WARN. */
public class NothingToAcknowledgeException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String runnerId;

    /** @param runnerId the runner */
    public NothingToAcknowledgeException(String runnerId) {
        super("Runner '" + runnerId + "' has no DOWN or WARN to acknowledge.");
        this.runnerId = runnerId;
    }

    /** Returns the runner's id. */
    public String runnerId() {
        return runnerId;
    }
}
