package dev.mcr.runtime;

import dev.mcr.store.ScheduleState;
import dev.mcr.event.RunPaused;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import dev.mcr.model.CaseState;
import dev.mcr.store.LastCase;
import dev.mcr.store.RunRecord;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

/**
 * The state machine of one runner (SPEC §2): idle, running, scheduled, stopped or paused, with the counters of its
 * active session and the results of its last run. Every change of that state is one method here; the engine calls
 * them holding this object's monitor and does the I/O around them (spawning, events, persistence).
 *
 * <pre>
 *   idle ──manual start──▶ running ──run ended──▶ scheduled ──due──▶ running …
 *                             │            └──────▶ idle (no next run: the session ends)
 *   any ──stop──▶ stopped      └──failures reach the threshold──▶ paused
 * </pre>
 *
 * A manual start begins a session (counters reset, {@code active_ts} set); a scheduled start continues it. A retry
 * (the same run made again after it failed) is a scheduled start that does not count as a run of the session.
 *
 * <p>A cron schedule has a timer of its own beside the one of the next start: it stays armed across runs, stops and
 * manual starts, and is disarmed only when the schedule is switched off or removed, the runner pauses itself, is
 * deleted, or mcr shuts down. Each due time is a session of one run.
 */
final class RunnerStateMachine {

    /** What a manual start changed, to put back when its spawn fails. */
    record ManualStart(Integer remaining, int runCount, int failures, boolean stopped, boolean paused,
                       boolean oneShot) {
    }

    /** What the end of a run leaves to do outside the monitor. */
    record EndedRun(String output, boolean stopped, String lastLine, Runner config) {
    }

    private final String id;
    private final AlertPolicy alerts;
    private final OutputBuffer output = new OutputBuffer();
    private final AutoPause failures = new AutoPause();
    private Runner config;
    private CaseMatcher matcher;
    /** Read without the monitor by the run's reader (to batch its events). */
    private volatile ActiveRun run;
    private boolean stopped;
    private boolean paused;
    private boolean purged;
    private boolean oneShot;
    private ScheduledFuture<?> timer;
    /** When {@link #timer} is due. */
    private Instant timerDue;
    /** The attempt the next start makes: 1, or more for a retry. */
    private int nextAttempt = 1;
    private ScheduledFuture<?> cronTimer;
    /** When {@link #cronTimer} is due. */
    private Instant cronDue;
    /** The cron schedule the timer was armed with. */
    private Schedule.Cron armedWith;
    /** A due time came while a run ran, and the schedule queues: it starts when the run is over. */
    private boolean queued;
    /** Runs left in this session after the current one, {@code null} when unlimited. */
    private Integer remaining;
    private int runCount;
    private Instant activeTs;
    private Integer lastExitCode;
    private Instant lastFinishTs;
    private String lastCase = "";
    private Instant lastCaseTs;
    /** The state of the last case that carried one, {@code null} when none did since the start. */
    private CaseState lastState;
    /** The worst case state of the current (or else the last) run, {@code null} when none was seen. */
    private CaseState runWorstState;
    /** Whether the last run ended because someone stopped it. */
    private boolean lastRunStopped;
    private String lastLine = "";

    /**
     * @param config   the runner's settings
     * @param alerts   its alert policy
     * @param restored its last case from before a restart, or {@code null}
     */
    RunnerStateMachine(Runner config, AlertPolicy alerts, LastCase restored) {
        this.id = config.id();
        this.config = config;
        this.alerts = alerts;
        if (restored != null) {
            this.lastCase = restored.message() == null ? "" : restored.message();
            this.lastCaseTs = restored.ts();
        }
    }

    String id() {
        return id;
    }

    Runner config() {
        return config;
    }

    AlertPolicy alerts() {
        return alerts;
    }

    CaseMatcher matcher() {
        return matcher;
    }

    ActiveRun run() {
        return run;
    }

    boolean purged() {
        return purged;
    }

    boolean running() {
        return run != null;
    }

    boolean scheduled() {
        return timer != null;
    }

    // ------------------------------------------------------------------------------------ configuration

    /**
     * New settings (a save). A running or scheduled runner gets its cases compiled at once, so the current run
     * matches with them; an idle one compiles them at its next start.
     */
    void configure(Runner newConfig, Function<Runner, CaseMatcher> compile) {
        if (config == newConfig) {
            return;
        }
        config = newConfig;
        matcher = running() || scheduled() ? compile.apply(newConfig) : null;
    }

