package dev.mcr.server;

import dev.mcr.HeartbeatInfo;
import dev.mcr.HeartbeatPing;
import dev.mcr.Mcr;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.model.Ids;
import dev.mcr.model.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ping URLs of heartbeat runners: {@code /ping/<token>}, {@code /ping/<token>/start} and
 * {@code /ping/<token>/fail}, GET or POST, answered {@code 200 OK} with the text {@code OK} like healthchecks.io. They
 * are public by design (cron jobs on other hosts call them with curl): the token is the credential, so no
 * authentication, no CSRF token, no origin check and no JSON body type are asked for; the Host check stays. An
 * unknown token is a plain 404 that names nothing; a body above {@link #MAX_BODY_BYTES} is a 413 and records nothing;
 * each client address may ping {@link #LIMIT_PER_MINUTE} times a minute (then 429 with {@code Retry-After}).
 */
final class PingRoutes {

    private static final String RUNNERS = "/api/runners/";
    private static final String HEARTBEAT = "/heartbeat";
    private static final String REGENERATE = "/heartbeat/regenerate";

    /** The path prefix of the ping URLs. */
    static final String PREFIX = "/ping/";
    /** Largest body of a ping; it becomes the run's output. */
    static final int MAX_BODY_BYTES = 10 * 1024;
    /** Pings one client address may send per minute. */
    static final int LIMIT_PER_MINUTE = 60;
    /** Most addresses the limiter remembers; the oldest window is dropped beyond. */
    private static final int MAX_ADDRESSES = 10_000;
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final Mcr mcr;
    private final Clock clock;
    /** Address to its window: start and count (access order, so the stalest goes first). */
    private final Map<String, long[]> windows = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /**
     * @param mcr   the facade
     * @param clock the clock of the rate limit
     */
    PingRoutes(Mcr mcr, Clock clock) {
        this.mcr = mcr;
        this.clock = clock;
    }

    /** Returns whether a path is a ping URL (which skips the origin, authentication and body-type checks). */
    static boolean isPing(String path) {
        return path.startsWith(PREFIX);
    }

    /**
     * Answers a ping.
     *
     * @param request the request (its Host was checked)
     * @param address the client address (behind a trusted proxy: the forwarded one)
     * @return the answer
     */
    HttpResponse route(HttpRequest request, String address) {
        if (!request.method().equals("GET") && !request.method().equals("POST")) {
            throw new HttpError(405, "Method Not Allowed", Map.of("Allow", "GET, POST"));
        }
        long retryAfter = admit(address);
        if (retryAfter > 0) {
            return HttpResponse.text(429, "text/plain; charset=utf-8", "Too many pings from this address; try "
                    + "again in " + retryAfter + " s.\n").withHeader("Retry-After", Long.toString(retryAfter));
        }
        String rest = request.path().substring(PREFIX.length());
        HeartbeatPing ping = HeartbeatPing.SUCCESS;
        if (rest.endsWith("/start")) {
            ping = HeartbeatPing.START;
            rest = rest.substring(0, rest.length() - "/start".length());
        } else if (rest.endsWith("/fail")) {
            ping = HeartbeatPing.FAIL;
            rest = rest.substring(0, rest.length() - "/fail".length());
        }
        String body = "";
        if (request.body().present()) {
            body = new String(request.body().read(MAX_BODY_BYTES, "A ping's body may have at most "
                    + MAX_BODY_BYTES + " bytes."), StandardCharsets.UTF_8);
        }
        try {
            mcr.ping(rest, ping, body);
        } catch (RunnerNotFoundException e) {
            return notFound();
        }
        return HttpResponse.text(200, "text/plain; charset=utf-8", "OK");
    }

    /**
     * Answers {@code GET /api/runners/{id}/heartbeat} (the token, for editors: every other answer masks it) and
     * {@code POST /api/runners/{id}/heartbeat/regenerate} (a new token; the old URL answers 404 at once). Both passed
     * every before-handler; {@link Auditor} writes the regenerate's row ({@code runner.heartbeat.regenerate}).
     *
     * @param request the request
     * @return the answer, or {@code null} when the path is none of these routes
     */
    HttpResponse heartbeatRoute(HttpRequest request) {
        String path = request.path();
        if (!path.startsWith(RUNNERS)) {
            return null;
        }
        boolean regenerate = path.endsWith(REGENERATE);
        if (!regenerate && !path.endsWith(HEARTBEAT)) {
            return null;
        }
        String id = path.substring(RUNNERS.length(), path.length() - (regenerate ? REGENERATE : HEARTBEAT).length());
        if (!Ids.isValid(id)) {
            return null;
        }
        String method = regenerate ? "POST" : "GET";
        if (!request.method().equals(method) && !(!regenerate && request.method().equals("HEAD"))) {
            throw new HttpError(405, "Method Not Allowed", Map.of("Allow", method));
        }
        HeartbeatInfo info;
        if (regenerate) {
            ApiRoutes.smallObjectBody(request);
            info = mcr.regenerateHeartbeatToken(id);
        } else {
            info = mcr.heartbeat(id).orElseThrow(() -> new HttpError(404, "Runner '" + id + "' is not a heartbeat "
                    + "check; only a heartbeat runner has a ping URL."));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("runner_id", info.runnerId());
        out.put("ping_token", info.pingToken());
        String base = mcr.publicUrl();
        out.put("ping_url", base.isEmpty() ? null : base.replaceAll("/+$", "") + PREFIX + info.pingToken());
        out.put("last_ping", info.lastPing() == null ? null : Timestamps.format(info.lastPing(), mcr.zone()));
        out.put("next_expected_by", info.nextExpectedBy() == null ? null
                : Timestamps.format(info.nextExpectedBy(), mcr.zone()));
        out.put("time_zone", mcr.zone().getId());
        return HttpResponse.json(200, out);
    }

    /** The answer to an unknown or malformed token: the same for every one, naming nothing. */
    private static HttpResponse notFound() {
        return HttpResponse.text(404, "text/plain; charset=utf-8", "Not Found");
    }

    /** Counts a ping of an address; returns 0 when it may pass, else the seconds until its window ends. */
    private synchronized long admit(String address) {
        long now = clock.millis();
        long[] w = windows.get(address);
        if (w == null || now - w[0] >= WINDOW.toMillis()) {
            windows.put(address, new long[] {now, 1});
            return 0;
        }
        if (w[1] >= LIMIT_PER_MINUTE) {
            return Math.max(1, (w[0] + WINDOW.toMillis() - now + 999) / 1000);
        }
        w[1]++;
        return 0;
    }
}
