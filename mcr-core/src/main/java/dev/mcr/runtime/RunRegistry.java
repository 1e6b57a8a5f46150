package dev.mcr.runtime;

/**
 * Durable record of the runs that are alive, so that processes left behind by a killed instance can be found
 * and stopped at the next start. The engine calls it on the thread that starts or finishes a run; a failing
 * call is logged and never keeps a run from starting or finishing.
 */
public interface RunRegistry {

    /** A registry that records nothing. */
    RunRegistry NONE = new RunRegistry() {
        @Override
        public void starting(String runId, String runnerId) {
        }

        @Override
        public void ended(String runId) {
        }
    };

    /**
     * Called before the run's process is spawned; must be durable when it returns.
     *
     * @param runId    the run's marker, passed to its processes as {@code MCR_RUN_ID}
     * @param runnerId the runner
     */
    void starting(String runId, String runnerId);

    /**
     * Called when the run's process ended or its spawn failed. Need not be durable at once: a run
     * recorded as live after it ended only makes the next start look for processes that are gone.
     *
     * @param runId the run's marker
     */
    void ended(String runId);
}