    // ------------------------------------------------------------------------------------ starting

    /**
     * A manual start: a new session with {@code max_runs} runs (one for a group member), counters and flags reset,
     * a pending scheduled start cancelled. The caller has checked that nothing runs.
     *
     * @return what to put back with {@link #undo(ManualStart)} if the spawn fails
     */
    ManualStart beginManualStart(boolean asOneShot, CaseMatcher compiled) {
        cancelTimer();
        int maxRuns = asOneShot ? 1 : config.timing().maxRuns();
        ManualStart before = beginSession(asOneShot, maxRuns == Runner.Timing.UNLIMITED_RUNS ? null : maxRuns - 1,
                compiled);
        paused = false;
        failures.reset();
        return before;
    }

    /**
     * A due time of the cron schedule starts a run: a session of one run, failures carried on (they pause a cron
     * runner as they pause any other). The caller has checked that nothing runs or waits.
     *
     * @return what to put back with {@link #undo(ManualStart)} if the spawn fails
     */
    ManualStart beginCronStart(CaseMatcher compiled) {
        return beginSession(false, 0, compiled);
    }

    /** A new session's first run: counters and output reset; returns what was there before. */
    private ManualStart beginSession(boolean asOneShot, Integer remainingAfter, CaseMatcher compiled) {
        ManualStart before = new ManualStart(remaining, runCount, failures.consecutiveFailures(), stopped, paused,
                oneShot);
        oneShot = asOneShot;
        output.clear();
        lastLine = "";
        stopped = false;
        remaining = remainingAfter;
        runCount = 1;
        nextAttempt = 1;
        matcher = compiled;
        return before;
    }

    /** Puts back what a manual start changed (its spawn failed). */
    void undo(ManualStart before) {
        remaining = before.remaining();
        runCount = before.runCount();
        failures.restore(before.failures());
        stopped = before.stopped();
        paused = before.paused();
        oneShot = before.oneShot();
    }

    /**
     * A scheduled start falls due: the timer is spent; unless the runner was stopped, paused, purged, has no runs
     * left or runs already (a manual start came first), the session counts one more run.
     *
     * @return whether to spawn
     */
    boolean beginScheduledStart(boolean closed) {
        timer = null;
        timerDue = null;
        boolean retry = nextAttempt > 1;
        if (closed || purged || stopped || paused || running() || (!retry && remaining != null && remaining <= 0)) {
            return false;
        }
        if (retry) {
            output.clear();
            lastLine = "";
            return true;
        }
        if (remaining != null) {
            remaining--;
        }
        runCount++;
        output.clear();
        lastLine = "";
        return true;
    }

    /** Returns whether cases must be compiled before a scheduled start (they were not since the last save). */
    boolean needsMatcher() {
        return matcher == null;
    }

    /** Sets the compiled cases. */
    void matcher(CaseMatcher compiled) {
        matcher = compiled;
    }

    /** Takes back the run a scheduled start counted (its spawn failed). */
    void abortScheduledStart() {
        if (nextAttempt > 1) {
            return;
        }
        if (remaining != null) {
            remaining++;
        }
        runCount--;
    }

    /**
     * The process lives: the run is current. A manual start begins a new session at the run's start; a scheduled
     * one continues the session (or begins one if it had ended).
     */
    void runBegan(ActiveRun started, boolean manual) {
        run = started;
        runWorstState = null;
        if (manual || activeTs == null) {
            activeTs = started.startedTs();
        }
    }

    // ------------------------------------------------------------------------------------ a run's output

    /**
     * Keeps an output line of the current run.
     *
     * @return false when the runner was purged (the line is dropped)
     */
    boolean lineRead(String line, String trimmed, int maxLines, long maxChars) {
        if (purged) {
            return false;
        }
        output.append(line, maxLines, maxChars);
        if (!trimmed.isEmpty()) {
            lastLine = trimmed;
        }
        return true;
    }

    /**
     * Remembers a case match as the last case.
     *
     * @return the settings to alert with, or {@code null} when the runner was purged
     */
    Runner caseMatched(String message, CaseState state, Instant now) {
        if (purged) {
            return null;
        }
        lastCase = message;
        lastCaseTs = now;
        if (state != null && state != CaseState.NONE) {
            lastState = state;
            if (RunRecord.severity(state) > RunRecord.severity(runWorstState)) {
                runWorstState = state;
            }
        }
        return config;
    }

