package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * The next run is scheduled.
 *
 * @param runnerId the runner
 * @param inS      seconds until it starts
 * @param ts       when it was scheduled
 */
public record RunScheduled(String runnerId, long inS, Instant ts) implements RunnerStatusEvent {

    @Override
    public String status() {
        return "scheduled";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("in_s", inS);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
