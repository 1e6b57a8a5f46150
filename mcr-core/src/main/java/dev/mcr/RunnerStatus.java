package dev.mcr;

import dev.mcr.event.AlertChanged;
import dev.mcr.model.CaseState;
import dev.mcr.model.Timestamps;
import dev.mcr.store.AlertState;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A runner's runtime status, as in {@code GET /api/status} and the SSE snapshot.
 *
 * @param running             whether a process is alive
 * @param stopped             whether the user stopped it (or it was auto-paused)
 * @param startedTs           start of the current run, or {@code null}
 * @param activeTs            start of the active session (running or scheduled), or {@code null}
 * @param tail                the last 200 output lines joined
 * @param remaining           runs still allowed in this session, {@code null} when unlimited
 * @param runCount            runs made in this session
 * @param scheduled           whether a next run is pending
 * @param lastCase            last case message (persisted), {@code ""} when none
 * @param lastCaseTs          when it matched, or {@code null}
 * @param consecutiveFailures non-zero exits in a row
 * @param paused              whether it was paused after failures
 * @param lastExitCode        exit code of the last run, {@code null} before the first
 * @param lastFinishTs        end of the last run, or {@code null}
 * @param nextRunTs           when the next run is due (an interval's, a retry's or a cron schedule's), or {@code null}
 *                            ({@code next_run_ts}, written after the original's keys, only when there is one)
 * @param lastState           the state of the last case that carried one, or {@code null} ({@code last_state},
 *                            written after the original's keys, only when there is one)
 * @param worstState          the worst case state of the current run, or else of the last one, or {@code null}
 *                            ({@code worst_state}, only when there is one): a WARN stays visible after a later UP
 * @param lastRunStopped      whether the last run ended because someone stopped it ({@code last_stopped}, written
 *                            only when true), so a client can tell a stop from a failure
 * @param lastOutcome         how the last run ended: {@code success}, {@code failure}, {@code stopped}, or after a
 *                            restart the outcome of its record (also {@code timed_out} or {@code lost});
 *                            {@code null} before any run ({@code last_outcome}, only when known)
 * @param alert               the acknowledgement of its DOWN/WARN and its snooze, or {@code null} when it has neither
 *                            ({@code alert}, written last, only when there is one)
 */
public record RunnerStatus(boolean running, boolean stopped, Instant startedTs, Instant activeTs, String tail,
                           Integer remaining, int runCount, boolean scheduled, String lastCase, Instant lastCaseTs,
                           int consecutiveFailures, boolean paused, Integer lastExitCode, Instant lastFinishTs,
                           Instant nextRunTs, CaseState lastState, CaseState worstState, boolean lastRunStopped,
                           String lastOutcome, AlertState alert) {

    /**
     * A status without health fields, acknowledgement or snooze.
     *
     * @param running             whether a process is alive
     * @param stopped             whether the user stopped it (or it was auto-paused)
     * @param startedTs           start of the current run, or {@code null}
     * @param activeTs            start of the active session, or {@code null}
     * @param tail                the last 200 output lines joined
     * @param remaining           runs still allowed in this session, {@code null} when unlimited
     * @param runCount            runs made in this session
     * @param scheduled           whether a next run is pending
     * @param lastCase            last case message, {@code ""} when none
     * @param lastCaseTs          when it matched, or {@code null}
     * @param consecutiveFailures non-zero exits in a row
     * @param paused              whether it was paused after failures
     * @param lastExitCode        exit code of the last run, {@code null} before the first
     * @param lastFinishTs        end of the last run, or {@code null}
     * @param nextRunTs           when the next run is due, or {@code null}
     */
    public RunnerStatus(boolean running, boolean stopped, Instant startedTs, Instant activeTs, String tail,
                        Integer remaining, int runCount, boolean scheduled, String lastCase, Instant lastCaseTs,
                        int consecutiveFailures, boolean paused, Integer lastExitCode, Instant lastFinishTs,
                        Instant nextRunTs) {
        this(running, stopped, startedTs, activeTs, tail, remaining, runCount, scheduled, lastCase, lastCaseTs,
                consecutiveFailures, paused, lastExitCode, lastFinishTs, nextRunTs, null, null, false, null, null);
    }

    /** Returns whether the runner is running or waiting for its next scheduled run. */
    public boolean active() {
        return running || scheduled;
    }

    /**
     * Returns the JSON form of the original (timestamps as text, {@code ""} when absent).
     *
     * @param zone the zone whose offset timestamps are written with
     * @return a fresh ordered map
     */
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", running);
        m.put("stopped", stopped);
        m.put("started_ts", ts(startedTs, zone));
        m.put("active_ts", ts(activeTs, zone));
        m.put("tail", tail);
        m.put("remaining", remaining);
        m.put("run_count", runCount);
        m.put("scheduled", scheduled);
        m.put("last_case", lastCase);
        m.put("last_case_ts", ts(lastCaseTs, zone));
        m.put("consecutive_failures", consecutiveFailures);
        m.put("paused", paused);
        m.put("last_exit_code", lastExitCode);
        m.put("last_finish_ts", ts(lastFinishTs, zone));
        if (nextRunTs != null) {
            m.put("next_run_ts", ts(nextRunTs, zone));
        }
        if (lastState != null) {
            m.put("last_state", lastState.name());
        }
        if (worstState != null) {
            m.put("worst_state", worstState.name());
        }
        if (lastRunStopped) {
            m.put("last_stopped", true);
        }
        if (lastOutcome != null) {
            m.put("last_outcome", lastOutcome);
        }
        if (alert != null) {
            m.put("alert", AlertChanged.fields(alert, zone));
        }
        return m;
    }

    private static String ts(Instant i, ZoneId zone) {
        String s = Timestamps.format(i, zone);
        return s == null ? "" : s;
    }
}
