package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests a hostile web page makes the user's browser send, reproduced byte for byte with raw sockets (a
 * browser would send the same head): cross-site request forgery without a Content-Type, from another origin
 * and from another site, DNS rebinding through the Host header, and framing. Each is refused and changes
 * nothing; the same requests from the page's own origin still work.
 */
class BrowserAttackPathsTest {

    private static final String STATE = "{\"runners\": [{\"id\": \"runner_evil\", \"command\": \"touch %s\"}]}";

    @TempDir
    Path dir;
    @TempDir
    Path markers;

    private ServerFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private ServerFixture start(Map<String, String> env) {
        f = ServerFixture.start(dir, env);
        f.mcr.saveStateJson("{\"runners\": [{\"id\": \"runner_keep\", \"command\": \"true\"}]}".getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private String evilState() {
        return STATE.formatted(markers.resolve("ran"));
    }

    private RawHttp.Answer raw(String method, String path, Map<String, String> headers, String body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return RawHttp.exchange(f.server.port(), head + (body == null ? "" : body));
    }

    private String host() {
        return "127.0.0.1:" + f.server.port();
    }

    /** Nothing was saved, nothing ran, no file was created. */
    private void assertNothingChanged(String stateBefore) throws IOException {
        assertThat(f.get("/api/state").body()).isEqualTo(stateBefore);
        assertThat(f.status("runner_evil").isMissingNode() || f.status("runner_evil").isNull()).isTrue();
        assertThat(f.status("runner_keep").path("run_count").asInt()).isZero();
        assertThat(Files.exists(markers.resolve("ran"))).isFalse();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("run_"));
        }
    }

    @Test
    void a_post_without_content_type_as_fetch_no_cors_or_send_beacon_send_it_gets_415_and_changes_nothing()
            throws IOException {
        start(Map.of());
        String before = f.get("/api/state").body();
        // fetch(url, {method:'POST', mode:'no-cors', body: new Blob([json])}) and sendBeacon(url, blob) send no type.
        for (String[] route : new String[][] {{"/api/state", evilState()},
                {"/api/run", "{\"runner_id\": \"runner_evil\", \"state\": " + evilState() + "}"},
                {"/api/import", evilState()}, {"/api/stop", "{\"runner_id\": \"runner_keep\"}"},
                {"/api/clone_runner", "{\"runner_id\": \"runner_keep\"}"}}) {
            RawHttp.Answer a = raw("POST", route[0], Map.of("Host", host()), route[1]);
            assertThat(a.status()).as(route[0]).isEqualTo(415);
            assertThat(json(a.body()).path("detail").asText()).contains("Content-Type: application/json");
            // A text/plain form POST (the only other way a cross-site form can carry JSON) is refused alike.
            a = raw("POST", route[0], Map.of("Host", host(), "Content-Type", "text/plain"), route[1]);
            assertThat(a.status()).as(route[0]).isEqualTo(415);
        }
        assertNothingChanged(before);
    }

