package dev.mcr.error;

/** There is no record of the run asked for: it never existed, or retention deleted it (or its output). */
public class RunNotFoundException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String runId;

    /**
     * @param runId   the id that was asked for
     * @param message the sentence saying what is missing
     */
    public RunNotFoundException(String runId, String message) {
        super(message);
        this.runId = runId;
    }

    /**
     * A run without a record.
     *
     * @param runId the id that was asked for
     * @return the exception
     */
    public static RunNotFoundException noRecord(String runId) {
        return new RunNotFoundException(runId, "There is no record of a run with the id '" + runId
                + "' (runs older than the history keeps are deleted).");
    }

    /** Returns the id that was asked for. */
    public String runId() {
        return runId;
    }
}
