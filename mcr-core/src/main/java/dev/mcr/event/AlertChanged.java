package dev.mcr.event;

import dev.mcr.store.AlertState;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Someone acknowledged a runner's DOWN or WARN, snoozed or unsnoozed its notifications, or an acknowledgement ended
 * because the state changed: an {@code "alert"} event, so that every open page shows it at once. The original client
 * ignores the type.
 *
 * @param state what holds now
 * @param actor who changed it, or {@code null} when the runner's state ended an acknowledgement
 * @param ts    when
 */
public record AlertChanged(AlertState state, String actor, Instant ts) implements McrEvent {

    /** Checks that state and time are given. */
    public AlertChanged {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(ts, "ts");
    }

    @Override
    public String type() {
        return "alert";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "alert");
        m.put("runner_id", state.runnerId());
        m.putAll(fields(state, zone));
        m.put("actor", actor);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }

    /**
     * The JSON of an alert state as events and runner statuses carry it: {@code acked_by}, {@code acked_at},
     * {@code acked_state} ({@code null} when nothing is acknowledged), {@code snoozed_until} ({@code null} when
     * not snoozed; see {@link AlertState#at}) and {@code escalation_due} (when an unacknowledged DOWN goes to the
     * runner's escalation service, or {@code null}) and {@code escalated} (whether the current DOWN went there
     * already).
     *
     * @param state the state
     * @param zone  the zone timestamps are written in
     * @return a fresh ordered map
     */
    public static Map<String, Object> fields(AlertState state, ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acked_by", state.ackedBy());
        m.put("acked_at", state.acknowledged() ? Json.ts(state.ackedAt(), zone) : null);
        m.put("acked_state", state.ackedState());
        m.put("snoozed_until", state.snoozedUntil() != null ? Json.ts(state.snoozedUntil(), zone) : null);
        m.put("escalation_due", state.escalationDue() != null ? Json.ts(state.escalationDue(), zone) : null);
        m.put("escalated", state.escalated());
        return m;
    }
}
