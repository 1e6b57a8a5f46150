package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.Mcr;
import dev.mcr.model.Ids;
import dev.mcr.store.ConfigKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The versioned routes of single objects, for clients that change one runner, group, service or the layout at a time
 * and must never overwrite what someone else changed meanwhile:
 *
 * <table>
 *   <caption>routes (the same under {@code /api/groups} and {@code /api/profiles})</caption>
 *   <tr><th>route</th><th>body / query</th><th>answer</th></tr>
 *   <tr><td>{@code POST /api/runners}</td><td>the runner (missing keys get defaults; no or a free {@code id})</td>
 *       <td>{@code {"ok": true, "runner": {…, "version": 1}}}</td></tr>
 *   <tr><td>{@code GET /api/runners/{id}}</td><td></td><td>{@code {"ok": true, "runner": {…, "version": n}}}</td></tr>
 *   <tr><td>{@code PUT /api/runners/{id}}</td><td>the keys to change and {@code "version"} (or {@code ?version=})
 *       </td><td>{@code {"ok": true, "runner": {…, "version": n + 1}}}</td></tr>
 *   <tr><td>{@code DELETE /api/runners/{id}}</td><td>{@code ?version=} (or {@code {"version": n}})</td>
 *       <td>{@code {"ok": true, "runner": {"id": …, "version": n + 1, "deleted": true}}}</td></tr>
 *   <tr><td>{@code GET /api/layout}</td><td></td>
 *       <td>{@code {"ok": true, "layout": {"runner_layout": […], "version": n}}}</td></tr>
 *   <tr><td>{@code PUT /api/layout}</td><td>{@code {"runner_layout": […], "version": n}}, or the array with
 *       {@code ?version=}</td><td>{@code {"ok": true, "layout": {"runner_layout": […], "version": n + 1}}}</td></tr>
 *   <tr><td>{@code PUT /api/profiles}</td><td>{@code {"order": [ids]}}</td>
 *       <td>{@code {"ok": true, "order": [every id in the stored order]}}</td></tr>
 * </table>
 *
 * <p>Every object in an answer is what {@code GET /api/state} shows for it (secrets masked as
 * {@code __SECRET_SET__}) with its {@code version}. A change keeps the keys it leaves out, nested ones included;
 * {@code __SECRET_SET__} keeps a stored secret, {@code ""} clears it. Failures, each with a sentence in
 * {@code detail} and nothing changed: 400 for a body of the wrong shape or type ({@link ObjectBodies}), an id that does
 * not match {@code ^[A-Za-z0-9_-]{1,120}$}, a version that is not a whole number of 1 or more, or the limits; 404 for an
 * object that never existed; <b>409</b> {@code {"detail": …, "current": <the stored object, or null when it was
 * deleted>}} when the change is based on another version than the stored one (or a create names an existing id);
 * <b>428</b> when a change or deletion names no version at all; 413 for a body above {@code MAX_STATE_BYTES}.
 */
final class ObjectRoutes {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final String LAYOUT_PATH = "/api/layout";

    /** One collection of objects and its path. */
    private enum Collection {
        RUNNERS("/api/runners", ConfigKind.RUNNER),
        GROUPS("/api/groups", ConfigKind.GROUP),
        PROFILES("/api/profiles", ConfigKind.PROFILE);

        final String path;
        final ConfigKind kind;

        Collection(String path, ConfigKind kind) {
            this.path = path;
            this.kind = kind;
        }
    }

    private final Mcr mcr;
    private final int maxStateBytes;

    /**
     * @param mcr           the facade
     * @param maxStateBytes largest body of a create or change ({@code MAX_STATE_BYTES})
     */
    ObjectRoutes(Mcr mcr, int maxStateBytes) {
        this.mcr = mcr;
        this.maxStateBytes = maxStateBytes;
    }

