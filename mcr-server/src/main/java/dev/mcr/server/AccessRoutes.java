package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.access.Access;
import dev.mcr.access.ApiToken;
import dev.mcr.access.AuditVerification;
import dev.mcr.access.LoginResult;
import dev.mcr.access.NewToken;
import dev.mcr.access.Principal;
import dev.mcr.access.Role;
import dev.mcr.access.Session;
import dev.mcr.access.User;
import dev.mcr.error.LoginFailedException;
import dev.mcr.error.TooManyLoginAttemptsException;
import dev.mcr.store.AuditEntry;
import dev.mcr.store.AuditQuery;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The routes of users, sessions, tokens and the audit log: {@code POST /api/login}, {@code POST /api/logout},
 * {@code GET /api/me}, {@code POST /api/setup} (the first admin, loopback only), {@code /api/sessions},
 * {@code /api/tokens}, {@code /api/users}, {@code /api/audit}. They pass the same before-handlers and body limits as
 * every route; who may call which is in the {@link RouteTable}.
 */
final class AccessRoutes {

    private final Access access;
    private final AccessGate gate;
    private final AccessSettings settings;
    private final Auditor auditor;

    AccessRoutes(Access access, AccessGate gate, AccessSettings settings, Auditor auditor) {
        this.access = access;
        this.gate = gate;
        this.settings = settings;
        this.auditor = auditor;
    }

    /** Registers the exact routes. */
    void register(RouteRegistry registry) {
        registry.route("POST", "/api/login", this::login);
        registry.route("POST", "/api/logout", this::logout);
        registry.route("GET", "/api/me", this::me);
        registry.route("POST", "/api/setup", this::setup);
        registry.route("GET", "/api/sessions", this::sessions);
        registry.route("GET", "/api/tokens", this::tokens);
        registry.route("POST", "/api/tokens", this::createToken);
        registry.route("GET", "/api/users", r -> users());
        registry.route("POST", "/api/users", this::createUser);
        registry.route("GET", "/api/audit", this::audit);
        registry.route("GET", "/api/audit/verify", r -> verify());
        registry.route("GET", "/api/audit/export", r -> export());
    }

    /** Registers routes by exact method and path. */
    interface RouteRegistry {
        void route(String method, String path, Function<HttpRequest, HttpResponse> handler);
    }

    /**
     * Answers the routes with an id in the path ({@code /api/sessions/{id}}, {@code /api/tokens/{id}},
     * {@code /api/users/{name}}), or {@code null} for other paths.
     */
    HttpResponse routeWithId(HttpRequest request) {
        String path = request.path();
        if (path.startsWith("/api/sessions/")) {
            return only(request, "DELETE", () -> revokeSession(request, path.substring("/api/sessions/".length())));
        }
        if (path.startsWith("/api/tokens/")) {
            return only(request, "DELETE", () -> deleteToken(request, path.substring("/api/tokens/".length())));
        }
        if (path.startsWith("/api/users/")) {
            String name = path.substring("/api/users/".length());
            if (request.method().equals("PUT")) {
                return updateUser(request, name);
            }
            return only(request, "PUT, DELETE", () -> {
                access.deleteUser(name);
                return ok();
            });
        }
        return null;
    }

    private static HttpResponse only(HttpRequest request, String allow, java.util.function.Supplier<HttpResponse> h) {
        if (!allow.contains(request.method())) {
            throw new HttpError(405, "Method Not Allowed", Map.of("Allow", allow));
        }
        return h.get();
    }

    // ------------------------------------------------------------------------------------ login

    private HttpResponse login(HttpRequest request) {
        JsonNode body = ApiRoutes.smallObjectBody(request);
        String name = text(body, "username", true);
        String password = text(body, "password", true);
        String address = settings.clientAddress(request);
        try {
            LoginResult r = access.login(name, password.toCharArray(), address, request.header("user-agent"));
            auditor.write(r.user().name(), address, request, "login", r.user().name(), r.user().displayName(), 200,
                    "");
            return loggedIn(request, r);
        } catch (LoginFailedException e) {
            auditor.write(cutName(name), address, request, "login.failed", cutName(name), "", 401, "");
            throw e;
        } catch (TooManyLoginAttemptsException e) {
            auditor.write(cutName(name), address, request, "login.blocked", cutName(name), "", 429,
                    "retry after " + e.retryAfterSeconds() + " s");
            throw e;
        }
    }

