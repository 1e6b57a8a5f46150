package dev.mcr;

import dev.mcr.model.AppState;
import dev.mcr.model.Runner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The ping tokens of heartbeat runners belong to the server: a save keeps the stored token whatever the client sent
 * (another value, a masked one, none), a runner that becomes a heartbeat runner gets a new one, and only
 * {@link Mcr#regenerateHeartbeatToken} replaces one.
 */
final class HeartbeatTokens {

    private HeartbeatTokens() {
    }

    /**
     * Returns the state about to be stored with each heartbeat runner's token set.
     *
     * @param next       the normalized state to store
     * @param current    the state stored now
     * @param regenerate runners whose token is replaced by a new one
     * @return the state (the same instance when no token changed)
     */
    static AppState assign(AppState next, AppState current, Set<String> regenerate) {
        Map<String, String> stored = new HashMap<>();
        for (Runner r : current.runners()) {
            if (r.isHeartbeat() && !r.heartbeat().pingToken().isEmpty()) {
                stored.put(r.id(), r.heartbeat().pingToken());
            }
        }
        boolean changed = false;
        List<Runner> out = new ArrayList<>(next.runners().size());
        for (Runner r : next.runners()) {
            if (!r.isHeartbeat()) {
                out.add(r);
                continue;
            }
            String token = regenerate.contains(r.id()) ? null : stored.get(r.id());
            if (token == null) {
                token = newToken();
            }
            if (!token.equals(r.heartbeat().pingToken())) {
                r = r.withHeartbeat(r.heartbeat().withPingToken(token));
                changed = true;
            }
            out.add(r);
        }
        return changed ? next.withRunners(out) : next;
    }

    /** A random UUID: {@link UUID#randomUUID()} draws its 122 random bits from a {@code SecureRandom}. */
    static String newToken() {
        return UUID.randomUUID().toString();
    }
}
