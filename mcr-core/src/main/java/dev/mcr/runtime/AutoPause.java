package dev.mcr.runtime;

/**
 * Failure accounting and auto-pause of one runner (SPEC §2): failed runs in a row are counted, and at
 * {@code failure_pause_threshold} of them (0 = never) the runner pauses: no further scheduling until the user
 * starts it again. A failed run and a scheduled start that could not spawn count alike; a run the user stopped
 * counts neither way; a successful run and a manual start reset the count. Guarded by the monitor of the runner's
 * state, which asks {@link #countFailure(int)} in one place for both kinds of failure.
 */
final class AutoPause {

    private int consecutiveFailures;

    /** Returns the failures in a row. */
    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** A successful run, or a new session: the count starts over. */
    void reset() {
        consecutiveFailures = 0;
    }

    /** Sets the count (a failed manual start puts the previous one back; a resumed schedule brings its own). */
    void restore(int failures) {
        consecutiveFailures = Math.max(0, failures);
    }

    /**
     * Counts one failure.
     *
     * @param threshold the runner's {@code failure_pause_threshold}
     * @return whether the runner must pause now
     */
    boolean countFailure(int threshold) {
        consecutiveFailures++;
        return threshold > 0 && consecutiveFailures >= threshold;
    }
}