    /**
     * Answers a request on one of these routes (after the before-handlers passed it).
     *
     * @param request the request
     * @return the answer, or {@code null} when the path is none of these routes
     */
    HttpResponse route(HttpRequest request) {
        String path = request.path();
        if (path.equals(LAYOUT_PATH)) {
            return layout(request);
        }
        for (Collection c : Collection.values()) {
            if (path.equals(c.path)) {
                return collection(c, request);
            }
            if (path.startsWith(c.path + "/")) {
                return object(c, path.substring(c.path.length() + 1), request);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ collections

    private HttpResponse collection(Collection c, HttpRequest request) {
        switch (request.method()) {
            case "POST":
                return create(c.kind, request);
            case "PUT":
                if (c == Collection.PROFILES) {
                    return orderProfiles(request);
                }
                throw methodNotAllowed("POST");
            default:
                throw methodNotAllowed(c == Collection.PROFILES ? "POST, PUT" : "POST");
        }
    }

    private HttpResponse create(ConfigKind kind, HttpRequest request) {
        byte[] bytes = bodyBytes(request);
        ObjectBodies.check(kind, RequestJson.parse(bytes));
        return answer(kind, mcr.createJson(kind, bytes));
    }

    private HttpResponse orderProfiles(HttpRequest request) {
        byte[] bytes = request.body().read(ApiRoutes.MAX_SMALL_BODY_BYTES, "The request body is larger than "
                + ApiRoutes.MAX_SMALL_BODY_BYTES + " bytes.");
        JsonNode body = RequestJson.parse(bytes);
        JsonNode order = body.isObject() ? body.get("order") : null;
        if (order == null || !order.isArray()) {
            throw new HttpError(400, "The body must be {\"order\": [profile ids in their new order]}.");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            JsonNode id = order.get(i);
            if (!id.isTextual() || !Ids.isValid(id.textValue().strip())) {
                throw new HttpError(400, "Field 'order[" + i + "]' must be an id matching ^[A-Za-z0-9_-]{1,120}$.");
            }
            ids.add(id.textValue().strip());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("order", mcr.orderProfiles(ids));
        return HttpResponse.json(200, out);
    }

    // ------------------------------------------------------------------------------------ one object

    private HttpResponse object(Collection c, String rawId, HttpRequest request) {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("PUT") && !method.equals("DELETE")) {
            throw methodNotAllowed("GET, PUT, DELETE");
        }
        if (!Ids.isValid(rawId)) {
            throw new HttpError(400, "The " + c.kind.json() + " id in the path must match ^[A-Za-z0-9_-]{1,120}$.");
        }
        switch (method) {
            case "GET":
                return answer(c.kind, mcr.objectJson(c.kind, rawId));
            case "PUT":
                return update(c.kind, rawId, request);
            default:
                return delete(c.kind, rawId, request);
        }
    }

    private HttpResponse update(ConfigKind kind, String id, HttpRequest request) {
        byte[] bytes = bodyBytes(request);
        JsonNode body = RequestJson.parse(bytes);
        ObjectBodies.check(kind, body);
        JsonNode bodyId = body.get("id");
        if (bodyId != null && !bodyId.textValue().strip().equals(id)) {
            throw new HttpError(400, "The id in the body differs from the id in the path; an id cannot be changed.");
        }
        long base = baseVersion(body.get("version"), request);
        return answer(kind, mcr.updateJson(kind, id, bytes, base));
    }

    private HttpResponse delete(ConfigKind kind, String id, HttpRequest request) {
        JsonNode inBody = null;
        if (request.body().present()) {
            byte[] bytes = request.body().read(ApiRoutes.MAX_SMALL_BODY_BYTES, "The request body is larger than "
                    + ApiRoutes.MAX_SMALL_BODY_BYTES + " bytes.");
            JsonNode body = RequestJson.parse(bytes);
            if (!body.isObject()) {
                throw new HttpError(400, "The body of a deletion must be a JSON object such as {\"version\": 3}.");
            }
            inBody = body.get("version");
        }
        long base = baseVersion(inBody, request);
        long tombstone = mcr.delete(kind, id, base);
        Map<String, Object> gone = new LinkedHashMap<>();
        gone.put("id", id);
        gone.put("version", tombstone);
        gone.put("deleted", true);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put(kind.json(), gone);
        return HttpResponse.json(200, out);
    }

    // ------------------------------------------------------------------------------------ layout

    private HttpResponse layout(HttpRequest request) {
        switch (request.method()) {
            case "GET":
                return answer(ConfigKind.LAYOUT, mcr.objectJson(ConfigKind.LAYOUT, ConfigKind.SINGLE_ID));
            case "PUT":
                byte[] bytes = bodyBytes(request);
                JsonNode body = RequestJson.parse(bytes);
                JsonNode items = body.isArray() ? body : body.isObject() ? body.get("runner_layout") : null;
                if (items == null || !items.isArray()) {
                    throw new HttpError(400, "The layout must be {\"runner_layout\": [...], \"version\": n}, or the "
                            + "array alone with ?version=n.");
                }
                ObjectBodies.checkLayout(items);
                long base = baseVersion(body.isObject() ? body.get("version") : null, request);
                return answer(ConfigKind.LAYOUT, mcr.updateJson(ConfigKind.LAYOUT, ConfigKind.SINGLE_ID, bytes, base));
            default:
                throw methodNotAllowed("GET, PUT");
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    /**
     * The version a change is based on: {@code "version"} in the body or {@code ?version=}; both may be given when
     * they agree.
     *
     * @throws HttpError 428 when neither is given, 400 when one is not a whole number of 1 or more or they differ
     */
    static long baseVersion(JsonNode inBody, HttpRequest request) {
        Long fromBody = null;
        if (inBody != null) {
            if (!inBody.isIntegralNumber() || !inBody.canConvertToLong() || inBody.longValue() < 1) {
                throw new HttpError(400, "Field 'version' must be a whole number of 1 or more.");
            }
            fromBody = inBody.longValue();
        }
        Long fromQuery = null;
        String q = request.queryParam("version");
        if (q != null) {
            String s = q.strip();
            if (!DIGITS.matcher(s).matches() || Long.parseLong(s) < 1) {
                throw new HttpError(400, "Query parameter 'version' must be a whole number of 1 or more.");
            }
            fromQuery = Long.parseLong(s);
        }
        if (fromBody != null && fromQuery != null && !fromBody.equals(fromQuery)) {
            throw new HttpError(400, "The version in the body (" + fromBody + ") and in the query (" + fromQuery
                    + ") differ.");
        }
        if (fromBody == null && fromQuery == null) {
            throw new HttpError(428, "A change or deletion must say which version it is based on: send \"version\" "
                    + "in the body or ?version=n (GET gives the current one).");
        }
        return fromBody != null ? fromBody : fromQuery;
    }

    private byte[] bodyBytes(HttpRequest request) {
        return request.body().read(maxStateBytes, "The request body is larger than MAX_STATE_BYTES ("
                + maxStateBytes + " bytes).");
    }

    /** {@code {"ok": true, "<kind>": <object>}}, the object exactly as the core wrote it. */
    private static HttpResponse answer(ConfigKind kind, String objectJson) {
        String json = "{\"ok\":true,\"" + kind.json() + "\":" + objectJson + "}";
        return HttpResponse.bytes(200, HttpResponse.JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpError methodNotAllowed(String allow) {
        return new HttpError(405, "Method Not Allowed", Map.of("Allow", allow));
    }
}
