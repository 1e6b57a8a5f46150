package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A profile was set inactive after too many consecutive delivery failures.
 *
 * @param profileId    the profile
 * @param profileName  its name
 * @param failureCount consecutive failures
 * @param sentCount    successful deliveries
 * @param reason       the last error text
 * @param ts           when it happened
 */
public record NotifyProfileAutoDisabled(String profileId, String profileName, int failureCount, int sentCount,
                                        String reason, Instant ts) implements McrEvent {

    @Override
    public String type() {
        return "notify_profile_auto_disabled";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "notify_profile_auto_disabled");
        m.put("profile_id", profileId);
        m.put("profile_name", profileName);
        m.put("failure_count", failureCount);
        m.put("sent_count", sentCount);
        m.put("reason", reason);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
