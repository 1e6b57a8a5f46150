package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.Mcr;
import dev.mcr.access.Principal;
import dev.mcr.model.AppState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.store.AuditEntry;
import dev.mcr.store.ConfigKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit rows of requests: every request to a route that changes something (allowed or refused), and a
 * {@code token.use} row when a token reads (at most one a minute per token). Each row names the actor, the client
 * address, the user agent, the action of the {@link RouteTable}, the target (id and name), the outcome with the
 * status, and what changed: field paths with {@code old → new} for plain values and {@code changed} for secrets
 * (the server only ever sees masked secrets, so no secret can reach a row). Logins, logouts and the first admin are
 * written by their routes, which know the name that was tried.
 */
final class Auditor {

    private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);
    private static final int MAX_SUMMARY = 2000;
    private static final int MAX_VALUE = 80;
    private static final Duration TOKEN_READ_INTERVAL = Duration.ofMinutes(1);
    private static final Set<String> OWN_ROWS = Set.of("/api/login", "/api/logout", "/api/setup");
    private static final String MASK = "__SECRET_SET__";

    private final Mcr mcr;
    private final Map<String, Instant> tokenReads = new ConcurrentHashMap<>();

    Auditor(Mcr mcr) {
        this.mcr = mcr;
    }

    /** What a change looked like before it ran: the stored object or state, as clients see it. */
    record Before(String json) {
    }

    /** Captures what a change will be compared with; {@code null} when the route needs nothing. */
    Before before(RouteTable.Rule rule, HttpRequest request) {
        if (rule.action() == null) {
            return null;
        }
        try {
            ConfigKind kind = kind(rule.path());
            String id = rule.id(request.path());
            if (kind != null && !id.isEmpty() && !request.method().equals("POST")) {
                return new Before(mcr.objectJson(kind, id));
            }
            if (rule.path().equals("/api/layout")) {
                return new Before(mcr.objectJson(ConfigKind.LAYOUT, ConfigKind.SINGLE_ID));
            }
            if (rule.path().equals("/api/state") || rule.path().equals("/api/run")
                    || rule.path().equals("/api/group/run") || rule.path().equals("/api/import")
                    || rule.path().equals("/api/clone_runner")) {
                return new Before(mcr.clientStateJson());
            }
        } catch (RuntimeException e) {
            // Nothing stored yet (or no such object): the change will be refused or create it.
        }
        return null;
    }

    /** Writes the row of a finished request, when it is one that is audited. */
    void record(RouteTable.Rule rule, HttpRequest request, Principal caller, String address, HttpResponse response,
                Before before, byte[] body) {
        if (OWN_ROWS.contains(rule.path())) {
            return;
        }
        if (rule.action() == null) {
            if (caller != null && caller.kind() == Principal.Kind.TOKEN && response.status() < 400) {
                Instant now = mcr.access().clock().instant();
                Instant last = tokenReads.get(caller.actor());
                if (last == null || Duration.between(last, now).compareTo(TOKEN_READ_INTERVAL) >= 0) {
                    tokenReads.put(caller.actor(), now);
                    write(caller.actor(), address, request, "token.use", rule.method() + " " + rule.path(), "",
                            response.status(), "");
                }
            }
            return;
        }
        JsonNode in = parse(body);
        String targetId = rule.id(request.path());
        if (targetId.isEmpty() && in != null && in.isObject()) {
            for (String field : new String[] {"runner_id", "group_id", "profile_id", "id", "name", "username"}) {
                JsonNode v = in.get(field);
                if (v != null && v.isTextual()) {
                    targetId = v.textValue().strip();
                    break;
                }
            }
        }
        String summary = "";
        if (response.status() < 300) {
            try {
                summary = summary(rule, in, before, response);
            } catch (RuntimeException e) {
                summary = "";
            }
        }
        write(caller == null ? "anonymous" : caller.actor(), address, request, rule.action(), targetId,
                targetName(rule, targetId), response.status(), summary);
    }

    /** Appends one row; a failing audit write is logged and never fails the request that was already done. */
    void write(String actor, String address, HttpRequest request, String action, String targetId, String targetName,
               int status, String summary) {
        String ua = request.header("user-agent");
        try {
            mcr.access().audit(AuditEntry.of(mcr.access().clock().instant(), actor, address,
                    ua == null ? "" : cut(ua, 300), action, cut(targetId, 200), cut(targetName, 200),
                    outcome(status), status, cut(summary, MAX_SUMMARY)));
        } catch (RuntimeException e) {
            LOG.error("Could not write the audit row of {} by {}: {}", action, actor, e.getMessage());
        }
    }

    static String outcome(int status) {
        if (status < 400) {
            return "ok";
        }
        return status == 401 || status == 403 || status == 429 ? "denied" : "failed";
    }

    private String targetName(RouteTable.Rule rule, String id) {
        if (id.isEmpty()) {
            return "";
        }
        AppState s = mcr.state();
        String p = rule.path();
        if (p.contains("/runners") || p.equals("/api/run") || p.equals("/api/stop") || p.equals("/api/clone_runner")
                || p.startsWith("/api/log/")) {
            return s.runners().stream().filter(r -> r.id().equals(id)).map(Runner::name).findFirst().orElse("");
        }
        if (p.contains("/groups") || p.startsWith("/api/group/")) {
            return s.runnerGroups().stream().filter(g -> g.id().equals(id)).map(RunnerGroup::name).findFirst()
                    .orElse("");
        }
        if (p.contains("/profiles") || p.equals("/api/pushover_test")) {
            return s.notifyProfiles().stream().filter(n -> n.id().equals(id)).map(NotifyProfile::name).findFirst()
                    .orElse("");
        }
        return "";
    }

    private String summary(RouteTable.Rule rule, JsonNode in, Before before, HttpResponse response) {
        List<String> out = new ArrayList<>();
        String p = rule.path();
        if (p.startsWith("/api/users")) {
            if (in != null && in.isObject()) {
                for (String f : new String[] {"role", "display_name", "disabled"}) {
                    if (in.has(f)) {
                        out.add(f + ": " + value(in.get(f)));
                    }
                }
                if (in.has("password")) {
                    out.add("password: changed");
                }
            }
            return String.join("; ", out);
        }
        if (p.equals("/api/admin/rotate-key")) {
            JsonNode answer = parse(response.body());
            return answer == null ? "" : "reencrypted: " + answer.path("reencrypted").asInt() + "; unreadable: "
                    + answer.path("unreadable").size();
        }
        if (p.endsWith("/heartbeat/regenerate")) {
            return response.status() < 300 ? "ping token: changed" : "";
        }
        if (p.equals("/api/tokens") && in != null && in.isObject()) {
            return "name: " + value(in.get("name")) + "; role: " + value(in.get("role"));
        }
        if (before == null) {
            return response.status() < 300 && rule.method().equals("POST") && p.matches("/api/(runners|groups|"
                    + "profiles)") ? "created" : "";
        }
        JsonNode old = parse(before.json().getBytes(StandardCharsets.UTF_8));
        JsonNode now;
        if (rule.method().equals("DELETE")) {
            return "deleted";
        }
        ConfigKind kind = kind(p);
        if (kind != null || p.equals("/api/layout")) {
            JsonNode answer = parse(response.body());
            now = answer == null ? null : answer.get(kind == null ? "layout" : kind.json());
        } else {
            now = parse(mcr.clientStateJson().getBytes(StandardCharsets.UTF_8));
        }
        diff("", old, now, out);
        if (in != null && in.isObject()) {
            secretsSent("", in, out);
        }
        return String.join("; ", out);
    }

    /** Field paths whose values differ, old → new; values of secrets show as {@code changed}. */
    static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
        if (out.size() > 50 || a == null && b == null || a != null && a.equals(b)) {
            return;
        }
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> names = new java.util.LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                if (!n.equals("version") && !n.equals("layout_version")) {
                    diff(path.isEmpty() ? n : path + "." + n, a.get(n), b.get(n), out);
                }
            }
            return;
        }
        if (a != null && b != null && a.isArray() && b.isArray() && byId(a) && byId(b)) {
            Map<String, JsonNode> left = index(a);
            Map<String, JsonNode> right = index(b);
            Set<String> ids = new java.util.LinkedHashSet<>(left.keySet());
            ids.addAll(right.keySet());
            for (String id : ids) {
                diff(path + "[" + id + "]", left.get(id), right.get(id), out);
            }
            return;
        }
        if (a != null && b != null && (a.isContainerNode() || b.isContainerNode())) {
            out.add(path + ": changed");
        } else if (a == null) {
            out.add(path + ": added" + (b.isValueNode() && !secret(path) ? " " + value(b) : ""));
        } else if (b == null) {
            out.add(path + ": removed");
        } else if (secret(path) || MASK.equals(a.asText()) || MASK.equals(b.asText())) {
            out.add(path + ": changed");
        } else {
            out.add(path + ": " + value(a) + " \u2192 " + value(b));
        }
    }

    /** Secrets a request set (a value that is not the mask): the masked answers cannot show that they changed. */
    private static void secretsSent(String path, JsonNode node, List<String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue().isObject()) {
                secretsSent(p, e.getValue(), out);
            } else if (secret(p) && e.getValue().isTextual() && !MASK.equals(e.getValue().textValue())
                    && !out.contains(p + ": changed")) {
                out.add(p + ": changed");
            }
        }
    }

    private static boolean secret(String path) {
        String last = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return path.contains("config.") && (last.contains("token") || last.contains("key") || last.contains("secret")
                || last.contains("password"));
    }

    private static boolean byId(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject() || !n.path("id").isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, JsonNode> index(JsonNode array) {
        Map<String, JsonNode> m = new java.util.LinkedHashMap<>();
        array.forEach(n -> m.put(n.get("id").textValue(), n));
        return m;
    }

    private static String value(JsonNode v) {
        if (v == null) {
            return "null";
        }
        String s = v.isTextual() ? "\"" + v.textValue() + "\"" : v.toString();
        return cut(s, MAX_VALUE);
    }

    private static ConfigKind kind(String rulePath) {
        if (rulePath.startsWith("/api/runners")) {
            return ConfigKind.RUNNER;
        }
        if (rulePath.startsWith("/api/groups")) {
            return ConfigKind.GROUP;
        }
        if (rulePath.startsWith("/api/profiles/")) {
            return ConfigKind.PROFILE;
        }
        return null;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return RequestJson.parse(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String cut(String s, int max) {
        return s == null ? "" : s.length() > max ? s.substring(0, max - 1) + "\u2026" : s;
    }
}
