package dev.mcr.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * Where an active session of a runner resumes after a restart: a scheduled start at {@code nextDue}, with the
 * session's counters as they are before that start. While a run is live, its record still describes that run's
 * start (so a run cut short by a crash or a shutdown is made again); the end of the run replaces it with the next
 * due time.
 *
 * @param runnerId            the runner
 * @param activeSince         start of the session ({@code active_ts})
 * @param nextDue             when the next start is due
 * @param runCount            runs made in the session before that start
 * @param remaining           runs left in the session, that start included; {@code null} when unlimited
 * @param consecutiveFailures failed runs in a row so far
 */
public record ScheduleState(String runnerId, Instant activeSince, Instant nextDue, int runCount, Integer remaining,
                            int consecutiveFailures) {

    /** Checks the required values. */
    public ScheduleState {
        Objects.requireNonNull(runnerId, "runnerId");
        Objects.requireNonNull(nextDue, "nextDue");
    }
}