    private static String cutName(String name) {
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private HttpResponse loggedIn(HttpRequest request, LoginResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("user", userBrief(r.user()));
        out.put("csrf_token", r.principal().csrfToken());
        return HttpResponse.json(200, out).withHeader("Set-Cookie", cookie(request, r.secret(),
                Access.SESSION_ABSOLUTE_TIMEOUT.toSeconds()));
    }

    private String cookie(HttpRequest request, String value, long maxAge) {
        return AccessGate.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
                + (settings.secure(request) ? "; Secure" : "");
    }

    private HttpResponse logout(HttpRequest request) {
        Principal caller = request.caller();
        String secret = AccessGate.cookie(request.header("cookie"));
        boolean ended = caller.kind() == Principal.Kind.SESSION && access.logout(secret);
        auditor.write(caller.actor(), settings.clientAddress(request), request, "logout", caller.actor(), "", 200,
                ended ? "" : "no session");
        return ok().withHeader("Set-Cookie", cookie(request, "", 0));
    }

    private HttpResponse me(HttpRequest request) {
        Principal caller = request.caller();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        User u = caller.user() == null ? null : access.user(caller.user()).orElse(null);
        out.put("user", u == null ? (caller.kind() == Principal.Kind.BASIC ? Map.of("name", caller.actor(), "role",
                caller.role().json()) : null) : userBrief(u));
        out.put("role", caller.role().json());
        out.put("auth", caller.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("csrf_token", caller.csrfToken());
        boolean usersExist = access.hasUsers();
        out.put("users_exist", usersExist);
        out.put("setup_allowed", !usersExist && AccessSettings.loopback(request));
        return HttpResponse.json(200, out);
    }

    private HttpResponse setup(HttpRequest request) {
        if (!AccessSettings.loopback(request)) {
            throw new HttpError(403, "The first admin can only be created from this machine (a loopback address).");
        }
        JsonNode body = ApiRoutes.smallObjectBody(request);
        String name = text(body, "username", true);
        String password = text(body, "password", true);
        String display = text(body, "display_name", false);
        if (access.hasUsers()) {
            throw new HttpError(409, "Users exist already: log in, or ask an admin for an account.");
        }
        String address = settings.clientAddress(request);
        User u = access.createUser(name, display, Role.ADMIN, password.toCharArray());
        auditor.write(gateActor(request), address, request, "user.create", u.name(), u.displayName(), 200,
                "role: \"admin\" (first admin)");
        LoginResult r = access.login(name, password.toCharArray(), address, request.header("user-agent"));
        auditor.write(u.name(), address, request, "login", u.name(), u.displayName(), 200, "");
        return loggedIn(request, r);
    }

    private static String gateActor(HttpRequest request) {
        return request.caller() == null ? "anonymous" : request.caller().actor();
    }

    // ------------------------------------------------------------------------------------ sessions

    private HttpResponse sessions(HttpRequest request) {
        Principal caller = request.caller();
        List<Map<String, Object>> items = new ArrayList<>();
        String owner = caller.role() == Role.ADMIN ? null : requireUser(caller);
        for (Session s : access.sessions(owner)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("user", s.user());
            m.put("created", time(s.created()));
            m.put("last_seen", time(s.lastSeen()));
            m.put("expires", time(s.expires()));
            m.put("address", s.address());
            m.put("user_agent", s.userAgent());
            m.put("current", s.id().equals(caller.sessionId()));
            items.add(m);
        }
        return HttpResponse.json(200, Map.of("sessions", items));
    }

    private HttpResponse revokeSession(HttpRequest request, String id) {
        Principal caller = request.caller();
        boolean mine = caller.user() != null && access.sessions(caller.user()).stream()
                .anyMatch(s -> s.id().equals(id));
        if (!mine && caller.role() != Role.ADMIN) {
            throw new HttpError(404, "There is no session of yours with this id.");
        }
        if (!access.revokeSession(id)) {
            throw new HttpError(404, "There is no session with this id.");
        }
        return ok();
    }

    // ------------------------------------------------------------------------------------ tokens

    private HttpResponse tokens(HttpRequest request) {
        Principal caller = request.caller();
        String owner = caller.role() == Role.ADMIN ? null : requireUser(caller);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ApiToken t : access.tokens(owner)) {
            items.add(token(t));
        }
        return HttpResponse.json(200, Map.of("tokens", items));
    }

    private HttpResponse createToken(HttpRequest request) {
        Principal caller = request.caller();
        String creator = requireUser(caller);
        if (caller.kind() == Principal.Kind.TOKEN) {
            throw new HttpError(403, "A token cannot create tokens: log in as the user.");
        }
        JsonNode body = ApiRoutes.smallObjectBody(request);
        String name = text(body, "name", true);
        Role role = role(text(body, "role", true));
        Duration expires = null;
        JsonNode e = body.get("expires_in_s");
        if (e != null && !e.isNull()) {
            if (!e.isIntegralNumber() || !e.canConvertToLong() || e.longValue() < 1
                    || e.longValue() > Duration.ofDays(3650).toSeconds()) {
                throw new HttpError(400, "Field 'expires_in_s' must be a whole number of seconds from 1 to 10 years.");
            }
            expires = Duration.ofSeconds(e.longValue());
        }
        NewToken t = access.createToken(creator, name, role, expires);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("token", t.secret());
        out.putAll(token(t.token()));
        return HttpResponse.json(200, out);
    }

    private HttpResponse deleteToken(HttpRequest request, String id) {
        Principal caller = request.caller();
        boolean mine = caller.user() != null && access.tokens(caller.user()).stream().anyMatch(t -> t.id().equals(id));
        if (!mine && caller.role() != Role.ADMIN) {
            throw new HttpError(404, "There is no token of yours with this id.");
        }
        if (!access.deleteToken(id)) {
            throw new HttpError(404, "There is no token with this id.");
        }
        return ok();
    }

    private static Map<String, Object> token(ApiToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("user", t.user());
        m.put("role", t.role().json());
        m.put("created", time(t.created()));
        m.put("expires", time(t.expires()));
        m.put("last_used", time(t.lastUsed()));
        return m;
    }

    private static String requireUser(Principal caller) {
        if (caller.user() == null) {
            throw new HttpError(403, "Sessions and tokens belong to users: create a user (or log in as one) first.");
        }
        return caller.user();
    }

    // ------------------------------------------------------------------------------------ users

    private HttpResponse users() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (User u : access.users()) {
            items.add(user(u));
        }
        return HttpResponse.json(200, Map.of("users", items));
    }

