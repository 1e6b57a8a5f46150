package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A runner without a live process was stopped (a pending scheduled start was cancelled).
 *
 * @param runnerId the runner
 * @param ts       when it was stopped
 */
public record RunStopped(String runnerId, Instant ts) implements RunnerStatusEvent {

    @Override
    public String status() {
        return "stopped";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
