package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * The runner was paused because it failed too often in a row; nothing more is scheduled.
 *
 * @param runnerId            the runner
 * @param reason              {@value #AUTO_PAUSE_FAILURES}
 * @param consecutiveFailures failures in a row
 * @param threshold           the runner's failure pause threshold
 * @param ts                  when it was paused
 */
public record RunPaused(String runnerId, String reason, int consecutiveFailures, int threshold, Instant ts)
        implements RunnerStatusEvent {

    /** The reason of an automatic pause after failures. */
    public static final String AUTO_PAUSE_FAILURES = "auto_pause_failures";

    @Override
    public String status() {
        return "paused";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = Json.status(this);
        m.put("reason", reason);
        m.put("consecutive_failures", consecutiveFailures);
        m.put("threshold", threshold);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
