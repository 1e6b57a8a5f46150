package dev.mcr.store;

import dev.mcr.error.McrException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Values the engine keeps across restarts: the last case of each runner, the runs started and not yet ended (to find
 * processes an instance that was killed left behind), and the state of each runner's schedule (to resume it).
 */
public interface RuntimeStore {

    /**
     * Loads the last case of every runner.
     *
     * @return runner id to last case
     * @throws McrException when the read fails
     */
    Map<String, LastCase> loadLastCases();

    /**
     * Replaces every stored last case, atomically.
     *
     * @param all runner id to last case; {@code null} keys or values are skipped
     * @throws McrException when the write fails; the previous content is then unchanged
     */
    void saveLastCases(Map<String, LastCase> all);

    /**
     * Records a run as started and forgets runs that ended, in one transaction that survives a crash of this process.
     *
     * @param run   the run
     * @param ended markers of runs that ended; unknown ones are ignored
     * @throws McrException when the write fails (nothing is written then)
     */
    void recordLiveRun(LiveRun run, Collection<String> ended);

    /**
     * Forgets runs that ended (or whose leftovers were stopped).
     *
     * @param runIds the runs' markers; unknown ones are ignored
     * @throws McrException when the write fails
     */
    void removeLiveRuns(Collection<String> runIds);

    /**
     * Lists the runs recorded as started and not yet ended, oldest first.
     *
     * @return the runs
     * @throws McrException when the read fails
     */
    List<LiveRun> liveRuns();

    /**
     * Stores the schedule state of a runner, replacing the previous one.
     *
     * @param state the state
     * @throws McrException when the write fails
     */
    void putScheduleState(ScheduleState state);

    /**
     * Forgets the schedule state of a runner; an unknown runner is ignored.
     *
     * @param runnerId the runner
     * @throws McrException when the write fails
     */
    void deleteScheduleState(String runnerId);

    /**
     * Loads every stored schedule state, ordered by runner id.
     *
     * @return the states
     * @throws McrException when the read fails
     */
    List<ScheduleState> loadScheduleStates();

    /**
     * Stores what a person decided about a runner's alerts (acknowledgement, snooze), replacing the previous state.
     *
     * @param state the state
     * @throws McrException when the write fails
     */
    void putAlertState(AlertState state);

    /**
     * Forgets the alert state of a runner; an unknown runner is ignored.
     *
     * @param runnerId the runner
     * @throws McrException when the write fails
     */
    void deleteAlertState(String runnerId);

    /**
     * Loads every stored alert state, ordered by runner id.
     *
     * @return the states
     * @throws McrException when the read fails
     */
    List<AlertState> loadAlertStates();
}
