package dev.mcr.runtime;

import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * The bookkeeping of heartbeat runners: which runner a ping token belongs to (looked up by the token's SHA-256, so
 * no comparison of the secret itself can leak its bytes through timing), when each runner's next ping is due at the
 * latest, and the timer that ends the wait with a {@code missed} run. The engine calls it under the runner's monitor.
 */
final class HeartbeatDeadlines {

    /** The token index: SHA-256 of a token (hex) to its runner; replaced as a whole on every configuration. */
    private volatile Map<String, String> byTokenHash = Map.of();
    private final Map<String, Armed> armed = new ConcurrentHashMap<>();

    /** A deadline with its timer and the settings it was computed from. */
    record Armed(Instant lastPing, Instant due, Runner.Heartbeat settings, Schedule schedule,
                 ScheduledFuture<?> timer) {
    }

    /** Indexes the ping tokens of the heartbeat runners of a configuration. */
    void index(List<Runner> runners) {
        Map<String, String> next = new HashMap<>();
        for (Runner r : runners) {
            if (r.isHeartbeat() && !r.heartbeat().pingToken().isEmpty()) {
                next.put(hash(r.heartbeat().pingToken()), r.id());
            }
        }
        byTokenHash = Map.copyOf(next);
    }

    /**
     * Returns the runner a ping token belongs to.
     *
     * @param token the token from a ping URL (any text)
     * @return the runner id, empty when no heartbeat runner has it
     */
    Optional<String> runnerOf(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Optional.empty();
        }
        return Optional.ofNullable(byTokenHash.get(hash(token)));
    }

    /**
     * The latest time the next ping is expected: {@code from} plus the period, or the next time of the runner's cron
     * schedule after {@code from}, plus the grace.
     *
     * @param r    a heartbeat runner
     * @param from the last ping (or creation, or the deadline that was just missed)
     * @param zone the server's zone (for a cron schedule without its own)
     * @return the deadline, empty when a cron schedule has no further time
     */
    static Optional<Instant> deadline(Runner r, Instant from, ZoneId zone) {
        Runner.Heartbeat hb = r.heartbeat();
        if (!hb.period().isZero() || !(r.timing().schedule() instanceof Schedule.Cron cron)) {
            return Optional.of(from.plus(hb.period()).plus(hb.grace()));
        }
        return cron.nextRun(from, zone).map(t -> t.plus(hb.grace()));
    }

    /** Returns the armed deadline of a runner, or {@code null}. */
    Armed armed(String runnerId) {
        return armed.get(runnerId);
    }

    /** Replaces a runner's deadline (the previous timer is cancelled). */
    void arm(String runnerId, Armed next) {
        Armed before = armed.put(runnerId, next);
        if (before != null && before.timer() != null && before.timer() != next.timer()) {
            before.timer().cancel(false);
        }
    }

    /** Drops a runner's deadline (not a heartbeat runner any more, deleted, or mcr closes). */
    void disarm(String runnerId) {
        Armed before = armed.remove(runnerId);
        if (before != null && before.timer() != null) {
            before.timer().cancel(false);
        }
    }

    /** Returns whether the settings a deadline was computed from are still the runner's. */
    static boolean sameSettings(Armed a, Runner r) {
        Runner.Heartbeat hb = r.heartbeat();
        return a.settings().period().equals(hb.period()) && a.settings().grace().equals(hb.grace())
                && a.schedule().equals(r.timing().schedule());
    }

    /** The hex SHA-256 of a token. */
    static String hash(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256.", e);
        }
    }

    /** Cancels every timer; idempotent. */
    void close() {
        List.copyOf(armed.keySet()).forEach(this::disarm);
    }

}