    private HttpResponse createUser(HttpRequest request) {
        JsonNode body = ApiRoutes.smallObjectBody(request);
        String name = body.has("name") ? text(body, "name", true) : text(body, "username", true);
        User u = access.createUser(name, text(body, "display_name", false), role(text(body, "role", true)),
                text(body, "password", true).toCharArray());
        return HttpResponse.json(200, Map.of("ok", true, "user", user(u)));
    }

    private HttpResponse updateUser(HttpRequest request, String name) {
        JsonNode body = ApiRoutes.smallObjectBody(request);
        String display = text(body, "display_name", false);
        String roleText = text(body, "role", false);
        Boolean disabled = null;
        JsonNode d = body.get("disabled");
        if (d != null && !d.isNull()) {
            if (!d.isBoolean()) {
                throw new HttpError(400, "Field 'disabled' must be true or false.");
            }
            disabled = d.booleanValue();
        }
        String password = text(body, "password", false);
        if (access.user(name).isEmpty()) {
            throw new dev.mcr.error.UserNotFoundException(name);
        }
        if (password != null) {
            access.setPassword(name, password.toCharArray());
        }
        User u = access.updateUser(name, display, roleText == null ? null : role(roleText), disabled);
        return HttpResponse.json(200, Map.of("ok", true, "user", user(u)));
    }

    private static Map<String, Object> userBrief(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("role", u.role().json());
        m.put("display_name", u.displayName());
        return m;
    }

    private static Map<String, Object> user(User u) {
        Map<String, Object> m = userBrief(u);
        m.put("created", time(u.created()));
        m.put("last_login", time(u.lastLogin()));
        m.put("disabled", u.disabled());
        return m;
    }

    // ------------------------------------------------------------------------------------ audit

    private HttpResponse audit(HttpRequest request) {
        String limitText = request.queryParam("limit");
        int limit = limitText == null ? AuditQuery.DEFAULT_LIMIT : ApiRoutes.limit(limitText, AuditQuery.DEFAULT_LIMIT, AuditQuery.MAX_LIMIT);
        AuditQuery q = new AuditQuery(limit, request.queryParam("actor"), request.queryParam("action"),
                request.queryParam("target"));
        List<Map<String, Object>> items = new ArrayList<>();
        for (AuditEntry e : access.auditLog(q)) {
            items.add(row(e));
        }
        return HttpResponse.json(200, Map.of("items", items));
    }

    private HttpResponse verify() {
        AuditVerification v = access.verifyAudit();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", v.ok());
        out.put("checked", v.checked());
        out.put("broken_at", v.brokenAt());
        out.put("last_hash", v.lastHash());
        return HttpResponse.json(200, out);
    }

    private HttpResponse export() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        access.forEachAudit(e -> {
            out.writeBytes(Json.write(row(e)));
            out.write('\n');
        });
        return HttpResponse.bytes(200, "application/x-ndjson", out.toByteArray())
                .withHeader("Content-Disposition", "attachment; filename=\"mcr-audit.jsonl\"");
    }

    /** One audit row as the API and the export write it. */
    static Map<String, Object> row(AuditEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("ts", time(e.ts()));
        m.put("actor", e.actor());
        m.put("address", e.address());
        m.put("user_agent", e.userAgent());
        m.put("action", e.action());
        m.put("target_id", e.targetId());
        m.put("target_name", e.targetName());
        m.put("outcome", e.outcome());
        m.put("status", e.status());
        m.put("summary", e.summary());
        m.put("prev_hash", e.prevHash());
        m.put("hash", e.hash());
        return m;
    }

    // ------------------------------------------------------------------------------------ helpers

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Role role(String text) {
        try {
            return Role.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    /** A string field; {@code null} when absent and not required. */
    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new HttpError(400, "Field '" + field + "' is required.");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new HttpError(400, "Field '" + field + "' must be a string.");
        }
        return v.textValue();
    }

    private static HttpResponse ok() {
        return HttpResponse.bytes(200, HttpResponse.JSON, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
    }
}
