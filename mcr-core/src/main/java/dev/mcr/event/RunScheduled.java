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
 * @param due      when it is due ({@code next_run_ts}, written after the original's keys), {@code null} when unknown
 * @param attempt  the attempt it makes when it is a retry, from 2 ({@code attempt}); 0 otherwise (not written)
 */
public record RunScheduled(String runnerId, long inS, Instant ts, Instant due, int attempt)
        implements RunnerStatusEvent {

    /**
     * A next run without its due time.
     *
     * @param runnerId the runner
     * @param inS      seconds until it starts
     * @param ts       when it was scheduled
     */
    public RunScheduled(String runnerId, long inS, Instant ts) {
        this(runnerId, inS, ts, null, 0);
    }

    @Override
    public String status() {
        return "scheduled";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("in_s", inS);
        m.put("ts", Json.ts(ts, zone));
        if (due != null) {
            m.put("next_run_ts", Json.ts(due, zone));
        }
        Json.attempt(m, attempt);
        return m;
    }
}
