package dev.mcr.runtime;

import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.process.ShellProcess;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One run while it lives: its id (also its processes' {@value RunnerEngine#RUN_ID_ENV}), its process ({@code null}
 * for the run of a heartbeat ping, which has none), the settings
 * it was started with (its command goes into the log), when it started, its reader, the events its reader batches,
 * the last case it matched, and the future of its outcome.
 */
final class ActiveRun {

    private final String runId;
    private final ShellProcess process;
    private final Runner startConfig;
    private final Instant startedTs;
    private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
    private ReaderThreads.Reader reader;
    /** The reader's batch while it reads; events of this run published from elsewhere go through it. */
    private volatile RunEventBatch events;
    private volatile String lastCase = "";
    private final int attempt;
    private final SecretRedaction redaction;
    private volatile boolean timedOut;
    private ScheduledFuture<?> timeoutTimer;

    ActiveRun(String runId, ShellProcess process, Runner startConfig, Instant startedTs) {
        this(runId, process, startConfig, startedTs, 1);
    }

    ActiveRun(String runId, ShellProcess process, Runner startConfig, Instant startedTs, int attempt) {
        this.runId = runId;
        this.process = process;
        this.startConfig = startConfig;
        this.startedTs = startedTs;
        this.attempt = attempt;
        this.redaction = SecretRedaction.of(startConfig.execution().secretValues());
    }

    /** Returns the attempt this run makes: 1, or more for a retry. */
    int attempt() {
        return attempt;
    }

    /** Returns an output line with the values of the runner's secret variables replaced. */
    String redact(String line) {
        return redaction.apply(line);
    }

    /** Returns whether the runner's timeout stopped this run. */
    boolean timedOut() {
        return timedOut;
    }

    /** The runner's timeout stops this run. */
    void timeOut() {
        timedOut = true;
    }

    /** Sets the timer of the runner's timeout; called before the reader starts. */
    void timeoutTimer(ScheduledFuture<?> pending) {
        timeoutTimer = pending;
    }

    /** The run ended: its timeout no longer matters. */
    void cancelTimeout() {
        ScheduledFuture<?> t = timeoutTimer;
        if (t != null) {
            t.cancel(false);
        }
    }

    String runId() {
        return runId;
    }

    ShellProcess process() {
        return process;
    }

    Runner startConfig() {
        return startConfig;
    }

    Instant startedTs() {
        return startedTs;
    }

    CompletableFuture<RunOutcome> outcome() {
        return outcome;
    }

    ReaderThreads.Reader reader() {
        return reader;
    }

    void reader(ReaderThreads.Reader r) {
        this.reader = r;
    }

    RunEventBatch events() {
        return events;
    }

    void events(RunEventBatch batch) {
        this.events = batch;
    }

    /** Returns the message of the last case this run matched, {@code ""} when none. */
    String lastCase() {
        return lastCase;
    }

    void caseMatched(String message) {
        this.lastCase = message;
    }

    /** The last DOWN and UP case messages of this run, which an N-of-M rule sends at its end if at all. */
    private volatile String downMessage;
    private volatile String upMessage;

    void stateHeld(CaseState state, String message) {
        if (state == CaseState.DOWN) {
            downMessage = message;
        } else {
            upMessage = message;
        }
    }

    /** Holds a message of a heartbeat's run unless a case of the run holds one of this state already. */
    void stateHeldUnlessCase(CaseState state, String message) {
        if ((state == CaseState.DOWN ? downMessage : upMessage) == null) {
            stateHeld(state, message);
        }
    }

    /** Returns the last DOWN case message held back for the N-of-M rule, or {@code null}. */
    String downMessage() {
        return downMessage;
    }

    /** Returns the last UP case message held back for the N-of-M rule, or {@code null}. */
    String upMessage() {
        return upMessage;
    }

    /** Completes the outcome (once; later calls do nothing). */
    void ended(int exitCode, boolean stopped, boolean paused, Instant finishedTs) {
        outcome.complete(new RunOutcome(startConfig.id(), runId, exitCode, stopped, paused, startedTs, finishedTs,
                lastCase));
    }
}
