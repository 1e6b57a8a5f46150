package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.Mcr;
import dev.mcr.event.AlertChanged;
import dev.mcr.model.Ids;
import dev.mcr.store.AlertState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Acknowledge and snooze of a runner's alerts: {@code POST /api/runners/{id}/ack} with {@code {}}
 * and {@code POST /api/runners/{id}/snooze} with {@code {"for_s": N}} (0 ends it). They pass the same
 * before-handlers as every route (host, origin, access with CSRF, JSON content type) and read at most the small
 * body limit; {@link Auditor} writes their rows ({@code runner.ack}, {@code runner.snooze}).
 */
final class AlertRoutes {

    private static final String RUNNERS = "/api/runners/";
    private static final String ACK = "/ack";
    private static final String SNOOZE = "/snooze";

    private final Mcr mcr;

    /** @param mcr the facade */
    AlertRoutes(Mcr mcr) {
        this.mcr = mcr;
    }

    /**
     * Answers a request on one of these routes (after the before-handlers passed it).
     *
     * @param request the request
     * @return the answer, or {@code null} when the path is none of these routes
     */
    HttpResponse route(HttpRequest request) {
        String path = request.path();
        if (!path.startsWith(RUNNERS)) {
            return null;
        }
        boolean ack = path.endsWith(ACK);
        if (!ack && !path.endsWith(SNOOZE)) {
            return null;
        }
        String id = path.substring(RUNNERS.length(), path.length() - (ack ? ACK : SNOOZE).length());
        if (!Ids.isValid(id)) {
            return null;
        }
        if (!request.method().equals("POST")) {
            throw new HttpError(405, "Method Not Allowed", Map.of("Allow", "POST"));
        }
        String actor = request.caller().actor();
        JsonNode body = ApiRoutes.smallObjectBody(request);
        return answer(ack ? mcr.acknowledge(id, actor) : mcr.snooze(id, Duration.ofSeconds(forSeconds(body)), actor));
    }

    private static long forSeconds(JsonNode body) {
        JsonNode v = body.get("for_s");
        long max = Mcr.MAX_SNOOZE.toSeconds();
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > max) {
            throw new HttpError(400, "for_s must be a whole number of seconds from 0 (ends the snooze) to " + max
                    + " (30 days).");
        }
        return v.asLong();
    }

    private HttpResponse answer(AlertState state) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("runner_id", state.runnerId());
        out.put("alert", AlertChanged.fields(state, mcr.zone()));
        return HttpResponse.json(200, out);
    }
}
