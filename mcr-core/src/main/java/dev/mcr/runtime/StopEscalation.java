package dev.mcr.runtime;

import dev.mcr.process.LeftoverProcesses;
import dev.mcr.process.ShellProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stop escalation (SPEC §2): SIGINT to the run's process group, SIGTERM 1.5 s later, SIGKILL 2 s after that, then
 * whatever still carries the run's marker in its environment is killed too: a daemon that double-forked into its own
 * session is neither in the process group nor a descendant any more. Runs on its own thread
 * {@code mcr-stop-<runner id>}, so a stop never blocks the caller.
 */
final class StopEscalation {

    private static final Logger LOG = LoggerFactory.getLogger(StopEscalation.class);
    /** How long processes found by the marker get between SIGTERM and SIGKILL. */
    private static final Duration ESCAPED_KILL_WAIT = Duration.ofSeconds(2);

    private StopEscalation() {
    }

    /**
     * Starts stopping a run's processes.
     *
     * @param runnerId the runner (names the thread and the log line)
     * @param process  the run's shell
     * @param runId    the run, also its processes' {@value RunnerEngine#RUN_ID_ENV} marker; {@code null} skips the
     *                 search by marker
     * @return the started thread (joined on close)
     */
    static Thread begin(String runnerId, ShellProcess process, String runId) {
        Thread t = new Thread(() -> {
            process.terminate(ShellProcess.DEFAULT_INT_GRACE, ShellProcess.DEFAULT_TERM_GRACE);
            if (runId != null) {
                Map<String, List<Long>> escaped = LeftoverProcesses.kill(RunnerEngine.RUN_ID_ENV, List.of(runId),
                        ESCAPED_KILL_WAIT);
                if (!escaped.isEmpty()) {
                    LOG.info("Killed processes {} of runner '{}' that had left the run's process tree.",
                            escaped.get(runId), runnerId);
                }
            }
        }, "mcr-stop-" + runnerId);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