    @Test
    void a_request_whose_origin_is_another_page_gets_403_even_with_a_json_type_and_valid_credentials()
            throws IOException {
        start(Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "admin", "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "pw-123"));
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:pw-123".getBytes());
        String before = f.send(HttpRequest.newBuilder(f.uri("/api/state")).header("Authorization", auth).build()).body();
        List<Map<String, String>> hostile = List.of(
                Map.of("Origin", "http://evil.example"),
                Map.of("Origin", "http://127.0.0.1:1"),
                Map.of("Origin", "null"),
                Map.of("Sec-Fetch-Site", "cross-site"),
                Map.of("Sec-Fetch-Site", "same-site"),
                Map.of("Origin", "http://" + host(), "Sec-Fetch-Site", "same-site"));
        for (Map<String, String> extra : hostile) {
            for (String[] route : new String[][] {{"POST", "/api/state", evilState()},
                    {"POST", "/api/run", "{\"runner_id\": \"runner_evil\", \"state\": " + evilState() + "}"},
                    {"POST", "/api/import", evilState()}, {"GET", "/api/state", null}, {"GET", "/api/log/runner_keep", null},
                    {"DELETE", "/api/notifications", null}}) {
                Map<String, String> headers = new java.util.LinkedHashMap<>(extra);
                headers.put("Host", host());
                headers.put("Authorization", auth);
                if (route[2] != null) {
                    headers.put("Content-Type", "application/json");
                }
                RawHttp.Answer a = raw(route[0], route[1], headers, route[2]);
                assertThat(a.status()).as(route[0] + " " + route[1] + " " + extra).isEqualTo(403);
                assertThat(a.body()).doesNotContain("runner_keep");
            }
        }
        assertThat(f.send(HttpRequest.newBuilder(f.uri("/api/state")).header("Authorization", auth).build()).body())
                .isEqualTo(before);
        assertThat(Files.exists(markers.resolve("ran"))).isFalse();

        // The page's own requests: same origin, as a browser sends them.
        RawHttp.Answer ok = raw("POST", "/api/stop", Map.of("Host", host(), "Authorization", auth,
                "Origin", "http://" + host(), "Sec-Fetch-Site", "same-origin", "Content-Type",
                "application/json; charset=utf-8"), "{\"runner_id\": \"runner_keep\"}");
        assertThat(ok.status()).isEqualTo(200);
        ok = raw("GET", "/api/state", Map.of("Host", "localhost:" + f.server.port(), "Authorization", auth,
                "Sec-Fetch-Site", "same-origin"), null);
        assertThat(ok.status()).isEqualTo(200);
        // A page opened from a bookmark or another site's link may load; framing is refused by the headers.
        ok = raw("GET", "/", Map.of("Host", host(), "Authorization", auth, "Sec-Fetch-Site", "cross-site"), null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("x-frame-options")).isEqualTo("DENY");
    }

    @Test
    void a_host_header_that_names_another_server_gets_421_and_no_data() throws IOException {
        start(Map.of());
        String before = f.get("/api/state").body();
        for (String badHost : List.of("attacker.example", "attacker.example:" + f.server.port(), "rebind.test:80",
                "localhost.attacker.example", "127.0.0.1.nip.io", "[::2]", "x y", "")) {
            for (String[] route : new String[][] {{"GET", "/api/state", null}, {"GET", "/", null},
                    {"GET", "/api/events", null}, {"GET", "/static/app.js", null},
                    {"POST", "/api/state", evilState()},
                    {"POST", "/api/run", "{\"runner_id\": \"runner_evil\", \"state\": " + evilState() + "}"}}) {
                Map<String, String> headers = new java.util.LinkedHashMap<>();
                headers.put("Host", badHost);
                if (route[2] != null) {
                    headers.put("Content-Type", "application/json");
                }
                RawHttp.Answer a = raw(route[0], route[1], headers, route[2]);
                assertThat(a.status()).as(badHost + " " + route[1]).isIn(400, 421);
                assertThat(a.body()).doesNotContain("runner_keep").doesNotContain("import");
                assertThat(json(a.body()).path("detail").asText()).isNotBlank();
            }
        }
        RawHttp.Answer a = raw("GET", "/api/state", Map.of("Host", "attacker.example:" + f.server.port()), null);
        assertThat(a.status()).isEqualTo(421);
        assertThat(json(a.body()).path("detail").asText()).contains("MCR_ALLOWED_HOSTS");
        assertNothingChanged(before);
        for (String good : List.of("127.0.0.1:" + f.server.port(), "localhost:" + f.server.port(), "LOCALHOST",
                "[::1]:" + f.server.port(), "127.0.0.1")) {
            assertThat(raw("GET", "/api/state", Map.of("Host", good), null).status()).as(good).isEqualTo(200);
        }
    }

    @Test
    void names_in_mcr_allowed_hosts_are_answered_and_a_star_turns_the_check_off() throws IOException {
        start(Map.of("MCR_ALLOWED_HOSTS", " mcr.lan , proxy.example:8443 "));
        assertThat(raw("GET", "/api/state", Map.of("Host", "mcr.lan:" + f.server.port()), null).status()).isEqualTo(200);
        assertThat(raw("GET", "/api/state", Map.of("Host", "MCR.LAN"), null).status()).isEqualTo(200);
        assertThat(raw("GET", "/api/state", Map.of("Host", "proxy.example:8443"), null).status()).isEqualTo(200);
        assertThat(raw("GET", "/api/state", Map.of("Host", "proxy.example:9000"), null).status()).isEqualTo(421);
        assertThat(raw("GET", "/api/state", Map.of("Host", "other.lan"), null).status()).isEqualTo(421);
        // The page's own origin on that name passes the origin check too.
        RawHttp.Answer a = raw("POST", "/api/stop", Map.of("Host", "mcr.lan:" + f.server.port(), "Origin",
                "http://mcr.lan:" + f.server.port(), "Content-Type", "application/json"), "{\"runner_id\": \"runner_keep\"}");
        assertThat(a.status()).isEqualTo(200);
        f.close();
        f = null;
        start(Map.of("MCR_ALLOWED_HOSTS", "*"));
        assertThat(raw("GET", "/api/state", Map.of("Host", "anything.example"), null).status()).isEqualTo(200);
    }

    @Test
    void every_answer_carries_the_security_headers_and_api_answers_are_never_stored() throws IOException {
        start(Map.of());
        List<RawHttp.Answer> answers = List.of(
                raw("GET", "/", Map.of("Host", host()), null),
                raw("GET", "/static/app.js", Map.of("Host", host()), null),
                raw("GET", "/api/state", Map.of("Host", host()), null),
                raw("GET", "/api/nothing", Map.of("Host", host()), null),
                raw("POST", "/api/state", Map.of("Host", host()), "{}"),
                raw("GET", "/api/state", Map.of("Host", "evil.example"), null),
                RawHttp.exchange(f.server.port(), "GET /api/state HTTP/1.1\r\nHost: " + host() + "\r\nX\rY: 1\r\n\r\n"));
        for (RawHttp.Answer a : answers) {
            String csp = a.header("content-security-policy");
            assertThat(csp).as("status " + a.status()).isNotNull().contains("frame-ancestors 'none'")
                    .contains("default-src 'self'");
            String scriptSrc = csp.substring(csp.indexOf("script-src"));
            scriptSrc = scriptSrc.substring(0, scriptSrc.indexOf(';'));
            assertThat(scriptSrc).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(a.header("x-frame-options")).isEqualTo("DENY");
            assertThat(a.header("referrer-policy")).isEqualTo("no-referrer");
            assertThat(a.header("cross-origin-opener-policy")).isEqualTo("same-origin");
            assertThat(a.header("cross-origin-resource-policy")).isEqualTo("same-origin");
            assertThat(a.header("x-content-type-options")).isEqualTo("nosniff");
        }
        assertThat(answers.get(2).header("cache-control")).isEqualTo("no-store");
        assertThat(answers.get(3).header("cache-control")).isEqualTo("no-store");
        assertThat(answers.get(4).header("cache-control")).isEqualTo("no-store");
        // The event stream too.
        try (RawHttp sse = new RawHttp(f.server.port())) {
            sse.write("GET /api/events HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
            RawHttp.Answer head = sse.readHead();
            assertThat(head.header("cache-control")).isEqualTo("no-store");
            assertThat(head.header("x-frame-options")).isEqualTo("DENY");
            assertThat(head.header("content-security-policy")).contains("frame-ancestors 'none'");
        }
    }

    @Test
    void the_csp_allows_exactly_the_inline_import_map_of_the_page_by_its_hash() throws Exception {
        start(Map.of());
        HttpResponse<String> page = f.get("/");
        String html = page.body();
        int open = html.indexOf("<script type=\"importmap\">");
        String map = html.substring(html.indexOf('>', open) + 1, html.indexOf("</script>", open));
        String hash = java.util.Base64.getEncoder().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(map.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("script-src 'self' 'sha256-" + hash + "';");
    }
}
