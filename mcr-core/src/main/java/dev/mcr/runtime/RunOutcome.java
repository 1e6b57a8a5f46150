package dev.mcr.runtime;

import java.time.Instant;

/**
 * How a run ended, as the engine accounted it; the facade hands it out as {@code dev.mcr.RunResult}.
 *
 * @param runnerId   the runner
 * @param runId      the run
 * @param exitCode   the shell's exit code (128+signal when killed by a signal, -1 when it could not be read)
 * @param stopped    whether it was stopped (by the user, a STOP case of its group, the runner's deletion or close)
 * @param paused     whether the runner paused after it (its failure threshold was reached)
 * @param startedTs  when the process started
 * @param finishedTs when it ended
 * @param lastCase   the message of the last case it matched (the last-line case included), {@code ""} when none
 */
public record RunOutcome(String runnerId, String runId, int exitCode, boolean stopped, boolean paused,
                         Instant startedTs, Instant finishedTs, String lastCase) {
}
