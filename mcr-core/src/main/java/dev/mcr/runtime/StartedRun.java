package dev.mcr.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * A run the engine started: its id and its outcome, completed once the run's end is accounted (after its
 * {@code finished} event, and its {@code paused} or {@code scheduled} follow-up, were published), also when the
 * runner is deleted while it runs; completed exceptionally when mcr closed before the run ended.
 *
 * @param runnerId the runner
 * @param runId    the run ({@code run_…})
 * @param outcome  completes with how it ended (the engine's own future: hand out a copy, never this one)
 */
public record StartedRun(String runnerId, String runId, CompletableFuture<RunOutcome> outcome) {
}
