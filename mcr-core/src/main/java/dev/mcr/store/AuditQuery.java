package dev.mcr.store;

/**
 * Filters of the audit log; {@code null} or blank filters match every row.
 *
 * @param limit  the most rows to return, 1 to {@value #MAX_LIMIT}
 * @param actor  only rows of this actor
 * @param action only rows of this action
 * @param target only rows whose target id or name is this
 */
public record AuditQuery(int limit, String actor, String action, String target) {

    /** Rows returned when no limit is given. */
    public static final int DEFAULT_LIMIT = 200;
    /** The largest limit. */
    public static final int MAX_LIMIT = 5000;

    /**
     * Clamps the limit to 1..{@value #MAX_LIMIT}.
     *
     * @param limit  the limit
     * @param actor  the actor filter
     * @param action the action filter
     * @param target the target filter
     */
    public AuditQuery {
        limit = Math.max(1, Math.min(MAX_LIMIT, limit));
    }
}
