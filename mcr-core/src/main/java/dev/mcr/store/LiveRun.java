package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A run recorded as started and not yet ended, kept durably so that processes left behind by an instance
 * that was killed can be found and stopped at the next start.
 *
 * @param runId        the run's marker, the value of {@code MCR_RUN_ID} in every process of the run
 * @param runnerId     the runner
 * @param pid          the pid of the run's shell, which is also its process group id; {@code null} until
 *                     the process is spawned
 * @param ownerPid     the pid of the JVM that started the run
 * @param ownerStarted when that JVM started, or {@code null} when the system does not tell; with the pid it
 *                     tells a live owner from a reused pid
 * @param startedAt    when the run was recorded
 */
public record LiveRun(String runId, String runnerId, Long pid, long ownerPid, Instant ownerStarted,
                      Instant startedAt) {

    /**
     * Checks the required values.
     *
     * @param runId        the run's marker
     * @param runnerId     the runner
     * @param pid          the shell's pid, or {@code null}
     * @param ownerPid     the owner JVM's pid
     * @param ownerStarted the owner JVM's start, or {@code null}
     * @param startedAt    when the run was recorded
     */
    public LiveRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(runnerId, "runnerId");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
