package dev.mcr.store;

import dev.mcr.model.CaseState;
import java.util.Set;

/**
 * Which run records to list, newest first. Every filter is optional ({@code null}).
 *
 * @param runnerId   only runs of this runner
 * @param groupId    only runs a sequence of this group started
 * @param outcome    only runs with this {@link RunRecord#outcome()}
 * @param worstState only runs whose worst case state is this one
 * @param before     only runs older than this run id (the cursor of the previous page)
 * @param limit      at most this many, 1 to {@value #MAX_LIMIT}
 */
public record RunQuery(String runnerId, String groupId, String outcome, CaseState worstState, String before,
                       int limit) {

    /** The default page size. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page. */
    public static final int MAX_LIMIT = 1000;
    /** The outcomes a query may filter by. */
    public static final Set<String> OUTCOMES = Set.of(RunRecord.RUNNING, RunRecord.SUCCESS, RunRecord.FAILURE,
            RunRecord.STOPPED, RunRecord.TIMED_OUT, RunRecord.LOST, RunRecord.MISSED);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when the limit is out of range or the outcome is unknown
     */
    public RunQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ".");
        }
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("state must be one of running, success, failure, stopped, timed_out, "
                    + "lost, missed, up, info, warn, down.");
        }
    }

    /**
     * The newest runs of everything.
     *
     * @param limit at most this many
     * @return the query
     */
    public static RunQuery newest(int limit) {
        return new RunQuery(null, null, null, null, null, limit);
    }

    /**
     * Returns this query for runs of one runner.
     *
     * @param id the runner
     * @return the query
     */
    public RunQuery runner(String id) {
        return new RunQuery(id, groupId, outcome, worstState, before, limit);
    }

    /**
     * Returns this query for the page after the run {@code runId}.
     *
     * @param runId the cursor
     * @return the query
     */
    public RunQuery before(String runId) {
        return new RunQuery(runnerId, groupId, outcome, worstState, runId, limit);
    }
}
