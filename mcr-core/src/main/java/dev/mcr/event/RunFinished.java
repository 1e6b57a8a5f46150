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
 */
public record RunFinished(String runnerId, int exitCode, boolean stopped, int consecutiveFailures, Instant ts,
                          String runId)
        implements RunnerStatusEvent {

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
        return m;
    }
}
