package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Where an active session of a runner stands, kept so that it resumes after a restart (durable schedules). Only
 * active sessions are stored: a runner the user stopped, that paused itself or whose session ended has no state,
 * so it stays stopped.
 *
 * @param runnerId            the runner
 * @param sessionStartedAt    when the active session (the runs since the last start by hand) began, or {@code null}
 *                            when unknown
 * @param nextDueAt           when the next run is due (a run cut short by a crash is due at once)
 * @param runCount            runs made in the session
 * @param remaining           runs still allowed in the session, {@code null} when unlimited
 * @param consecutiveFailures failed runs in a row
 */
public record ScheduleState(String runnerId, Instant sessionStartedAt, Instant nextDueAt, int runCount,
                            Integer remaining, int consecutiveFailures) {

    /**
     * Checks the components.
     *
     * @param runnerId            the runner
     * @param sessionStartedAt    the session's start, or {@code null}
     * @param nextDueAt           the next due time
     * @param runCount            not negative
     * @param remaining           not negative, or {@code null}
     * @param consecutiveFailures not negative
     */
    public ScheduleState {
        Objects.requireNonNull(runnerId, "runnerId");
        Objects.requireNonNull(nextDueAt, "nextDueAt");
        if (runCount < 0 || consecutiveFailures < 0 || (remaining != null && remaining < 0)) {
            throw new IllegalArgumentException("Schedule counters must not be negative.");
        }
    }
}
