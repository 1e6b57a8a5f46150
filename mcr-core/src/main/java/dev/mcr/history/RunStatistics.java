package dev.mcr.history;

import dev.mcr.RunStats;
import dev.mcr.store.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Sums up a runner's records of a window. */
public final class RunStatistics {

    private RunStatistics() {
    }

    /**
     * Sums up records.
     *
     * @param newestFirst the records of the window, newest first
     * @return the statistics
     */
    public static RunStats of(List<RunRecord> newestFirst) {
        int runs = 0;
        int successes = 0;
        int failures = 0;
        List<Long> durations = new ArrayList<>();
        String streakKind = null;
        int streak = 0;
        boolean streakOpen = true;
        Instant lastFailure = null;
        for (RunRecord r : newestFirst) {
            String outcome = r.outcome();
            if (RunRecord.RUNNING.equals(outcome)) {
                continue;
            }
            runs++;
            if (r.durationMs() != null) {
                durations.add(r.durationMs());
            }
            String kind = switch (outcome) {
                case RunRecord.SUCCESS -> RunRecord.SUCCESS;
                case RunRecord.STOPPED -> null;
                default -> RunRecord.FAILURE;
            };
            if (kind == null) {
                continue;
            }
            if (kind.equals(RunRecord.SUCCESS)) {
                successes++;
            } else {
                failures++;
                if (lastFailure == null) {
                    lastFailure = r.finishedTs();
                }
            }
            if (streakOpen) {
                if (streakKind == null || streakKind.equals(kind)) {
                    streakKind = kind;
                    streak++;
                } else {
                    streakOpen = false;
                }
            }
        }
        Collections.sort(durations);
        Double rate = successes + failures == 0 ? null : successes / (double) (successes + failures);
        return new RunStats(runs, successes, failures, rate, rank(durations, 50), rank(durations, 95),
                durations.isEmpty() ? null : durations.get(durations.size() - 1), streakKind, streak, lastFailure);
    }

    /** The nearest-rank percentile of sorted values, or {@code null} when there are none. */
    static Long rank(List<Long> sorted, int percentile) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
