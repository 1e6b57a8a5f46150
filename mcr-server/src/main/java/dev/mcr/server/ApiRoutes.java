package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.CloneResult;
import dev.mcr.ExportFile;
import dev.mcr.KeyRotation;
import dev.mcr.LogContent;
import dev.mcr.Mcr;
import dev.mcr.RunHandle;
import dev.mcr.TestSendResult;
import dev.mcr.access.Principal;
import dev.mcr.access.Role;
import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.model.Ids;
import dev.mcr.model.Timestamps;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The routes of the original tool (SPEC §10) on top of the {@link Mcr} facade: the {@link BeforeHandler}s first
 * (host, origin, authentication, body type), then a small table of exact paths plus the prefixes
 * {@code /static/} and {@code /api/log/}, then the versioned object routes ({@link ObjectRoutes}: {@code /api/runners},
 * {@code /api/groups}, {@code /api/profiles}, {@code /api/layout}); every failure goes through {@link ErrorResponses}.
 */
final class ApiRoutes implements Function<HttpRequest, HttpResponse> {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("\\s*[+-]?\\d+\\s*");
    private static final String LOG_PREFIX = "/api/log/";
    private static final String STATIC_PREFIX = "/static/";
    private static final List<String> STATE_LISTS = List.of("notify_profiles", "runners", "runner_groups",
            "runner_layout");

    /** Largest body of the routes that do not save a state (ids, a test message). */
    static final int MAX_SMALL_BODY_BYTES = 64 * 1024;

    private final Mcr mcr;
    private final List<BeforeHandler> before;
    private final AccessGate gate;
    private final AccessSettings settings;
    private final Auditor auditor;
    private final AccessRoutes accessRoutes;
    private final JsonBodyCheck jsonBodyCheck = new JsonBodyCheck();
    private final StaticAssets assets;
    private final EventStreams events;
    private final ObjectRoutes objects;
    private final HistoryRoutes history;
    private final AlertRoutes alerts;
    private final PingRoutes pings;
    private final Metrics metrics;
    private final int maxStateBytes;
    private final int maxImportBytes;
    private final Map<String, Map<String, Function<HttpRequest, HttpResponse>>> exact = new LinkedHashMap<>();

    /**
     * @param mcr            the facade
     * @param before         the checks every request passes first, in order (host, origin); then come the access
     *                       check ({@link AccessGate}: authentication, role, CSRF) and the body type
     * @param gate           the access check
     * @param settings       trusted proxies and the cookie's Secure flag
     * @param assets         the UI files
     * @param events         the event-stream clients
     * @param maxStateBytes  largest body of a request that saves a state ({@code MAX_STATE_BYTES})
     * @param maxImportBytes largest import body
     * @param metrics        the metrics of {@code /metrics}
     */
    ApiRoutes(Mcr mcr, List<BeforeHandler> before, AccessGate gate, AccessSettings settings, StaticAssets assets,
              EventStreams events, int maxStateBytes, int maxImportBytes, Metrics metrics) {
        this.mcr = mcr;
        this.before = List.copyOf(before);
        this.gate = gate;
        this.settings = settings;
        this.auditor = new Auditor(mcr);
        this.accessRoutes = new AccessRoutes(mcr.access(), gate, settings, auditor);
        this.assets = assets;
        this.events = events;
        this.objects = new ObjectRoutes(mcr, maxStateBytes);
        this.history = new HistoryRoutes(mcr, metrics);
        this.alerts = new AlertRoutes(mcr);
        this.pings = new PingRoutes(mcr, mcr.access().clock());
        this.metrics = metrics;
        this.maxStateBytes = maxStateBytes;
        this.maxImportBytes = maxImportBytes;
        route("GET", "/", r -> assets.index());
        route("GET", "/api/state", r -> getState());
        route("POST", "/api/state", this::postState);
        route("GET", "/api/status", r -> getStatus());
        route("POST", "/api/run", this::run);
        route("POST", "/api/stop", this::stop);
        route("POST", "/api/group/run", this::groupRun);
        route("POST", "/api/group/stop", this::groupStop);
        route("POST", "/api/clone_runner", this::cloneRunner);
        route("POST", "/api/pushover_test", this::pushoverTest);
        route("GET", "/api/notifications", this::notifications);
        route("GET", "/api/channels", r -> channelTypes());
        route("DELETE", "/api/notifications", r -> clearNotifications());
        route("GET", "/api/export", r -> export());
        route("POST", "/api/import", this::importRunners);
        route("GET", "/api/events", r -> events.open("batched".equals(r.queryParam("output"))));
        route("GET", "/api/cron/preview", this::cronPreview);
        route("POST", "/api/regex/check", this::regexCheck);
        route("POST", "/api/admin/rotate-key", r -> rotateKey());
        accessRoutes.register(this::route);
    }

