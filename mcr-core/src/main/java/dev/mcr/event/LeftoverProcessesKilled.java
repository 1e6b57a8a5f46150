package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At start-up, processes of runs started by an earlier, killed instance were found and stopped.
 * Not part of the original's event set: its {@code type} is {@code "leftover_processes"}, which
 * the original client ignores.
 *
 * @param runnerId the runner whose run left them behind
 * @param pids     the process ids that were stopped
 * @param ts       when they were stopped
 */
public record LeftoverProcessesKilled(String runnerId, List<Long> pids, Instant ts) implements McrEvent {

    /** Copies the pid list. */
    public LeftoverProcessesKilled {
        pids = List.copyOf(pids);
    }

    @Override
    public String type() {
        return "leftover_processes";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "leftover_processes");
        m.put("runner_id", runnerId);
        m.put("pids", pids);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
