package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A stop was requested; the process group is being signalled.
 *
 * @param runnerId the runner
 * @param ts       when the stop was requested
 * @param runId    the run being stopped ({@code run_id}, written after the original's keys), or {@code null} when
 *                 none was running (the key is then absent)
 */
public record RunStopping(String runnerId, Instant ts, String runId) implements RunnerStatusEvent {

    /**
     * A stop of a runner with no live run.
     *
     * @param runnerId the runner
     * @param ts       when the stop was requested
     */
    public RunStopping(String runnerId, Instant ts) {
        this(runnerId, ts, null);
    }

    @Override
    public String status() {
        return "stopping";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("ts", Json.ts(ts, zone));
        Json.runId(m, runId);
        return m;
    }
}
