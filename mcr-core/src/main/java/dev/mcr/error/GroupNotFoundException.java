package dev.mcr.error;

/** No group with the given id exists (and, for a stop, none ran under that id either). */
public class GroupNotFoundException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String groupId;

    /** @param groupId the id that was asked for (may be {@code null} when none was given) */
    public GroupNotFoundException(String groupId) {
        super("There is no group with the id '" + groupId + "'.");
        this.groupId = groupId;
    }

    /** Returns the id that was asked for. */
    public String groupId() {
        return groupId;
    }
}
