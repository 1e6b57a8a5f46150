package dev.mcr.event;

import dev.mcr.model.Timestamps;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the ordered JSON maps of events. */
final class Json {
    private Json() {
    }

    static Map<String, Object> status(RunnerStatusEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.type());
        m.put("runner_id", e.runnerId());
        m.put("status", e.status());
        return m;
    }

    /** Appends {@code run_id} (after the keys of the original) when the event belongs to a run. */
    static void runId(Map<String, Object> m, String runId) {
        if (runId != null) {
            m.put("run_id", runId);
        }
    }

    /** Appends {@code attempt} when the event belongs to a runner with retries. */
    static void attempt(Map<String, Object> m, int attempt) {
        if (attempt > 0) {
            m.put("attempt", attempt);
        }
    }

    static String ts(Instant ts, ZoneId zone) {
        String s = Timestamps.format(ts, zone);
        return s == null ? "" : s;
    }
}
