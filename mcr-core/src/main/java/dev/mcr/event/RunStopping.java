package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A stop was requested; the process group is being signalled.
 *
 * @param runnerId the runner
 * @param ts       when the stop was requested
 */
public record RunStopping(String runnerId, Instant ts) implements RunnerStatusEvent {

    @Override
    public String status() {
        return "stopping";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
