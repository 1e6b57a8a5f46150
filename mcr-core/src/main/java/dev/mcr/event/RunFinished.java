package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A run ended.
 *
 * @param runnerId            the runner
 * @param exitCode            the shell's exit code (128+signal when killed by a signal)
 * @param stopped             whether the user stopped it
 * @param consecutiveFailures non-zero exits in a row, after accounting this run
 * @param ts                  when it ended
 * @param runId               the run ({@code run_id}, written after the original's keys)
 * @param timedOut            whether the runner's timeout stopped it ({@code "timed_out": true}, written only then)
 * @param attempt             the attempt of a runner with retries, from 1 ({@code attempt}); 0 for a runner without
 *                            retries (not written)
 */
public record RunFinished(String runnerId, int exitCode, boolean stopped, int consecutiveFailures, Instant ts,
                          String runId, boolean timedOut, int attempt)
        implements RunnerStatusEvent {

    /**
     * A run of a runner without timeout or retries that ended.
     *
     * @param runnerId            the runner
     * @param exitCode            the shell's exit code
     * @param stopped             whether the user stopped it
     * @param consecutiveFailures non-zero exits in a row, after accounting this run
     * @param ts                  when it ended
     * @param runId               the run
     */
    public RunFinished(String runnerId, int exitCode, boolean stopped, int consecutiveFailures, Instant ts,
                       String runId) {
        this(runnerId, exitCode, stopped, consecutiveFailures, ts, runId, false, 0);
    }

    @Override
    public String status() {
        return "finished";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("exit_code", exitCode);
        m.put("stopped", stopped);
        m.put("consecutive_failures", consecutiveFailures);
        m.put("ts", Json.ts(ts, zone));
        Json.runId(m, runId);
        if (timedOut) {
            m.put("timed_out", true);
        }
        Json.attempt(m, attempt);
        return m;
    }
}
