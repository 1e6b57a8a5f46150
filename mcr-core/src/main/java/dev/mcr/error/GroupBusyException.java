package dev.mcr.error;

import java.util.List;

/**
 * A group cannot start its sequence: either the sequence runs already ({@link #busyRunnerIds()} is empty), or some
 * of its members are running or waiting for a scheduled run ({@link #busyRunnerIds()} names them).
 */
public class GroupBusyException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String groupId;
    private final List<String> busyRunnerIds;

    /**
     * @param groupId       the group
     * @param busyRunnerIds the members that are running or scheduled, in the group's order; empty when the group's
     *                      own sequence is what runs already
     */
    public GroupBusyException(String groupId, List<String> busyRunnerIds) {
        super(message(groupId, busyRunnerIds));
        this.groupId = groupId;
        this.busyRunnerIds = List.copyOf(busyRunnerIds);
    }

    private static String message(String groupId, List<String> busy) {
        if (busy.isEmpty()) {
            return "Group '" + groupId + "' is already running its sequence; stop it or wait until it finishes.";
        }
        return "Group '" + groupId + "' cannot start while its runners " + String.join(", ", busy)
                + " are running or scheduled; stop them first.";
    }

    /** Returns the group's id. */
    public String groupId() {
        return groupId;
    }

    /**
     * Returns the members that are running or scheduled, in the group's order.
     *
     * @return the ids, unmodifiable; empty when the group's sequence itself runs already
     */
    public List<String> busyRunnerIds() {
        return busyRunnerIds;
    }

    /** Returns whether the group's own sequence is what runs already (no member was looked at). */
    public boolean sequenceRunning() {
        return busyRunnerIds.isEmpty();
    }
}
