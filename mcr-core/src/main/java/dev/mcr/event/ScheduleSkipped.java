package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A due time of a cron schedule did not start a run. Not part of the original's event set: its {@code type} is
 * {@code "schedule_skipped"}, which the original client ignores.
 *
 * @param runnerId the runner
 * @param due      the due time that was skipped (for a misfire: the first one missed)
 * @param reason   {@link #OVERLAP} (the previous run still ran, or a run already waited) or {@link #MISFIRE} (mcr
 *                 was not running, and the schedule's {@code misfire} is {@code skip})
 * @param ts       when it was decided
 */
public record ScheduleSkipped(String runnerId, Instant due, String reason, Instant ts) implements McrEvent {

    /** The previous run still ran (or, with {@code overlap: queue}, a run already waited). */
    public static final String OVERLAP = "overlap";
    /** The due time passed while mcr was not running. */
    public static final String MISFIRE = "misfire";

    @Override
    public String type() {
        return "schedule_skipped";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("runner_id", runnerId);
        m.put("due_ts", Json.ts(due, zone));
        m.put("reason", reason);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
