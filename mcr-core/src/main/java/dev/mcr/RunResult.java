package dev.mcr;

import java.time.Duration;

/**
 * How a run ended.
 *
 * @param runId    the run ({@code run_…}, the {@code run_id} of its events)
 * @param runnerId the runner
 * @param exitCode the shell's exit code (128+signal when a signal ended it, -1 when it could not be read)
 * @param stopped  whether it was stopped: by the user, by a {@code STOP} case of its group, by the runner's deletion
 * @param paused   whether the runner paused after it (its failure threshold was reached)
 * @param duration from the start of the process to its end, by the clock mcr was built with
 * @param lastCase the message of the last case the run matched (the last-line case included), {@code ""} when none
 */
public record RunResult(String runId, String runnerId, int exitCode, boolean stopped, boolean paused,
                        Duration duration, String lastCase) {

    /** Returns whether the run exited with 0 and was not stopped. */
    public boolean succeeded() {
        return exitCode == 0 && !stopped;
    }
}
