package dev.mcr.store;

import dev.mcr.error.McrException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records of runs: one per run, written when it starts and completed when it ends, listed newest first by run
 * id (run ids sort by start time, so a page boundary stays put while new runs arrive).
 */
public interface RunStore {

    /**
     * Records a run that started.
     *
     * @param run the record ({@link RunRecord#finished()} is false)
     * @throws McrException when the write fails
     */
    void started(RunRecord run);

    /**
     * Completes the record of a run that ended (replacing its values), then applies the retention, in one
     * transaction.
     *
     * @param run       the completed record
     * @param retention what to keep
     * @param now       the time the age bound is measured from
     * @return the ids of runs whose output is no longer kept (deleted records or dropped output); the caller
     *         deletes their output
     * @throws McrException when the write fails
     */
    List<String> ended(RunRecord run, RunRetention retention, Instant now);

    /**
     * Applies the retention without a new run (at start-up).
     *
     * @param retention what to keep
     * @param now       the time the age bound is measured from
     * @return the ids of runs whose output is no longer kept
     * @throws McrException when the write fails
     */
    List<String> prune(RunRetention retention, Instant now);

    /**
     * Closes the records of runs that never ended, except the given ones, as lost: their server was killed.
     *
     * @param stillLive runs that another live server still runs
     * @param now       the time written as their end
     * @return the records closed
     * @throws McrException when the write fails
     */
    List<RunRecord> closeLost(Collection<String> stillLive, Instant now);

    /**
     * Records the size of a lost run's output, as found in what it left.
     *
     * @param runId the run
     * @param lines lines found
     * @param bytes bytes found
     * @throws McrException when the write fails
     */
    void outputFound(String runId, long lines, long bytes);

    /**
     * Finds one record.
     *
     * @param runId the run
     * @return the record, or empty when there is none (never was, or deleted by retention)
     * @throws McrException when the read fails
     */
    Optional<RunRecord> find(String runId);

    /**
     * Lists records, newest first.
     *
     * @param query filters, cursor and limit
     * @return at most {@code query.limit()} records
     * @throws McrException when the read fails
     */
    List<RunRecord> query(RunQuery query);

    /**
     * Lists the records of a runner's runs that started at or after {@code since}, newest first.
     *
     * @param runnerId the runner
     * @param since    the start of the window
     * @return the records
     * @throws McrException when the read fails
     */
    List<RunRecord> since(String runnerId, Instant since);

    /**
     * Lists the newest records of each of the given runners, newest first: what a page shows as each runner's strip of
     * recent runs. This default asks {@link #query} once per runner; a store that can answer it in one statement
     * overrides it.
     *
     * @param runnerIds the runners
     * @param perRunner at most this many records per runner, 1 to {@value RunQuery#MAX_LIMIT}
     * @return for each runner id that has records, its records, in the order of {@code runnerIds}
     * @throws McrException             when the read fails
     * @throws IllegalArgumentException when {@code perRunner} is out of range
     */
    default Map<String, List<RunRecord>> newestPerRunner(Collection<String> runnerIds, int perRunner) {
        RunQuery q = RunQuery.newest(perRunner);
        Map<String, List<RunRecord>> out = new LinkedHashMap<>();
        for (String id : runnerIds) {
            List<RunRecord> runs = query(q.runner(id));
            if (!runs.isEmpty()) {
                out.put(id, runs);
            }
        }
        return out;
    }
}
