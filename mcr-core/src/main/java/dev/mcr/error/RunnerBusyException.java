package dev.mcr.error;

/** The runner already has a live process, so it cannot be started again. */
public class RunnerBusyException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String runnerId;

    /** @param runnerId the busy runner */
    public RunnerBusyException(String runnerId) {
        super("Runner '" + runnerId + "' is already running; stop it or wait until it finishes.");
        this.runnerId = runnerId;
    }

    /** Returns the busy runner's id. */
    public String runnerId() {
        return runnerId;
    }
}
