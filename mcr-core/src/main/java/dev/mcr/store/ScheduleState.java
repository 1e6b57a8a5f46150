package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a runner's schedule stands, kept so that it resumes after a restart.
 *
 * @param runnerId            the runner
 * @param sessionStartedAt    when the active session (the runs since the last start by hand or by schedule) began,
 *                            or {@code null} when none is active
 * @param nextDueAt           when the next run is due, or {@code null} when none is scheduled
 * @param runCount            runs made in the session
 * @param remaining           runs still allowed in the session, {@code null} when unlimited
 * @param consecutiveFailures failed runs in a row
 * @param stoppedByUser       whether the user stopped the runner (it then stays stopped after a restart)
 */
public record ScheduleState(String runnerId, Instant sessionStartedAt, Instant nextDueAt, int runCount,
                            Integer remaining, int consecutiveFailures, boolean stoppedByUser) {

    /**
     * Checks the components.
     *
     * @param runnerId            the runner
     * @param sessionStartedAt    the session's start, or {@code null}
     * @param nextDueAt           the next due time, or {@code null}
     * @param runCount            not negative
     * @param remaining           not negative, or {@code null}
     * @param consecutiveFailures not negative
     * @param stoppedByUser       whether the user stopped it
     */
    public ScheduleState {
        Objects.requireNonNull(runnerId, "runnerId");
        if (runCount < 0 || consecutiveFailures < 0 || (remaining != null && remaining < 0)) {
            throw new IllegalArgumentException("Schedule counters must not be negative.");
        }
    }
}
