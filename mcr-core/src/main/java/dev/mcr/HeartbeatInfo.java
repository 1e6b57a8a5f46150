package dev.mcr;

import java.time.Instant;

/**
 * A heartbeat runner's ping token and where its wait stands.
 *
 * @param runnerId       the runner
 * @param pingToken      the secret part of its ping URL ({@code /ping/<token>})
 * @param lastPing       the last ping since the runner became a heartbeat runner (kept across restarts), or
 *                       {@code null}
 * @param nextExpectedBy the deadline of the next ping (a {@code missed} run follows when none came), or {@code null}
 *                       when none is set (mcr is starting, or a cron schedule has no further time)
 */
public record HeartbeatInfo(String runnerId, String pingToken, Instant lastPing, Instant nextExpectedBy) {
}
