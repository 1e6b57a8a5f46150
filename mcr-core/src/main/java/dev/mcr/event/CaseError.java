package dev.mcr.event;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A problem tied to a runner's case or notifications: an invalid regex, a failed delivery,
 * a full notification queue.
 *
 * @param runnerId the runner
 * @param pattern  the case pattern concerned (or a marker such as {@code __refresh__})
 * @param error    a sentence describing the problem; never contains a secret
 */
public record CaseError(String runnerId, String pattern, String error) implements McrEvent {

    @Override
    public String type() {
        return "case_error";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "case_error");
        m.put("runner_id", runnerId);
        m.put("pattern", pattern);
        m.put("error", error);
        return m;
    }
}
