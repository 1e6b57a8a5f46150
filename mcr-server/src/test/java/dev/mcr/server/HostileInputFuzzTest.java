package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of malformed, truncated, oversized, wrongly typed and hostile requests against every route of the
 * real server: none gets a 5xx, the server stays up, and no rejected request changes the stored state (checked
 * through {@code GET /api/state} after every rejected request and through the {@code app.db} row regularly).
 *
 * <p>The requests come from a seeded {@link Random}; the seed is printed, and {@code -Dmcr.fuzz.seed=<seed>}
 * replays a run. {@code -Dmcr.fuzz.requests=<n>} changes how many requests are sent.
 */
class HostileInputFuzzTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] POST_ROUTES = {"/api/state", "/api/run", "/api/stop", "/api/group/run",
        "/api/group/stop", "/api/clone_runner", "/api/pushover_test", "/api/import"};
    /** The versioned routes: method and path; their bodies carry the versions of the state the fuzzer last saw. */
    private static final String[][] OBJECT_ROUTES = {{"POST", "/api/runners"}, {"PUT", "/api/runners/runner_a"},
        {"DELETE", "/api/runners/runner_b"}, {"POST", "/api/groups"}, {"PUT", "/api/groups/group_g"},
        {"DELETE", "/api/groups/group_g"}, {"POST", "/api/profiles"}, {"PUT", "/api/profiles/notify_p"},
        {"PUT", "/api/profiles"}, {"PUT", "/api/layout"}};
    private static final String[] ALL_PATHS = {"/", "/api/state", "/api/status", "/api/run", "/api/stop",
        "/api/group/run", "/api/group/stop", "/api/clone_runner", "/api/pushover_test", "/api/notifications",
        "/api/export", "/api/import", "/api/log/runner_a", "/static/app.js", "/api/events", "/api/runners",
        "/api/runners/runner_a", "/api/groups", "/api/groups/group_g", "/api/profiles", "/api/profiles/notify_p",
        "/api/layout", "/api/cron/preview?expr=%40daily&tz=Europe%2FBerlin"};
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
        "CONNECT", "FOO", "get", "G\u00c9T", ""};
    /** Strings a fuzzed state may carry; some end up as commands, so none of them is harmful shell code. */
    private static final String[] STRINGS = {"", " ", "x", "runner_a", "group_g", "../../etc/passwd",
        "..\\..\\app.db", "runner_a/../../app.db", "%2e%2e%2f%2e%2e%2f", "\u0000", "\u00e9\u00e8", "\ud83d\ude00",
        "(a+)+$", "((a|aa)+)+b", "(?P<x>a)(?P=x)", "[", "__SECRET_SET__", "<script>alert(1)</script>",
        "UP", "STOP", "-1", "1e999", "NaN"};
    private static final String[] NUMBER_LITERALS = {"1e999999999", "-1e999999999", "123456789012345678901234567890",
        "-9223372036854775809", "9223372036854775808", "0.000000000000000000000000000001", "-0", "1E+2147483648",
        "NaN", "Infinity", "-Infinity", "01", "0x10", "1.", ".5", "+1", "--1"};

    @TempDir
    Path dir;

    private int port;
    private Path data;
    private Random rnd;
    private String baseState;
    /** {@code GET /api/state} as the fuzzer last saw it (the versions of the object routes' bodies). */
    private String apiState;
    private final Map<String, Integer> statusCounts = new TreeMap<>();
    private final List<String> noAnswer = new ArrayList<>();
    private final Map<String, Long> millisByKind = new TreeMap<>();
    private int eventStreams;

    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // ~35 s on an idle machine; a guard against a hang
    void thousands_of_hostile_requests_get_no_5xx_leave_the_server_up_and_rejected_ones_change_nothing()
            throws Exception {
        long seed = Long.getLong("mcr.fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("mcr.fuzz.requests", 4000);
        System.out.println("HostileInputFuzzTest seed=" + seed + " requests=" + requests
                + " (replay with -Dmcr.fuzz.seed=" + seed + ")");
        rnd = new Random(seed);
        data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data, Map.of(
                "MULTI_COMMAND_RUNNER_PUSHOVER_URL", "http://127.0.0.1:9/1/messages.json",
                "MULTI_COMMAND_RUNNER_SECRET_KEY", "fuzz-passphrase"))) {
            port = server.port();
            baseState = baseState();
            server.postOk("/api/state", baseState);
            apiState = server.get("/api/state").body();
            String row = ServerProcess.stateRow(data);
            int rejected = 0;
            for (int i = 0; i < requests; i++) {
                if (i % 400 == 399) {
                    // Accepted requests (imports, clones) grow the state; start again from the base now and then.
                    server.postOk("/api/state", baseState);
                    apiState = server.get("/api/state").body();
                    row = ServerProcess.stateRow(data);
                }
                Req req = nextRequest();
                long t0 = System.nanoTime();
                Answer a = exchange(req);
                millisByKind.merge(req.kind, (System.nanoTime() - t0) / 1_000_000, Long::sum);
                String where = "request " + i + " (seed " + seed + "): " + req.describe() + " -> " + a.status + " "
                        + abbreviate(a.body);
                statusCounts.merge(a.status < 0 ? "none" : Integer.toString(a.status), 1, Integer::sum);
                if (a.status >= 500) {
                    System.out.println("Server threads at the failure:\n" + threadDump(server));
                }
                assertThat(a.status).as(where).isLessThan(500);
                if (a.status < 0) {
                    noAnswer.add(req.describe());
                    assertThat(req.bytes.length).as("only an empty request goes unanswered; " + where).isZero();
                }
                boolean accepted = a.status >= 200 && a.status < 300;
                // A test send accounts its failure in the profile's counters (SPEC §6), even when it answers 400;
                // a run request saves its state before the start is refused as busy (the original's contract).
                boolean savedBeforeRefusal = req.path.startsWith("/api/pushover_test")
                        || (a.status == 409 && (req.path.equals("/api/run") || req.path.equals("/api/group/run")));
                long t1 = System.nanoTime();
                if (accepted || savedBeforeRefusal) {
                    apiState = server.get("/api/state").body();
                    row = ServerProcess.stateRow(data);
                    millisByKind.merge("(check)", (System.nanoTime() - t1) / 1_000_000, Long::sum);
                    continue;
                }
                rejected++;
                assertThat(server.get("/api/state").body()).as("state after rejected " + where).isEqualTo(apiState);
                if (rejected % 40 == 0) {
                    assertThat(ServerProcess.stateRow(data)).as("app.db row after rejected " + where).isEqualTo(row);
                }
                millisByKind.merge("(check)", (System.nanoTime() - t1) / 1_000_000, Long::sum);
            }
            assertThat(ServerProcess.stateRow(data)).as("app.db row at the end").isEqualTo(row);
            assertThat(server.get("/api/state").statusCode()).isEqualTo(200);
            assertThat(server.get("/api/status").statusCode()).isEqualTo(200);
            assertThat(server.process.isAlive()).isTrue();
            System.out.println("HostileInputFuzzTest answers by status: " + statusCounts + "; rejected " + rejected
                    + "; without an answer: " + noAnswer + "; milliseconds by kind: " + millisByKind);
            assertThat(server.output()).as("server log").noneMatch(l -> l.contains("ERROR")
                    || l.contains("Exception") || l.contains("\tat "));
        }
    }

    /** The server's threads, for the failure message: which requests hold them. */
    private static String threadDump(ServerProcess server) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(server.process.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            return dump;
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    // ------------------------------------------------------------------ base data

    private static String baseState() {
        ObjectNode s = F.objectNode();
        ObjectNode profile = s.putArray("notify_profiles").addObject();
        profile.put("id", "notify_p").put("name", "P").put("type", "pushover").put("active", true);
        profile.putObject("config").put("user_key", "uFUZZSECRETuser").put("api_token", "tFUZZSECRETtoken");
        ArrayNode runners = s.putArray("runners");
        ObjectNode a = runners.addObject().put("id", "runner_a").put("name", "A").put("command", "echo fuzz a");
        a.putArray("cases").addObject().put("id", "case_a").put("pattern", "fuzz (\\w+)")
                .put("message_template", "got {g1}").put("state", "INFO");
        runners.addObject().put("id", "runner_b").put("name", "B").put("command", "echo fuzz b");
        ObjectNode g = s.putArray("runner_groups").addObject().put("id", "group_g").put("name", "G");
        g.putArray("runner_ids").add("runner_b");
        g.putArray("disabled_runner_ids");
        ArrayNode layout = s.putArray("runner_layout");
        layout.addObject().put("type", "runner").put("id", "runner_a");
        layout.addObject().put("type", "group").put("id", "group_g");
        return s.toString();
    }

    private JsonNode template(String route) {
        ObjectNode o = F.objectNode();
        switch (route) {
            case "/api/state":
                return parse(baseState);
            case "/api/run":
                if (rnd.nextBoolean()) {
                    o.set("state", parse(baseState));
                }
                return o.put("runner_id", "runner_a");
            case "/api/stop":
            case "/api/clone_runner":
                return o.put("runner_id", rnd.nextBoolean() ? "runner_a" : "runner_b");
            case "/api/group/run":
                if (rnd.nextBoolean()) {
                    o.set("state", parse(baseState));
                }
                return o.put("group_id", "group_g");
            case "/api/group/stop":
                return o.put("group_id", "group_g");
            case "/api/pushover_test":
                return o.put("profile_id", "notify_p").put("message", "hello");
            default: {
                ObjectNode exp = (ObjectNode) parse(baseState);
                exp.remove("notify_profiles");
                exp.put("exported_at", "2024-01-01T00:00:00+00:00");
                return exp;
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return ServerFixture.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ request generation

    /** One raw request. */
    private record Req(String method, String path, byte[] bytes, String kind) {
        String describe() {
            return kind + " " + method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path)
                    + " (" + bytes.length + " bytes)";
        }
    }

    private Req nextRequest() {
        int k = rnd.nextInt(100);
        if (k < 45) {
            return jsonBodyRequest();
        }
        if (k < 57) {
            return wrongMethodRequest();
        }
        if (k < 70) {
            return hostilePathRequest();
        }
        if (k < 88) {
            return hostileHeaderRequest();
        }
        return garbageRequest();
    }

    private Req jsonBodyRequest() {
        String method = "POST";
        String route;
        JsonNode body;
        if (rnd.nextInt(3) == 0) {
            String[] r = OBJECT_ROUTES[rnd.nextInt(OBJECT_ROUTES.length)];
            method = r[0];
            route = r[1];
            body = objectTemplate(method, route);
            if (rnd.nextInt(4) == 0) {
                // Now and then a version in the query instead, or a stale one.
                route = route + "?version=" + (rnd.nextBoolean() ? "1" : STRINGS[rnd.nextInt(STRINGS.length)]
                        .replace(" ", "%20").replace("\u0000", "%00"));
            }
        } else {
            route = POST_ROUTES[rnd.nextInt(POST_ROUTES.length)];
            body = template(route);
        }
        int mutations = 1 + rnd.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            body = mutate(body);
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        String kind = "json";
        switch (rnd.nextInt(8)) {
            case 0:
                bytes = truncate(bytes);
                kind = "json-truncated";
                break;
            case 1:
                bytes = injectInvalidUtf8(bytes);
                kind = "json-invalid-utf8";
                break;
            case 2:
                bytes = injectNumberLiteral(bytes);
                kind = "json-number-literal";
                break;
            case 3:
                bytes = nest(rnd.nextInt(3) == 0 ? 200_000 : 1 + rnd.nextInt(5000));
                kind = "json-deep";
                break;
            default:
                break;
        }
        String contentType = rnd.nextInt(10) == 0 ? null : "application/json";
        return request(method, route, contentType, bytes, kind, true);
    }

    /** A valid body of a versioned route, based on the versions of the state the fuzzer last saw. */
    private JsonNode objectTemplate(String method, String route) {
        JsonNode state = parse(apiState);
        ObjectNode o = F.objectNode();
        if (route.equals("/api/layout")) {
            o.set("runner_layout", state.path("runner_layout"));
            return o.put("version", state.path("layout_version").asLong());
        }
        if (route.equals("/api/profiles") && method.equals("PUT")) {
            o.putArray("order").add("notify_p");
            return o;
        }
        if (method.equals("POST")) {
            return o.put("name", "fuzz").put("command", "echo fuzz new");
        }
        String id = route.substring(route.lastIndexOf('/') + 1);
        String list = route.startsWith("/api/runners") ? "runners" : route.startsWith("/api/groups")
                ? "runner_groups" : "notify_profiles";
        long version = 1;
        for (JsonNode n : state.path(list)) {
            if (n.path("id").asText().equals(id)) {
                version = n.path("version").asLong();
                if (method.equals("PUT")) {
                    o.setAll((ObjectNode) n.deepCopy());
                }
            }
        }
        return o.put("version", version);
    }

    private JsonNode mutate(JsonNode root) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(rnd.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            int op = rnd.nextInt(4);
            if (op == 0 || names.isEmpty()) {
                o.set("unknown_" + rnd.nextInt(1000), hostileValue());
            } else if (op == 1) {
                o.remove(names.get(rnd.nextInt(names.size())));
            } else {
                o.set(names.get(rnd.nextInt(names.size())), hostileValue());
            }
        } else if (target instanceof ArrayNode a) {
            if (a.isEmpty() || rnd.nextBoolean()) {
                a.add(hostileValue());
            } else {
                a.set(rnd.nextInt(a.size()), hostileValue());
            }
        }
        if (rnd.nextInt(20) == 0) {
            return F.arrayNode().add(root);
        }
        return root;
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    private JsonNode hostileValue() {
        switch (rnd.nextInt(14)) {
            case 0:
                return F.nullNode();
            case 1:
                return F.booleanNode(rnd.nextBoolean());
            case 2:
                return F.numberNode(new BigInteger("1" + "0".repeat(rnd.nextInt(400))));
            case 3:
                return F.numberNode(rnd.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE);
            case 4:
                return F.numberNode(rnd.nextBoolean() ? Double.MAX_VALUE : -0.5);
            case 5:
                return F.textNode("x".repeat(rnd.nextInt(3) == 0 ? 300_000 : rnd.nextInt(200)));
            case 6:
                return F.arrayNode();
            case 7:
                return F.objectNode();
            case 8: {
                JsonNode n = F.textNode("deep");
                for (int i = 0; i < 1 + rnd.nextInt(60); i++) {
                    n = rnd.nextBoolean() ? F.arrayNode().add(n) : F.objectNode().set("k", n);
                }
                return n;
            }
            case 9: {
                ObjectNode c = F.objectNode().put("id", STRINGS[rnd.nextInt(STRINGS.length)])
                        .put("pattern", rnd.nextBoolean() ? "(a+)+$" : "((a|aa)+)+b")
                        .put("message_template", "{match} {g1} {nope} {").put("state", "DOWN");
                return F.arrayNode().add(c);
            }
            case 10:
                return F.numberNode(rnd.nextInt());
            default:
                return F.textNode(STRINGS[rnd.nextInt(STRINGS.length)]);
        }
    }

    private byte[] truncate(byte[] b) {
        return java.util.Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length));
    }

    private byte[] injectInvalidUtf8(byte[] b) {
        byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {0}};
        byte[] ins = bad[rnd.nextInt(bad.length)];
        int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.writeBytes(ins);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    /** Replaces a value after a colon with a number literal Jackson has to cope with (or refuse). */
    private byte[] injectNumberLiteral(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        int colon = s.indexOf(':', s.isEmpty() ? 0 : rnd.nextInt(s.length()));
        if (colon < 0) {
            colon = s.indexOf(':');
        }
        if (colon < 0) {
            return b;
        }
        int end = colon + 1;
        int depth = 0;
        boolean inString = false;
        for (; end < s.length(); end++) {
            char c = s.charAt(end);
            if (inString) {
                if (c == '\\') {
                    end++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        return (s.substring(0, colon + 1) + NUMBER_LITERALS[rnd.nextInt(NUMBER_LITERALS.length)] + s.substring(end))
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] nest(int depth) {
        String open = rnd.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return (open.repeat(depth) + "1" + close.repeat(rnd.nextBoolean() ? depth : depth / 2))
                .getBytes(StandardCharsets.UTF_8);
    }

    private Req wrongMethodRequest() {
        String method = METHODS[rnd.nextInt(METHODS.length)];
        String path = ALL_PATHS[rnd.nextInt(ALL_PATHS.length)];
        if (path.equals("/api/events") && method.equals("GET")) {
            method = "POST";
        }
        byte[] body = rnd.nextBoolean() ? template(POST_ROUTES[rnd.nextInt(POST_ROUTES.length)]).toString()
                .getBytes(StandardCharsets.UTF_8) : new byte[0];
        return request(method, path, "application/json", body, "method", true);
    }

    private Req hostilePathRequest() {
        String[] ids = {"..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "..", "%2e%2e", "runner_a%00.txt",
            "runner_a/../../../app.db", "%ff%fe", "%zz", "a".repeat(121), "a".repeat(rnd.nextInt(20_000)),
            "runner_a%0d%0aX-Injected:%201", "%C0%AE%C0%AE%2F", "runner_a?x=1", "runner_a#frag", "", "%",
            "\u00e9", "..;/app.db", "runner_a/.credentials.key"};
        String id = ids[rnd.nextInt(ids.length)];
        String path;
        String method;
        switch (rnd.nextInt(6)) {
            case 0:
                path = "/api/log/" + id;
                method = rnd.nextBoolean() ? "GET" : "DELETE";
                break;
            case 1:
                path = "/static/" + id;
                method = "GET";
                break;
            case 2: {
                String[] limits = {"99999999999999999999999", "-5", "abc", "1e3", "", "%00", "0x10", " 7 ",
                    "1000000"};
                path = "/api/notifications?limit=" + limits[rnd.nextInt(limits.length)] + "&runner_id=" + id
                        + "&delivery=%27%20OR%201%3D1%20--&profile_id=" + id;
                method = "GET";
                break;
            }
            case 3:
                if (eventStreams < 20) {
                    // A few event streams too (their slots are limited, so not thousands).
                    eventStreams++;
                    path = "/api/events?x=" + id;
                } else {
                    path = "/" + id + "/api/state";
                }
                method = "GET";
                break;
            case 4: {
                String[] prefixes = {"/api/runners/", "/api/groups/", "/api/profiles/"};
                path = prefixes[rnd.nextInt(prefixes.length)] + id + (rnd.nextBoolean() ? "?version=1" : "");
                method = rnd.nextBoolean() ? "GET" : "DELETE";
                break;
            }
            default:
                path = "/api/state/" + id;
                method = rnd.nextBoolean() ? "GET" : "POST";
                break;
        }
        return request(method, path, null, new byte[0], "path", true);
    }

    private Req hostileHeaderRequest() {
        String route = POST_ROUTES[rnd.nextInt(POST_ROUTES.length)];
        byte[] body = template(route).toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST " + route + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        String kind;
        boolean halfClose = true;
        switch (rnd.nextInt(13)) {
            case 0:
                kind = "no-content-length";
                break;
            case 1: {
                String[] lengths = {"-1", "abc", "99999999999999999999", "1e3", " ", "0x10", "+5", "1 2",
                    "9223372036854775807"};
                head.append("Content-Length: ").append(lengths[rnd.nextInt(lengths.length)]).append("\r\n");
                kind = "odd-content-length";
                break;
            }
            case 2:
                head.append("Content-Length: ").append(body.length + 1 + rnd.nextInt(1000)).append("\r\n");
                kind = "content-length-longer-than-body";
                break;
            case 3:
                head.append("Content-Length: ").append(rnd.nextInt(Math.max(1, body.length))).append("\r\n");
                kind = "content-length-shorter-than-body";
                break;
            case 4:
                head.append("Content-Length: ").append(body.length).append("\r\n");
                head.append("Content-Length: ").append(rnd.nextInt(body.length + 1)).append("\r\n");
                kind = "duplicate-content-length";
                break;
            case 5:
                head.append("Transfer-Encoding: chunked\r\n");
                body = (Integer.toHexString(body.length) + "\r\n" + new String(body, StandardCharsets.UTF_8)
                        + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
                kind = "chunked";
                break;
            case 6: {
                String[] types = {"text/plain", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=xyz", "application/json; charset=latin1", "application/jsonx",
                    "application/vnd.api+json", "*/*", "", ";;;", "application/json\u0000"};
                head.append("Content-Type: ").append(types[rnd.nextInt(types.length)]).append("\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
                kind = "odd-content-type";
                break;
            }
            case 7:
                head.append("Content-Type: text/plain\r\nContent-Type: application/json\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
                kind = "duplicate-content-type";
                break;
            case 8:
                head.append("X-Long: ").append("y".repeat(rnd.nextBoolean() ? 9000 : 200_000)).append("\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
                kind = "huge-header";
                break;
            case 9:
                for (int i = 0; i < 2000; i++) {
                    head.append("X-H").append(i).append(": v\r\n");
                }
                head.append("Content-Length: ").append(body.length).append("\r\n");
                kind = "many-headers";
                break;
            case 10:
                head.append("No colon in this header line\r\n: empty name\r\nX-Bin: \u00ff\u00fe\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
                kind = "malformed-header-lines";
                break;
            case 11:
                head.append("Authorization: Basic !!!\r\nAuthorization: Bearer x\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
                kind = "odd-authorization";
                break;
            default:
                head.append("Content-Type: application/json\r\nContent-Length: 5000000\r\n");
                body = new byte[5_000_000];
                java.util.Arrays.fill(body, (byte) '[');
                kind = "oversized-body";
                break;
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return new Req("POST", route, out.toByteArray(), kind);
    }

    private Req garbageRequest() {
        byte[] bytes;
        String kind;
        switch (rnd.nextInt(8)) {
            case 0: {
                bytes = new byte[1 + rnd.nextInt(4096)];
                rnd.nextBytes(bytes);
                kind = "random-bytes";
                break;
            }
            case 1:
                bytes = new byte[0];
                kind = "empty";
                break;
            case 2:
                bytes = "GET /api/state".getBytes(StandardCharsets.US_ASCII);
                kind = "unfinished-request-line";
                break;
            case 3:
                bytes = "GET /\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                kind = "http-0.9";
                break;
            case 4:
                bytes = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                kind = "http2-preface";
                break;
            case 5:
                bytes = ("GET /" + "a".repeat(rnd.nextBoolean() ? 10_000 : 300_000) + " HTTP/1.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                kind = "long-uri";
                break;
            case 6:
                bytes = "GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII);
                kind = "unfinished-headers";
                break;
            default:
                bytes = ("GET /api/st\u00ffate\u0000 HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                kind = "binary-in-request-line";
                break;
        }
        return new Req("?", "?", bytes, kind);
    }

    private Req request(String method, String path, String contentType, byte[] body, String kind,
                        boolean withLength) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (withLength && (body.length > 0 || method.equals("POST"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return new Req(method, path, out.toByteArray(), kind);
    }

    // ------------------------------------------------------------------ raw exchange

    /** An answer; status -1 when none came. */
    private record Answer(int status, String body) {
    }

    /** Sends the bytes, ends our side of the connection, reads one answer (only the head of a stream). */
    private Answer exchange(Req req) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(req.bytes);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // The server may answer and close before it read everything (413, 400): read what it said.
            }
            InputStream in = s.getInputStream();
            try {
                String statusLine = line(in);
                if (statusLine == null || !statusLine.startsWith("HTTP/")) {
                    return new Answer(-1, statusLine == null ? "" : statusLine);
                }
                int status = Integer.parseInt(statusLine.split(" ")[1]);
                long length = -1;
                boolean stream = false;
                for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                    String lower = l.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(l.substring(15).strip());
                    } else if (lower.startsWith("content-type:") && lower.contains("text/event-stream")) {
                        stream = true;
                    }
                }
                if (stream || req.method.equals("HEAD")) {
                    return new Answer(status, "");
                }
                byte[] body = length >= 0 ? in.readNBytes((int) Math.min(length, 1_000_000)) : in.readNBytes(1_000_000);
                return new Answer(status, new String(body, StandardCharsets.UTF_8));
            } catch (SocketTimeoutException e) {
                return new Answer(-1, "(timeout)");
            } catch (IOException e) {
                return new Answer(-1, "(" + e.getMessage() + ")");
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }
}
