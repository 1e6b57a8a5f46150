package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile bodies, paths and queries against the routes of users, sessions, tokens, the audit log and the key rotation,
 * sent by a logged-in admin to the real server: none gets a 5xx, the server stays up, a rejected request changes no
 * user and no token, and the audit chain still verifies at the end. (HostileInputFuzzTest covers every route without
 * users, where these routes would lock the fuzzer out.)
 *
 * <p>Seeded like HostileInputFuzzTest: {@code -Dmcr.fuzz.seed=<seed>} replays, {@code -Dmcr.fuzz.access.requests=<n>}
 * changes how many requests are sent. Passwords are hashed with 600 000 PBKDF2 rounds, so the count stays modest.
 */
class AccessInputFuzzTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String ADMIN = "fuzzadmin";
    private static final String ADMIN_PASSWORD = "a long fuzzing passphrase 42";
    private static final String[] NAMES = {"", " ", "bob", "Bob", "fuzzer_1", "../admin", "a/b", "%2e%2e", "\u0000",
        "\u00e9l\u00e8ve", "\ud83d\ude00", "x".repeat(200), "<script>", "admin\n", "null", "__SECRET_SET__"};
    private static final String[] ROLES = {"viewer", "operator", "editor", "admin", "ADMIN", "root", "", " admin"};
    private static final String[] PASSWORDS = {"", "short", "password1234", "correct horse battery staple",
        "qwertyuiopasdf", "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
        "p".repeat(5000), "\ud83d\ude00".repeat(12)};
    private static final String[] QUERIES = {"", "?limit=5", "?limit=-1", "?limit=99999999999", "?limit=abc",
        "?actor=%00", "?action=login.failed&target=../x", "?limit=1e9", "?actor=" + "a".repeat(5000), "?limit="};

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Random rnd;
    private int port;
    private String cookie;
    private String csrf;

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hostile_requests_to_the_access_routes_get_no_5xx_and_rejected_ones_change_no_user_or_token()
            throws Exception {
        long seed = Long.getLong("mcr.fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("mcr.fuzz.access.requests", 500);
        System.out.println("AccessInputFuzzTest seed=" + seed + " requests=" + requests
                + " (replay with -Dmcr.fuzz.seed=" + seed + ")");
        rnd = new Random(seed);
        Map<String, Integer> statusCounts = new TreeMap<>();
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"),
                Map.of("MULTI_COMMAND_RUNNER_SECRET_KEY", "access-fuzz-passphrase"))) {
            port = server.port();
            ObjectNode setup = F.objectNode().put("username", ADMIN).put("password", ADMIN_PASSWORD);
            HttpResponse<String> first = send("POST", "/api/setup", setup.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            remember(first);
            String before = snapshot();
            for (int i = 0; i < requests; i++) {
                Req req = next();
                HttpResponse<String> a = send(req.method, req.path, req.body);
                String where = "request " + i + " (seed " + seed + "): " + req.method + " " + abbreviate(req.path)
                        + " " + abbreviate(new String(req.body, StandardCharsets.UTF_8)) + " -> " + a.statusCode()
                        + " " + abbreviate(a.body());
                statusCounts.merge(Integer.toString(a.statusCode()), 1, Integer::sum);
                assertThat(a.statusCode()).as(where).isLessThan(500);
                if (a.statusCode() >= 200 && a.statusCode() < 300) {
                    before = snapshot();
                    continue;
                }
                if (a.statusCode() == 401) {
                    // A failed login answers 401; the fuzzer's own session must live on (no path names it).
                    HttpResponse<String> me = send("GET", "/api/me", new byte[0]);
                    assertThat(me.statusCode()).as("the fuzzer's session after " + where).isEqualTo(200);
                }
                assertThat(snapshot()).as("users and tokens after rejected " + where).isEqualTo(before);
            }
            HttpResponse<String> verify = send("GET", "/api/audit/verify", new byte[0]);
            assertThat(verify.statusCode()).isEqualTo(200);
            assertThat(ServerFixture.JSON.readTree(verify.body()).path("ok").asBoolean()).as(verify.body()).isTrue();
            assertThat(server.process.isAlive()).isTrue();
            System.out.println("AccessInputFuzzTest answers by status: " + statusCounts);
            assertThat(server.output()).as("server log").noneMatch(l -> l.contains("ERROR")
                    || l.contains("Exception") || l.contains("\tat ") || l.contains(ADMIN_PASSWORD));
        }
    }

    /** The users (name, role, disabled) and tokens (id, name, role) the admin sees. */
    private String snapshot() throws Exception {
        JsonNode users = ServerFixture.JSON.readTree(send("GET", "/api/users", new byte[0]).body());
        JsonNode tokens = ServerFixture.JSON.readTree(send("GET", "/api/tokens", new byte[0]).body());
        List<String> out = new ArrayList<>();
        users.path("users").forEach(u -> out.add("user " + u.path("name").asText() + " " + u.path("role").asText()
                + " " + u.path("disabled").asText() + " " + u.path("display_name").asText()));
        tokens.path("tokens").forEach(t -> out.add("token " + t.path("id").asText() + " " + t.path("name").asText()
                + " " + t.path("role").asText()));
        return String.join("\n", out);
    }

    private void remember(HttpResponse<String> loggedIn) throws Exception {
        cookie = loggedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        csrf = ServerFixture.JSON.readTree(loggedIn.body()).path("csrf_token").asText();
    }

    private HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > 0) {
            b.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            b.header("Cookie", cookie).header("X-CSRF-Token", csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ request generation

    private record Req(String method, String path, byte[] body) {
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private String pathName() {
        String n = pick(NAMES);
        // Never the fuzzer's own account in a path: disabling or deleting it would end the run, not test the server.
        return java.net.URLEncoder.encode(n, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Req next() {
        int k = rnd.nextInt(11);
        switch (k) {
            case 0:
                return new Req("POST", "/api/login", body(F.objectNode().put("username", pick(NAMES))
                        .put("password", pick(PASSWORDS))));
            case 1:
                return new Req("POST", "/api/setup", body(F.objectNode().put("username", pick(NAMES))
                        .put("password", pick(PASSWORDS))));
            case 2:
                return new Req("POST", "/api/users", body(F.objectNode().put("name", pick(NAMES))
                        .put("role", pick(ROLES)).put("password", pick(PASSWORDS))
                        .put("display_name", pick(NAMES))));
            case 3:
                return new Req("PUT", "/api/users/" + pathName(), body(F.objectNode().put("role", pick(ROLES))
                        .put("disabled", rnd.nextBoolean()).put("display_name", pick(NAMES))));
            case 4:
                return new Req("DELETE", "/api/users/" + pathName(), new byte[0]);
            case 5: {
                ObjectNode t = F.objectNode().put("name", pick(NAMES)).put("role", pick(ROLES));
                switch (rnd.nextInt(4)) {
                    case 0 -> t.put("expires_in_s", rnd.nextLong());
                    case 1 -> t.put("expires_in_s", "3600");
                    case 2 -> t.put("expires_in_s", 1.5);
                    default -> t.put("expires_in_s", 60);
                }
                return new Req("POST", "/api/tokens", body(t));
            }
            case 6:
                return new Req("DELETE", "/api/tokens/" + pathName(), new byte[0]);
            case 7:
                return new Req("DELETE", "/api/sessions/" + pathName(), new byte[0]);
            case 8:
                return new Req("GET", pick(new String[] {"/api/audit", "/api/audit/export", "/api/sessions",
                    "/api/tokens", "/api/users"}) + pick(QUERIES), new byte[0]);
            case 9:
                return new Req("POST", "/api/admin/rotate-key", rnd.nextBoolean() ? "{}".getBytes(StandardCharsets.UTF_8)
                        : mangled());
            default:
                return new Req(pick(new String[] {"POST", "PUT"}), pick(new String[] {"/api/users",
                    "/api/users/" + pathName(), "/api/tokens", "/api/login", "/api/setup"}), mangled());
        }
    }

    private static byte[] body(ObjectNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A body of the wrong shape: wrong types, arrays, truncated or deeply nested JSON, invalid UTF-8. */
    private byte[] mangled() {
        switch (rnd.nextInt(7)) {
            case 0:
                return "[]".getBytes(StandardCharsets.UTF_8);
            case 1:
                return "{\"username\": 5, \"password\": [], \"name\": {}, \"role\": null}".getBytes(StandardCharsets.UTF_8);
            case 2:
                return "{\"name\": \"x\", \"role\": \"admin\"".getBytes(StandardCharsets.UTF_8);
            case 3:
                return ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
            case 4:
                return new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            case 5:
                return ("{\"name\": \"" + "n".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            default:
                return "{\"disabled\": \"yes\", \"expires_in_s\": -5, \"display_name\": 7}".getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
