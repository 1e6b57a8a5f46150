package dev.mcr;

/** The runner already has a live process. */
public class RunnerBusyException extends ConflictException {
    private static final long serialVersionUID = 1L;
    private final String runnerId;

    /** @param runnerId the busy runner */
    public RunnerBusyException(String runnerId) {
        super("Runner already running");
        this.runnerId = runnerId;
    }

    /** Returns the busy runner's id. */
    public String runnerId() {
        return runnerId;
    }
}