    /** Returns the last case to persist, or {@code null} when there is none. */
    LastCase lastCaseOrNull() {
        return lastCase.isEmpty() && lastCaseTs == null ? null : new LastCase(lastCase, lastCaseTs);
    }

    // ------------------------------------------------------------------------------------ a run's end

    /**
     * The run's process ended.
     *
     * @return what to log and match, or {@code null} when the runner was purged meanwhile (nothing more to do)
     */
    EndedRun runEnded(ActiveRun ended, int exitCode, Instant finishedTs) {
        if (run == ended) {
            run = null;
        }
        if (purged) {
            return null;
        }
        lastExitCode = exitCode;
        lastFinishTs = finishedTs;
        lastRunStopped = stopped;
        return new EndedRun(output.joined(), stopped, lastLine, config);
    }

    /**
     * Accounts a run's exit (after its log and last-line case): success resets the failure count, a failure
     * counts towards auto-pause; a run the user stopped counts neither way.
     *
     * @return the {@code paused} event when the runner paused now, else {@code null}
     */
    RunPaused accountExit(int exitCode, boolean wasStopped, Instant now) {
        if (wasStopped) {
            return null;
        }
        if (exitCode == 0) {
            failures.reset();
            return null;
        }
        return countFailure(now);
    }

    /**
     * Counts a failed run or a scheduled start that could not spawn; at the threshold the runner pauses (the one
     * place auto-pause happens).
     *
     * @return the {@code paused} event when the runner paused now, else {@code null}
     */
    RunPaused countFailure(Instant now) {
        // A heartbeat runner never pauses: pausing would silence the check of a job that went quiet.
        int threshold = config.isHeartbeat() ? 0 : config.alerting().failurePauseThreshold();
        if (!failures.countFailure(threshold)) {
            return null;
        }
        paused = true;
        stopped = true;
        cancelTimer();
        disarmCron();
        activeTs = null;
        return new RunPaused(id, RunPaused.AUTO_PAUSE_FAILURES, failures.consecutiveFailures(), threshold, now);
    }

    int consecutiveFailures() {
        return failures.consecutiveFailures();
    }

    // ------------------------------------------------------------------------------------ the next run

    /**
     * Returns whether another run of this session may be scheduled: not a one-shot run, not stopped, paused or
     * purged, nothing pending or running, runs left.
     */
    boolean mayRepeat() {
        return !oneShot && !stopped && !paused && !purged && timer == null && run == null
                && (remaining == null || remaining > 0);
    }

    /** The next run is pending, due at {@code due}. */
    void scheduled(ScheduledFuture<?> pending, Instant due) {
        timer = pending;
        timerDue = due;
    }

    // ------------------------------------------------------------------------------------ retries

    /** Returns the attempt the next start makes (1, or more for a retry). */
    int nextAttempt() {
        return nextAttempt;
    }

    /** The run failed and is made again: the next start is the following attempt. */
    void retryNext() {
        nextAttempt++;
    }

    /** The attempts of a run are over (it succeeded, or the last one failed). */
    void attemptsDone() {
        nextAttempt = 1;
    }

    boolean paused() {
        return paused;
    }

    // ------------------------------------------------------------------------------------ cron

    /** Returns the runner's cron schedule when it has one that is switched on, else {@code null}. */
    Schedule.Cron activeCron() {
        // A heartbeat runner's cron says when pings are due; it starts nothing.
        return config.timing().schedule() instanceof Schedule.Cron c && c.enabled() && !config.isHeartbeat() ? c
                : null;
    }

    /** Returns whether the cron timer is set. */
    boolean cronArmed() {
        return cronTimer != null;
    }

    /** Returns the cron schedule the timer was set for, or {@code null}. */
    Schedule.Cron armedWith() {
        return armedWith;
    }

    /** Returns the due time of the cron timer, or {@code null}. */
    Instant cronDue() {
        return cronDue;
    }

    /** Keeps the armed timer for changed settings that do not move it (misfire, overlap). */
    void armedWith(Schedule.Cron cron) {
        armedWith = cron;
    }

    /** The cron timer is set for {@code due}. */
    void armCron(Schedule.Cron cron, Instant due, ScheduledFuture<?> pending) {
        if (cronTimer != null) {
            cronTimer.cancel(false);
        }
        armedWith = cron;
        cronDue = due;
        cronTimer = pending;
    }

