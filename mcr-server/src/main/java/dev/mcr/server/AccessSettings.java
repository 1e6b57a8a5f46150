package dev.mcr.server;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The server's settings of sessions and client addresses.
 *
 * @param trustedProxies addresses of reverse proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto}
 *                       are believed ({@code MCR_TRUSTED_PROXIES}, comma-separated); no other peer's are
 * @param cookieSecure   whether the session cookie is always marked {@code Secure} ({@code MCR_COOKIE_SECURE=1});
 *                       it is also marked when a trusted proxy says the request came over TLS
 */
record AccessSettings(List<String> trustedProxies, boolean cookieSecure) {

    static final String TRUSTED_PROXIES = "MCR_TRUSTED_PROXIES";
    static final String COOKIE_SECURE = "MCR_COOKIE_SECURE";
    static final AccessSettings DEFAULTS = new AccessSettings(List.of(), false);

    AccessSettings {
        trustedProxies = List.copyOf(trustedProxies);
    }

    static AccessSettings fromEnv(Map<String, String> env) {
        String proxies = env.getOrDefault(TRUSTED_PROXIES, "");
        String secure = env.getOrDefault(COOKIE_SECURE, "").strip();
        return new AccessSettings(Arrays.stream(proxies.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toList(), secure.equals("1") || secure.equalsIgnoreCase("true"));
    }

    /**
     * The client's address: the peer's, or, when the peer is a trusted proxy, the nearest address in
     * {@code X-Forwarded-For} that is not a trusted proxy.
     */
    String clientAddress(HttpRequest request) {
        String peer = request.peer();
        String forwarded = request.header("x-forwarded-for");
        if (forwarded == null || !trustedProxies.contains(peer)) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop.length() > 64 ? hop.substring(0, 64) : hop;
            }
        }
        return peer;
    }

    /** Whether the session cookie gets {@code Secure}. */
    boolean secure(HttpRequest request) {
        return cookieSecure || trustedProxies.contains(request.peer())
                && "https".equalsIgnoreCase(String.valueOf(request.header("x-forwarded-proto")).strip());
    }

    /** Whether the connection comes from this machine (the peer itself, never a forwarded address). */
    static boolean loopback(HttpRequest request) {
        String p = request.peer();
        return p.startsWith("127.") || p.equals("::1") || p.equals("0:0:0:0:0:0:0:1") || p.startsWith("::1%")
                || p.startsWith("0:0:0:0:0:0:0:1%") || p.startsWith("::ffff:127.");
    }
}
