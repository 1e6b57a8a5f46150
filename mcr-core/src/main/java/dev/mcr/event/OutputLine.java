package dev.mcr.event;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a run's output (stdout and stderr merged).
 *
 * @param runnerId the runner
 * @param text     the line, ending with {@code "\n"}
 */
public record OutputLine(String runnerId, String text) implements McrEvent {

    @Override
    public String type() {
        return "output";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        m.put("type", "output");
        m.put("runner_id", runnerId);
        m.put("line", text);
        return m;
    }
}