    /** The cron timer fell due: returns its due time; the caller sets the next one. */
    Instant cronFired() {
        cronTimer = null;
        return cronDue;
    }

    /** The cron schedule stops firing (switched off, removed, a pause, a deletion, a shutdown). */
    void disarmCron() {
        if (cronTimer != null) {
            cronTimer.cancel(false);
        }
        cronTimer = null;
        cronDue = null;
        armedWith = null;
        queued = false;
    }

    /** Returns whether a run lives or a start (the next run or a retry) is pending: a due time overlaps then. */
    boolean busy() {
        return run != null || timer != null;
    }

    /** Returns whether a due time waits for the current run to end. */
    boolean queued() {
        return queued;
    }

    /** A due time waits for the current run to end. */
    void queue() {
        queued = true;
    }

    /** Returns whether a due time waited, and clears it. */
    boolean takeQueued() {
        boolean was = queued;
        queued = false;
        return was;
    }

    /** Carries on the failures counted before a restart (a cron schedule's state). */
    void restoreFailures(int consecutive) {
        failures.restore(consecutive);
    }

    /** Nothing more runs in this session: it ends. */
    void sessionEnded() {
        activeTs = null;
    }

    // ------------------------------------------------------------------------------------ durable schedules

    /**
     * Returns whether the session goes on after the current run: not a one-shot run, a repeating schedule and runs
     * left. Only such a session resumes after a restart; a one-shot run cut short is not made again.
     */
    boolean continuesAfterCurrentRun() {
        return !oneShot && config.timing().schedule().repeats() && (remaining == null || remaining > 0);
    }

    /**
     * Returns where the session resumes when the current run is cut short (a crash, a shutdown): that run's start,
     * with the counters from before it, so it is made again.
     */
    ScheduleState resumeCurrentRun() {
        return new ScheduleState(id, activeTs, run.startedTs(), Math.max(0, runCount - 1),
                remaining == null ? null : remaining + 1, failures.consecutiveFailures());
    }

    /** Returns where the session resumes: the start due at {@code due}, with the counters as they are. */
    ScheduleState resumeAt(Instant due) {
        return new ScheduleState(id, activeTs, due, runCount, remaining, failures.consecutiveFailures());
    }

    /**
     * Takes over a session from before a restart: its counters, failures and start; it is neither stopped nor
     * paused (it would have no state otherwise). The caller schedules its start.
     */
    void resume(ScheduleState state) {
        oneShot = false;
        stopped = false;
        paused = false;
        runCount = state.runCount();
        remaining = state.remaining();
        failures.restore(state.consecutiveFailures());
        activeTs = state.sessionStartedAt() != null ? state.sessionStartedAt() : state.nextDueAt();
    }

    // ------------------------------------------------------------------------------------ stopping

    /**
     * The user stops the runner: the pending start is cancelled, the session's run count resets, a pause is lifted.
     *
     * @return the run to stop, or {@code null} when none lives (the session has then ended)
     */
    ActiveRun stop() {
        cancelTimer();
        stopped = true;
        paused = false;
        runCount = 0;
        if (run == null) {
            activeTs = null;
        }
        return run;
    }

    /**
     * The runner was deleted: nothing of it runs again and its state is dropped.
     *
     * @return the run to stop, or {@code null}
     */
    ActiveRun purge() {
        purged = true;
        cancelTimer();
        disarmCron();
        return run;
    }

    /**
     * mcr shuts down: the pending start is cancelled and the current run, if any, ends as stopped.
     *
     * @return the run to stop, or {@code null}
     */
    ActiveRun shutDown() {
        cancelTimer();
        disarmCron();
        if (run != null) {
            stopped = true;
        }
        return run;
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        timerDue = null;
        nextAttempt = 1;
    }

    // ------------------------------------------------------------------------------------ status

    StatusSnapshot status() {
        Instant next = timerDue;
        if (cronDue != null && (next == null || cronDue.isBefore(next))) {
            next = cronDue;
        }
        return new StatusSnapshot(running(), stopped, run == null ? null : run.startedTs(), activeTs,
                output.tail(RunnerEngine.TAIL_LINES), remaining, runCount, scheduled() || cronArmed(), lastCase,
                lastCaseTs, failures.consecutiveFailures(), paused, lastExitCode, lastFinishTs, next, lastState, runWorstState,
                lastRunStopped);
    }
}
