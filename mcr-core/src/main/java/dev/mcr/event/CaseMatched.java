package dev.mcr.event;

import dev.mcr.model.CaseState;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A case matched an output line, or the last-line case fired at the end of a run.
 *
 * @param runnerId the runner
 * @param pattern  the case's pattern, or {@value #ON_FINISH} for the last-line case
 * @param message  the rendered message
 * @param state    the case's state; {@code null} for the last-line case (the key is then absent)
 * @param ts       when it matched
 * @param runId    the run whose output (or end) it matched ({@code run_id}, written after the original's keys)
 * @param line     the output line it matched ({@code line}, written last, so that a page can mark that line);
 *                 {@code null} for the last-line case (the key is then absent)
 */
public record CaseMatched(String runnerId, String pattern, String message, CaseState state, Instant ts,
                          String runId, String line)
        implements McrEvent {

    /**
     * A match not tied to an output line (the {@code line} key is absent).
     *
     * @param runnerId the runner
     * @param pattern  the case's pattern
     * @param message  the rendered message
     * @param state    the case's state, or {@code null}
     * @param ts       when it matched
     * @param runId    the run, or {@code null}
     */
    public CaseMatched(String runnerId, String pattern, String message, CaseState state, Instant ts, String runId) {
        this(runnerId, pattern, message, state, ts, runId, null);
    }

    /** Pattern value of the last-line case. */
    public static final String ON_FINISH = "__on_finish__";

    @Override
    public String type() {
        return "case_match";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "case_match");
        m.put("runner_id", runnerId);
        m.put("pattern", pattern);
        m.put("message", message);
        if (state != null) {
            m.put("state", state.json());
        }
        m.put("ts", Json.ts(ts, zone));
        Json.runId(m, runId);
        if (line != null) {
            m.put("line", line);
        }
        return m;
    }
}
