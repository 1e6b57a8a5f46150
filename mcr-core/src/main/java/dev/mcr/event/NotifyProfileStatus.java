package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a delivery attempt and the profile's counters after it.
 *
 * @param runnerId     the runner that caused it, or {@code __manual_test__}
 * @param profileId    the profile
 * @param profileName  its name
 * @param active       whether it is still active
 * @param failureCount consecutive failures
 * @param sentCount    successful deliveries
 * @param delivery     {@code success} or {@code error}
 * @param reason       the error text for a failure, {@code null} for a success (the key is then absent)
 * @param autoDisabled whether this failure disabled the profile (only written for failures)
 * @param title        the notification title
 * @param message      the notification text
 * @param ts           when the attempt was made
 */
public record NotifyProfileStatus(String runnerId, String profileId, String profileName, boolean active,
                                  int failureCount, int sentCount, String delivery, String reason,
                                  boolean autoDisabled, String title, String message, Instant ts)
        implements McrEvent {

    @Override
    public String type() {
        return "notify_profile_status";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "notify_profile_status");
        m.put("runner_id", runnerId);
        m.put("profile_id", profileId);
        m.put("profile_name", profileName);
        m.put("active", active);
        m.put("failure_count", failureCount);
        m.put("sent_count", sentCount);
        m.put("delivery", delivery);
        if (reason != null) {
            m.put("reason", reason);
            m.put("auto_disabled", autoDisabled);
        }
        m.put("title", title);
        m.put("message", message);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
