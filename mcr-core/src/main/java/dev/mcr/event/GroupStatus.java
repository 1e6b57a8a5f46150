package dev.mcr.event;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress of a group sequence.
 *
 * @param groupId         the group
 * @param groupName       its name
 * @param status          {@code started}, {@code running}, {@code stopping}, {@code stopped},
 *                        {@code finished} or {@code error}
 * @param runnerIds       the members the sequence runs, in order
 * @param currentRunnerId the member running now, or {@code ""}
 * @param currentIndex    1-based index of the current member, 0 before the first
 * @param completedCount  members that have completed
 * @param startedTs       when the sequence started, or {@code null}
 * @param finishedTs      when it ended, or {@code null}
 * @param error           why it ended with {@code error}, or {@code ""}
 * @param ts              when this status was published
 */
public record GroupStatus(String groupId, String groupName, String status, List<String> runnerIds,
                          String currentRunnerId, int currentIndex, int completedCount,
                          Instant startedTs, Instant finishedTs, String error, Instant ts) implements McrEvent {

    /** Copies the member list. */
    public GroupStatus {
        runnerIds = List.copyOf(runnerIds);
    }

    @Override
    public String type() {
        return "group_status";
    }

    /** Returns the number of members in the sequence. */
    public int totalCount() {
        return runnerIds.size();
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "group_status");
        m.put("group_id", groupId);
        m.put("group_name", groupName);
        m.put("status", status);
        m.put("runner_ids", runnerIds);
        m.put("current_runner_id", currentRunnerId);
        m.put("current_index", currentIndex);
        m.put("completed_count", completedCount);
        m.put("total_count", runnerIds.size());
        m.put("started_ts", Json.ts(startedTs, zone));
        m.put("finished_ts", Json.ts(finishedTs, zone));
        m.put("error", error);
        m.put("ts", Json.ts(ts, zone));
        return m;
    }
}
