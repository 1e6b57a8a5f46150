package dev.mcr.store.sqlite;

import java.time.Instant;

/**
 * A row of {@code mcr_schedule_state}: where a runner's active session resumes after a restart (see the
 * runtime's {@code ScheduleStates}).
 *
 * @param runnerId            the runner
 * @param activeSince         start of the session, or {@code null}
 * @param nextDue             when its next start is due
 * @param runCount            runs made in the session before that start
 * @param remaining           runs left, that start included; {@code null} when unlimited
 * @param consecutiveFailures failed runs in a row
 */
public record ScheduleRow(String runnerId, Instant activeSince, Instant nextDue, int runCount, Integer remaining,
                          int consecutiveFailures) {
}
