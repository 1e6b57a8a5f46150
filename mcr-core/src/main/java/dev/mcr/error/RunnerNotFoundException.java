package dev.mcr.error;

/** No runner with the given id exists. */
public class RunnerNotFoundException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String runnerId;

    /** @param runnerId the id that was asked for (may be {@code null} when none was given) */
    public RunnerNotFoundException(String runnerId) {
        super("There is no runner with the id '" + runnerId + "'.");
        this.runnerId = runnerId;
    }

    /** Returns the id that was asked for. */
    public String runnerId() {
        return runnerId;
    }
}
