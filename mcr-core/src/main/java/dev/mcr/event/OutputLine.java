package dev.mcr.event;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a run's output (stdout and stderr merged).
 *
 * @param runnerId the runner
 * @param text     the line, ending with {@code "\n"}
 * @param runId    the run that printed it ({@code run_id}, written after the original's keys), or {@code null}
 *                 (the key is then absent)
 */
public record OutputLine(String runnerId, String text, String runId) implements McrEvent {

    /**
     * A line not tied to a run (the {@code run_id} key is absent).
     *
     * @param runnerId the runner
     * @param text     the line
     */
    public OutputLine(String runnerId, String text) {
        this(runnerId, text, null);
    }

    @Override
    public String type() {
        return "output";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>(6);
        m.put("type", "output");
        m.put("runner_id", runnerId);
        m.put("line", text);
        Json.runId(m, runId);
        return m;
    }
}
