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

    static String ts(Instant ts, ZoneId zone) {
        String s = Timestamps.format(ts, zone);
        return s == null ? "" : s;
    }
}
