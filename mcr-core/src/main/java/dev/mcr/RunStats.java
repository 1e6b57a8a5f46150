package dev.mcr;

import java.time.Instant;

/**
 * A runner's runs within a window, summed up ({@link Mcr#runStats}).
 *
 * @param runs          runs that ended in the window (started in it), stopped and lost ones included
 * @param successes     runs that ended with exit code 0
 * @param failures      runs that ended with another exit code, timed out or were lost
 * @param successRate   successes / (successes + failures), or {@code null} when there were neither
 * @param p50Ms         the median duration in milliseconds (nearest rank), or {@code null} without durations
 * @param p95Ms         the 95th percentile duration (nearest rank), or {@code null}
 * @param maxMs         the longest duration, or {@code null}
 * @param streakKind    {@code "success"} or {@code "failure"}: what the newest runs in a row were (stopped runs
 *                      skipped), or {@code null} when there were none
 * @param streakCount   how many runs in a row, newest first, had that outcome
 * @param lastFailureTs when the newest failure in the window ended, or {@code null}
 */
public record RunStats(int runs, int successes, int failures, Double successRate, Long p50Ms, Long p95Ms, Long maxMs,
                       String streakKind, int streakCount, Instant lastFailureTs) {
}
