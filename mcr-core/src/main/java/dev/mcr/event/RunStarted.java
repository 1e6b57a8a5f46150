package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A run started.
 *
 * @param runnerId  the runner
 * @param ts        when the process was started
 * @param activeTs  start of the active session (the manual start that began the series)
 * @param runCount  number of this run within the session, from 1
 * @param remaining runs still allowed after this one, {@code null} when unlimited
 * @param runId     the run ({@code run_id}, written after the original's keys)
 * @param actor     who started it ({@code actor}, after {@code run_id}): a user's name, {@code token:<name>},
 *                  {@code basic:<user>} or {@code anonymous} for a start through the server, {@code schedule} for a
 *                  run its schedule started, {@code group:<id>} for a run of a group's sequence; {@code null} (no key)
 *                  when the caller named nobody
 * @param attempt   the attempt of a runner with retries, from 1 ({@code attempt}, written last); 0 for a runner
 *                  without retries (not written)
 */
public record RunStarted(String runnerId, Instant ts, Instant activeTs, int runCount, Integer remaining, String runId,
                         String actor, int attempt) implements RunnerStatusEvent {

    /** The actor of runs a schedule starts. */
    public static final String SCHEDULE = "schedule";
    /** The actor of the runs of a heartbeat runner's pings. */
    public static final String HEARTBEAT = "heartbeat";
    /** The actor of the run of a heartbeat runner whose ping did not come in time. */
    public static final String MISSED = "missed";

    /**
     * A start without a named actor.
     *
     * @param runnerId  the runner
     * @param ts        the start
     * @param activeTs  the session's start
     * @param runCount  the run's number
     * @param remaining the runs left, or {@code null}
     * @param runId     the run
     */
    public RunStarted(String runnerId, Instant ts, Instant activeTs, int runCount, Integer remaining, String runId) {
        this(runnerId, ts, activeTs, runCount, remaining, runId, null, 0);
    }

    @Override
    public String status() {
        return "started";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("ts", Json.ts(ts, zone));
        m.put("active_ts", Json.ts(activeTs, zone));
        m.put("run_count", runCount);
        m.put("remaining", remaining);
        Json.runId(m, runId);
        if (actor != null) {
            m.put("actor", actor);
        }
        Json.attempt(m, attempt);
        return m;
    }
}
