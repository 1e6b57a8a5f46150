package dev.mcr;

/** No runner with the given id exists. */
public class RunnerNotFoundException extends NotFoundException {
    private static final long serialVersionUID = 1L;
    private final String runnerId;

    /** @param runnerId the id that was asked for */
    public RunnerNotFoundException(String runnerId) {
        super("Runner not found");
        this.runnerId = runnerId;
    }

    /** Returns the id that was asked for. */
    public String runnerId() {
        return runnerId;
    }
}