    private void route(String method, String path, Function<HttpRequest, HttpResponse> handler) {
        exact.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, handler);
    }

    @Override
    public HttpResponse apply(HttpRequest request) {
        HttpResponse response = route(request);
        // Answers of the API are about this moment and may carry data: never kept by a browser or a proxy.
        return request.path().startsWith("/api/") ? response.withHeader("Cache-Control", "no-store") : response;
    }

    private HttpResponse route(HttpRequest incoming) {
        RouteTable.Rule rule = metrics.bearerAllows(incoming) ? RouteTable.METRICS_BY_TOKEN
                : RouteTable.find(incoming.method(), incoming.path());
        String address = settings.clientAddress(incoming);
        OnceBody body = new OnceBody(incoming.body());
        HttpRequest request = new HttpRequest(incoming.method(), incoming.path(), incoming.query(), incoming.headers(),
                body, incoming.peer(), null);
        Principal caller = null;
        Auditor.Before snapshot = null;
        HttpResponse response;
        try {
            // A ping URL is its own credential, called by curl from other hosts: only the Host check applies.
            boolean ping = PingRoutes.isPing(request.path());
            for (BeforeHandler check : before) {
                if (!ping || check instanceof HostCheck) {
                    check.check(request);
                }
            }
            caller = gate.identify(request, rule, address);
            request = request.withCaller(caller);
            gate.authorize(request, rule, caller);
            if (ping) {
                return pings.route(request, address);
            }
            jsonBodyCheck.check(request);
            snapshot = auditor.before(rule, request);
            response = dispatch(request);
        } catch (RuntimeException e) {
            response = ErrorResponses.from(e);
        }
        if (response.status() == 401 && !response.headers().containsKey("WWW-Authenticate")
                && !rule.path().equals("/api/login")) {
            response = response.withHeaders(gate.challenge());
        }
        auditor.record(rule, request, caller, address, response, snapshot, body.bytes());
        return response;
    }

    private HttpResponse dispatch(HttpRequest request) {
        String path = request.path();
        if (path.startsWith(STATIC_PREFIX)) {
            requireMethod(request, "GET");
            return assets.asset(path.substring(STATIC_PREFIX.length()), request);
        }
        if (path.startsWith(LOG_PREFIX)) {
            return log(request, path.substring(LOG_PREFIX.length()));
        }
        // Before the object routes: /api/runners/{id}/stats is history's.
        HttpResponse recorded = history.route(request);
        if (recorded != null) {
            return recorded;
        }
        HttpResponse alert = alerts.route(request);
        if (alert != null) {
            return alert;
        }
        HttpResponse heartbeat = pings.heartbeatRoute(request);
        if (heartbeat != null) {
            return heartbeat;
        }
        HttpResponse object = objects.route(request);
        if (object != null) {
            return object;
        }
        HttpResponse access = accessRoutes.routeWithId(request);
        if (access != null) {
            return access;
        }
        Map<String, Function<HttpRequest, HttpResponse>> methods = exact.get(path);
        if (methods == null) {
            return HttpResponse.detail(404, "Not Found");
        }
        Function<HttpRequest, HttpResponse> handler = methods.get(request.method());
        if (handler == null) {
            throw methodNotAllowed(String.join(", ", methods.keySet()));
        }
        return handler.apply(request);
    }

    /** A body read once; what was read is kept for the audit row. */
    private static final class OnceBody implements HttpRequest.Body {
        private final HttpRequest.Body body;
        private byte[] bytes;

        OnceBody(HttpRequest.Body body) {
            this.body = body;
        }

        @Override
        public boolean present() {
            return body.present();
        }

        @Override
        public byte[] read(int limit, String tooLargeDetail) {
            if (bytes == null) {
                bytes = body.read(limit, tooLargeDetail);
            }
            return bytes;
        }

        byte[] bytes() {
            return bytes;
        }
    }

    private static void requireMethod(HttpRequest request, String method) {
        if (!request.method().equals(method)) {
            throw methodNotAllowed(method);
        }
    }

    private static HttpError methodNotAllowed(String allow) {
        return new HttpError(405, "Method Not Allowed", Map.of("Allow", allow));
    }

    // ------------------------------------------------------------------------------------ state

    private HttpResponse getState() {
        // The original's document plus each object's "version" and the top-level "layout_version".
        return json(mcr.clientStateJson());
    }

    private HttpResponse postState(HttpRequest request) {
        byte[] bytes = stateBytes(request);
        JsonNode state = RequestJson.parse(bytes);
        checkStateShape(state, "");
        mcr.saveStateJson(withoutServicesUnlessAdmin(request, state, bytes));
        return ok();
    }

    /**
     * The state as the caller may save it: services (and their secrets) are an admin's, so anybody else's save gets the
     * stored services as the client sees them (masked, with their versions: a save of them changes nothing). A missing
     * list would delete them all, as in the original.
     */
    private byte[] withoutServicesUnlessAdmin(HttpRequest request, JsonNode state, byte[] bytes) {
        if (request.caller().role() == Role.ADMIN) {
            return bytes;
        }
        JsonNode stored = RequestJson.parse(mcr.clientStateJson().getBytes(StandardCharsets.UTF_8))
                .get("notify_profiles");
        ((com.fasterxml.jackson.databind.node.ObjectNode) state).set("notify_profiles", stored);
        return Json.write(state);
    }

    /**
     * The {@code state} of a run request as the caller may save it: an operator's run saves nothing (the stored
     * runner runs), an editor's keeps the stored services.
     */
    private byte[] stateOfRun(HttpRequest request, JsonNode body, byte[] bytes) {
        byte[] state = optionalState(body, bytes);
        if (state == null || !request.caller().role().covers(Role.EDITOR)) {
            return null;
        }
        return withoutServicesUnlessAdmin(request, body.get("state"), state);
    }

    private HttpResponse getStatus() {
        Map<String, Object> out = new LinkedHashMap<>();
        mcr.status().forEach((id, s) -> out.put(id, s.toJson(mcr.zone())));
        return HttpResponse.json(200, out);
    }

    /** The channel types with their declared fields, from which the page renders the service card. */
    private HttpResponse channelTypes() {
        List<Map<String, Object>> types = new java.util.ArrayList<>();
        for (dev.mcr.ChannelType t : mcr.channelTypes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", t.type());
            m.put("label", t.label());
            List<Map<String, Object>> fields = new java.util.ArrayList<>();
            for (dev.mcr.notify.ConfigField f : t.fields()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("name", f.name());
                fm.put("label", f.label());
                fm.put("kind", f.kind().jsonName());
                fm.put("required", f.required());
                fm.put("default", f.defaultValue());
                if (!f.choices().isEmpty()) {
                    fm.put("choices", f.choices());
                }
                fields.add(fm);
            }
            m.put("fields", fields);
            types.add(m);
        }
        return HttpResponse.json(200, Map.of("channels", types));
    }

    // ------------------------------------------------------------------------------------ runs

    private HttpResponse run(HttpRequest request) {
        byte[] bytes = stateBytes(request);
        JsonNode body = requireObject(RequestJson.parse(bytes));
        String runnerId = requestId(body, "runner_id", "Invalid runner id format");
        byte[] state = stateOfRun(request, body, bytes);
        String actor = request.caller().actor();
        RunHandle run = state == null ? mcr.start(runnerId, actor) : mcr.saveStateJsonAndStart(state, runnerId, actor);
        // The original answers {"ok": true}; its client ignores the added key, a script can follow its run by it.
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("run_id", run.runId());
        return HttpResponse.json(200, out);
    }

    private HttpResponse stop(HttpRequest request) {
        JsonNode body = smallObjectBody(request);
        mcr.stop(requestId(body, "runner_id", "Invalid runner id format"));
        return ok();
    }

    private HttpResponse groupRun(HttpRequest request) {
        byte[] bytes = stateBytes(request);
        JsonNode body = requireObject(RequestJson.parse(bytes));
        String groupId = requestId(body, "group_id", "Invalid group id format");
        byte[] state = stateOfRun(request, body, bytes);
        if (state == null) {
            mcr.startGroup(groupId);
        } else {
            mcr.saveStateJsonAndStartGroup(state, groupId);
        }
        return ok();
    }

    private HttpResponse groupStop(HttpRequest request) {
        JsonNode body = smallObjectBody(request);
        mcr.stopGroup(requestId(body, "group_id", "Invalid group id format"));
        return ok();
    }

    private HttpResponse cloneRunner(HttpRequest request) {
        JsonNode body = smallObjectBody(request);
        CloneResult r = mcr.cloneRunner(requestId(body, "runner_id", "Invalid runner id format"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("cloned_id", r.clonedId());
        out.put("cloned_name", r.clonedName());
        return HttpResponse.json(200, out);
    }

    /** Re-encrypts every stored secret with the first key; the report names unreadable secrets by owner only. */
    private HttpResponse rotateKey() {
        KeyRotation r = mcr.rotateKeys();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("reencrypted", r.reencrypted());
        out.put("current", r.current());
        out.put("unreadable", r.unreadable());
        out.put("complete", r.complete());
        return HttpResponse.json(200, out);
    }

    // ------------------------------------------------------------------------------------ notifications

    private HttpResponse pushoverTest(HttpRequest request) {
        JsonNode body = smallObjectBody(request);
        String profileId = optionalString(body, "profile_id").strip();
        if (!profileId.isEmpty() && !Ids.isValid(profileId)) {
            throw new HttpError(422, "Invalid profile id format");
        }
        String message = optionalString(body, "message");
        TestSendResult result;
        try {
            result = mcr.sendTest(profileId, message);
        } catch (ProfileNotFoundException e) {
            return HttpResponse.json(ErrorResponses.status(e), okFalse(ErrorResponses.detail(e)));
        }
        if (!result.ok()) {
            return HttpResponse.json(400, okFalse(result.error()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("result", result.result());
        return HttpResponse.json(200, out);
    }

    private static Map<String, Object> okFalse(String error) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", false);
        out.put("error", error == null ? "" : error);
        return out;
    }

    private HttpResponse notifications(HttpRequest request) {
        int limit = limit(request.queryParam("limit"));
        JournalQuery query = new JournalQuery(limit, filter(request, "runner_id"), filter(request, "profile_id"),
                filter(request, "delivery"));
        List<Map<String, Object>> items = new ArrayList<>();
        for (JournalEntry e : mcr.notifications(query)) {
            Map<String, Object> m = new LinkedHashMap<>();
            String ts = Timestamps.format(e.ts(), mcr.zone());
            m.put("ts", ts == null ? "" : ts);
            m.put("runner_id", e.runnerId());
            m.put("profile_id", e.profileId());
            m.put("profile_name", e.profileName());
            m.put("delivery", e.delivery());
            m.put("title", e.title());
            m.put("message", e.message());
            m.put("error", e.error());
            items.add(m);
        }
        return HttpResponse.json(200, Map.of("items", items));
    }

    /**
     * {@code GET /api/cron/preview?expr=&tz=&count=}: the next due times of a cron expression as the engine arms them
     * (the same rule across daylight-saving changes), for the runner card while someone edits it. 400 with a sentence
     * for an expression, zone or count that is not valid.
     */
    private HttpResponse cronPreview(HttpRequest request) {
        String expr = request.queryParam("expr");
        if (expr == null || expr.isBlank()) {
            throw new HttpError(400, "Query parameter 'expr' must hold a cron expression.");
        }
        String countText = request.queryParam("count");
        int count = 5;
        if (countText != null) {
            if (!WHOLE_NUMBER.matcher(countText).matches() || countText.strip().length() > 3) {
                throw new HttpError(400, "Query parameter 'count' must be a whole number from 1 to "
                        + Mcr.MAX_CRON_PREVIEW + ".");
            }
            count = Integer.parseInt(countText.strip());
        }
        String tz = request.queryParam("tz");
        List<String> next = new ArrayList<>();
        for (Instant due : mcr.cronPreview(expr, tz == null ? "" : tz.strip(), count)) {
            next.add(Timestamps.format(due, mcr.zone()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("next", next);
        return HttpResponse.json(200, m);
    }

    /**
     * {@code POST /api/regex/check} with {@code {"pattern": "…"}}: whether a case pattern compiles with the translator
     * the engine runs it with, for marking the field while someone types ({@code {"valid": false, "reason": "…"}}).
     * Stores nothing; 422 for a body without a text {@code pattern}.
     */
    private HttpResponse regexCheck(HttpRequest request) {
        JsonNode pattern = smallObjectBody(request).get("pattern");
        if (pattern == null || !pattern.isTextual()) {
            throw new HttpError(422, "Field 'pattern' must be a string.");
        }
        Optional<String> error = mcr.casePatternError(pattern.asText());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("valid", error.isEmpty());
        error.ifPresent(why -> m.put("reason", why));
        return HttpResponse.json(200, m);
    }

    /** Parses {@code limit} like FastAPI's {@code int} (422 when it is not a whole number), then clamps to 1..1000. */
    static int limit(String text) {
        return limit(text, JournalQuery.DEFAULT_LIMIT, JournalQuery.MAX_LIMIT);
    }

    /** A {@code limit} parameter: a whole number (422 otherwise), clamped to {@code 1..max} like the original's. */
    static int limit(String text, int byDefault, int max) {
        if (text == null) {
            return byDefault;
        }
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            throw new HttpError(422, "Query parameter 'limit' must be a whole number.");
        }
        BigInteger n = new BigInteger(text.strip());
        if (n.compareTo(BigInteger.ONE) < 0) {
            return 1;
        }
        return n.compareTo(BigInteger.valueOf(max)) > 0 ? max : n.intValue();
    }

    private static String filter(HttpRequest request, String name) {
        String v = request.queryParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private HttpResponse clearNotifications() {
        int deleted = mcr.clearNotifications();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("deleted", deleted);
        return HttpResponse.json(200, out);
    }

    // ------------------------------------------------------------------------------------ logs

    private HttpResponse log(HttpRequest request, String rawId) {
        // Only real ids reach the core; the core reduces ids to [A-Za-z0-9_-] as a second fence.
        if (!Ids.isValid(rawId)) {
            if (!request.method().equals("GET") && !request.method().equals("DELETE")) {
                throw methodNotAllowed("GET, DELETE");
            }
            throw new HttpError(400, "Invalid runner id format");
        }
        switch (request.method()) {
            case "GET":
                // Streamed from the open file: a large log is never held in memory.
                LogContent log = mcr.openLog(rawId, tailBytes(request.queryParam("tail_bytes")));
                return HttpResponse.sized(200, HttpResponse.TEXT, log.stream(), log.length());
            case "DELETE":
                mcr.clearLog(rawId);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ok", true);
                out.put("message", "Log cleared");
                return HttpResponse.json(200, out);
            default:
                throw methodNotAllowed("GET, DELETE");
        }
    }

    /** Parses {@code tail_bytes}: absent or 0 is the whole log; anything but a whole number of 0 or more is 422. */
    static long tailBytes(String text) {
        return nonNegative(text, "tail_bytes");
    }

    /** A query parameter that is a whole number of 0 or more (0 when absent; huge values become the largest long). */
    static long nonNegative(String text, String name) {
        if (text == null) {
            return 0;
        }
        if (!WHOLE_NUMBER.matcher(text).matches() || text.strip().startsWith("-")) {
            throw new HttpError(422, "Query parameter '" + name + "' must be a whole number of 0 or more.");
        }
        BigInteger n = new BigInteger(text.strip());
        return n.bitLength() < 63 ? n.longValue() : Long.MAX_VALUE;
    }

    // ------------------------------------------------------------------------------------ transfer

    private HttpResponse export() {
        ExportFile file = mcr.export();
        return HttpResponse.bytes(200, HttpResponse.JSON, file.json().getBytes(StandardCharsets.UTF_8))
                .withHeader("Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"");
    }

    private HttpResponse importRunners(HttpRequest request) {
        byte[] body = request.body().read(maxImportBytes, "Import too large (max " + maxImportBytes + " bytes)");
        int count = mcr.importRunners(body);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("imported_count", count);
        return HttpResponse.json(200, out);
    }

    // ------------------------------------------------------------------------------------ request bodies

    /** Reads the body of a route that saves a state (up to {@code MAX_STATE_BYTES}). */
    private byte[] stateBytes(HttpRequest request) {
        return request.body().read(maxStateBytes, "The request body is larger than MAX_STATE_BYTES ("
                + maxStateBytes + " bytes).");
    }

    /** Reads a small JSON object body (ids, a message). */
    static JsonNode smallObjectBody(HttpRequest request) {
        byte[] bytes = request.body().read(MAX_SMALL_BODY_BYTES, "The request body is larger than "
                + MAX_SMALL_BODY_BYTES + " bytes.");
        return requireObject(RequestJson.parse(bytes));
    }

    private static JsonNode requireObject(JsonNode body) {
        if (!body.isObject()) {
            throw new HttpError(422, "The request body must be a JSON object.");
        }
        return body;
    }

    /** A required request id: a string, trimmed, matching {@code ^[A-Za-z0-9_-]{1,120}$}. */
    private static String requestId(JsonNode body, String field, String invalidMessage) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw new HttpError(422, "Field '" + field + "' is required.");
        }
        if (!v.isTextual()) {
            throw new HttpError(422, "Field '" + field + "' must be a string.");
        }
        String id = v.textValue().strip();
        if (!Ids.isValid(id)) {
            throw new HttpError(422, invalidMessage);
        }
        return id;
    }

    private static String optionalString(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new HttpError(422, "Field '" + field + "' must be a string.");
        }
        return v.textValue();
    }

    /**
     * The optional {@code state} of run requests, its shape checked, as the bytes the client sent (the core counts,
     * normalizes and saves it), or {@code null} when absent.
     */
    private static byte[] optionalState(JsonNode body, byte[] bytes) {
        JsonNode state = body.get("state");
        if (state == null || state.isNull()) {
            return null;
        }
        checkStateShape(state, "state.");
        return RequestJson.fieldBytes(bytes, "state");
    }

    /**
     * Checks what the original's request model would reject outright: the state is an object and its lists
     * are lists of objects. Everything finer is normalized by the core, never rejected.
     */
    private static void checkStateShape(JsonNode state, String prefix) {
        if (!state.isObject()) {
            throw new HttpError(422, prefix.isEmpty() ? "The state must be a JSON object."
                    : "Field 'state' must be a JSON object.");
        }
        for (String key : STATE_LISTS) {
            JsonNode list = state.get(key);
            if (list == null || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw new HttpError(422, "Field '" + prefix + key + "' must be a list.");
            }
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isObject()) {
                    throw new HttpError(422, "Field '" + prefix + key + "' must be a list of objects (entry "
                            + (i + 1) + " is not).");
                }
            }
        }
    }

    private static HttpResponse ok() {
        return json("{\"ok\":true}");
    }

    private static HttpResponse json(String json) {
        return HttpResponse.bytes(200, HttpResponse.JSON, json.getBytes(StandardCharsets.UTF_8));
    }
}
