package dev.mcr.store;

import dev.mcr.model.CaseState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The record of one run: written when it starts, completed when it ends, closed as lost when the server that ran it
 * was killed before it ended.
 *
 * @param runId       the run's id ({@code run_…}, time-ordered)
 * @param runnerId    the runner
 * @param runnerName  the runner's name when the run started
 * @param groupId     the group whose sequence started it, or {@code null}
 * @param trigger     what started it: one of {@link #MANUAL}, {@link #SCHEDULE}, {@link #CRON}, {@link #GROUP},
 *                    {@link #RETRY}, {@link #HEARTBEAT}, {@link #MISSED}
 * @param actor       who started it, when known (else {@code null})
 * @param node        the name of the server that ran it
 * @param startedTs   when it started (records keep milliseconds)
 * @param finishedTs  when it ended, or when it was found lost; {@code null} while it runs
 * @param durationMs  how long it ran; {@code null} while it runs and for a lost run
 * @param exitCode    the shell's exit code; {@code null} while it runs and for a lost run
 * @param stopped     whether a user (or the shutdown of the server) stopped it
 * @param timedOut    whether it was stopped because it ran too long
 * @param lost        whether the server was killed while it ran
 * @param attempt     the attempt, from 1 (retries count up)
 * @param lastCase    the message of the last case that matched in the run, or {@code null}
 * @param lastState   the state of that case, or {@code null}
 * @param worstState  the worst case state seen in the run (DOWN &gt; WARN &gt; INFO &gt; UP), or {@code null}
 * @param outputLines lines of output
 * @param outputBytes bytes of output (UTF-8)
 * @param outputKept  whether its output is still kept (retention drops the oldest first)
 */
public record RunRecord(String runId, String runnerId, String runnerName, String groupId, String trigger, String actor,
                        String node, Instant startedTs, Instant finishedTs, Long durationMs, Integer exitCode,
                        boolean stopped, boolean timedOut, boolean lost, int attempt, String lastCase,
                        CaseState lastState, CaseState worstState, long outputLines, long outputBytes,
                        boolean outputKept) {

    /** Trigger of a start by a user or a program. */
    public static final String MANUAL = "manual";
    /** Trigger of a start by the runner's interval. */
    public static final String SCHEDULE = "schedule";
    /** Trigger of a start by a cron schedule. */
    public static final String CRON = "cron";
    /** Trigger of a start by a group's sequence. */
    public static final String GROUP = "group";
    /** Trigger of a start that retries a failed run. */
    public static final String RETRY = "retry";
    /** Trigger of the run of a heartbeat runner's ping ({@code /ping/<token>}, {@code /start}, {@code /fail}). */
    public static final String HEARTBEAT = "heartbeat";
    /**
     * Trigger (and outcome) of the run a heartbeat runner gets when no ping came by its deadline: it ends at once
     * with exit code 1 and counts as a failure.
     */
    public static final String MISSED = "missed";

    /** Outcome of a run that has not ended. */
    public static final String RUNNING = "running";
    /** Outcome of a run that ended with exit code 0. */
    public static final String SUCCESS = "success";
    /** Outcome of a run that ended with another exit code. */
    public static final String FAILURE = "failure";
    /** Outcome of a run that was stopped. */
    public static final String STOPPED = "stopped";
    /** Outcome of a run that was stopped because it ran too long. */
    public static final String TIMED_OUT = "timed_out";
    /** Outcome of a run whose server was killed while it ran. */
    public static final String LOST = "lost";

    /**
     * Checks the required values.
     *
     * @throws IllegalArgumentException when the attempt is below 1 or a count is negative
     */
    public RunRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(runnerId, "runnerId");
        Objects.requireNonNull(runnerName, "runnerName");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(startedTs, "startedTs");
        if (attempt < 1 || outputLines < 0 || outputBytes < 0) {
            throw new IllegalArgumentException("A run record needs an attempt of at least 1 and no negative counts.");
        }
    }

    /**
     * A record of a run that just started.
     *
     * @param runId      the run
     * @param runnerId   the runner
     * @param runnerName its name now
     * @param groupId    the group that started it, or {@code null}
     * @param trigger    what started it
     * @param actor      who, or {@code null}
     * @param node       this server's name
     * @param startedTs  when
     * @param attempt    the attempt, from 1
     * @return the record
     */
    public static RunRecord started(String runId, String runnerId, String runnerName, String groupId, String trigger,
                                    String actor, String node, Instant startedTs, int attempt) {
        return new RunRecord(runId, runnerId, runnerName, groupId, trigger, actor, node,
                startedTs.truncatedTo(ChronoUnit.MILLIS), null, null, null,
                false, false, false, attempt, null, null, null, 0, 0, true);
    }

    /**
     * Returns this record completed by the run's end.
     *
     * @param finishedTs  when it ended
     * @param exitCode    the exit code
     * @param stopped     whether it was stopped
     * @param timedOut    whether it was stopped for running too long
     * @param lastCase    the last case's message, or {@code null}
     * @param lastState   the last case's state, or {@code null}
     * @param worstState  the worst state seen, or {@code null}
     * @param outputLines lines of output
     * @param outputBytes bytes of output
     * @return the completed record
     */
    public RunRecord ended(Instant finishedTs, int exitCode, boolean stopped, boolean timedOut, String lastCase,
                           CaseState lastState, CaseState worstState, long outputLines, long outputBytes) {
        Instant end = finishedTs.truncatedTo(ChronoUnit.MILLIS);
        long ms = Math.max(0, end.toEpochMilli() - startedTs.toEpochMilli());
        return new RunRecord(runId, runnerId, runnerName, groupId, trigger, actor, node, startedTs, end, ms,
                exitCode, stopped, timedOut, false, attempt, lastCase, lastState, worstState, outputLines,
                outputBytes, outputKept);
    }

    /** Returns whether the run has ended (or was found lost). */
    public boolean finished() {
        return finishedTs != null;
    }

    /**
     * Returns the outcome: {@link #RUNNING}, {@link #LOST}, {@link #MISSED}, {@link #TIMED_OUT}, {@link #STOPPED},
     * {@link #SUCCESS} or {@link #FAILURE}, the first that applies.
     *
     * @return the outcome
     */
    public String outcome() {
        if (lost) {
            return LOST;
        }
        if (finishedTs == null) {
            return RUNNING;
        }
        if (MISSED.equals(trigger)) {
            return MISSED;
        }
        if (timedOut) {
            return TIMED_OUT;
        }
        if (stopped) {
            return STOPPED;
        }
        return exitCode != null && exitCode == 0 ? SUCCESS : FAILURE;
    }

    /**
     * Ranks a case state for {@link #worstState}: DOWN 4, WARN 3, INFO 2, UP 1, anything else 0.
     *
     * @param state a state, may be {@code null}
     * @return its rank
     */
    public static int severity(CaseState state) {
        if (state == null) {
            return 0;
        }
        return switch (state) {
            case DOWN -> 4;
            case WARN -> 3;
            case INFO -> 2;
            case UP -> 1;
            default -> 0;
        };
    }
}
