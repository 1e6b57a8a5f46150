package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bodies that are too large, have no length or are not JSON get a 4xx and change nothing. */
class RequestLimitsTest {

    @TempDir
    Path dir;
    ServerFixture f;
    String before;

    @BeforeEach
    void start() {
        f = ServerFixture.start(dir.resolve("data"), Map.of("MAX_IMPORT_BYTES", "16384"));
        f.saveState("{\"runners\": [{\"id\": \"r1\", \"name\": \"One\", \"command\": \"echo one\"}]}");
        before = f.get("/api/state").body();
    }

    @AfterEach
    void stop() {
        assertThat(f.get("/api/state").body()).as("the state after the bad request").isEqualTo(before);
        f.close();
    }

    @Test
    void an_import_over_the_limit_is_413_with_the_original_text() {
        String big = "{\"runners\": [], \"pad\": \"" + "x".repeat(20_000) + "\"}";
        HttpResponse<String> r = f.post("/api/import", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r.body()).path("detail").asText()).isEqualTo("Import too large (max 16384 bytes)");
    }

    @Test
    void a_state_over_max_state_bytes_is_413_on_every_route_that_saves_and_nothing_changes() {
        int limit = ServerConfig.DEFAULT_MAX_STATE_BYTES;
        String state = "{\"runners\": [], \"pad\": \"" + "x".repeat(limit) + "\"}";
        for (String[] route : new String[][] {{"/api/state", state},
                {"/api/run", "{\"runner_id\": \"r1\", \"state\": " + state + "}"},
                {"/api/group/run", "{\"group_id\": \"g\", \"state\": " + state + "}"}}) {
            HttpResponse<String> r = f.post(route[0], route[1]);
            assertThat(r.statusCode()).as(route[0]).isEqualTo(413);
            assertThat(json(r.body()).path("detail").asText()).as(route[0])
                    .isEqualTo("The request body is larger than MAX_STATE_BYTES (" + limit + " bytes).");
        }
        assertThat(f.get("/api/state").body()).isEqualTo(before);
    }

    @Test
    void a_state_with_more_runners_or_cases_than_the_limits_is_400_with_a_sentence() {
        String runners = "{\"runners\": [" + "{}, ".repeat(500) + "{}]}";
        HttpResponse<String> r = f.post("/api/state", runners);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("detail").asText())
                .isEqualTo("The state has 501 runners; at most 500 are allowed (MAX_TOTAL_RUNNERS).");

        String cases = "{\"runners\": [{\"id\": \"r1\", \"cases\": [" + "{}, ".repeat(200) + "{}]}]}";
        r = f.post("/api/state", cases);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("detail").asText())
                .isEqualTo("Runner r1 has 201 cases; at most 200 are allowed (MAX_CASES_PER_RUNNER).");
    }

    @Test
    void a_million_runners_or_ten_thousand_cases_are_refused_on_every_route_that_saves() {
        // The attack of the issue: 1 000 000 empty runners took 49 s and 5.4 GB of heap. Now a sentence at once.
        String million = "{\"runners\": [" + "{},".repeat(999_999) + "{}]}";
        String cases = "{\"runners\": [{\"id\": \"r1\", \"cases\": [" + "{},".repeat(9_999) + "{}]}]}";
        for (String state : new String[] {million, cases}) {
            for (String[] route : new String[][] {{"/api/state", state},
                    {"/api/run", "{\"runner_id\": \"r1\", \"state\": " + state + "}"},
                    {"/api/group/run", "{\"group_id\": \"g1\", \"state\": " + state + "}"}}) {
                HttpResponse<String> r = f.post(route[0], route[1]);
                assertThat(r.statusCode()).as(route[0]).isEqualTo(400);
                assertThat(json(r.body()).path("detail").asText()).as(route[0])
                        .matches("(The state has 1000000 runners; at most 500 are allowed \\(MAX_TOTAL_RUNNERS\\)"
                                + "|Runner r1 has 10000 cases; at most 200 are allowed \\(MAX_CASES_PER_RUNNER\\))\\.");
            }
        }
        assertThat(f.status("r1").path("run_count").asInt()).isZero();
    }

    @Test
    void a_body_without_content_length_is_411() {
        byte[] body = "{\"runners\": []}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri("/api/state"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
        assertThat(r.statusCode()).isEqualTo(411);
        assertThat(json(r.body()).path("detail").asText()).isEqualTo("A Content-Length header is required.");
    }

    @Test
    void a_body_shorter_than_its_content_length_is_400() throws Exception {
        try (RawHttp raw = new RawHttp(f.server.port())) {
            raw.write("POST /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"runners\": []}");
            raw.socketShutdownOutput();
            RawHttp.Answer a = raw.read();
            assertThat(a.status()).isEqualTo(400);
            assertThat(json(a.body()).path("detail").asText())
                    .isEqualTo("The request body is shorter than its Content-Length.");
        }
    }

    @Test
    void a_negative_or_garbled_content_length_is_400() throws Exception {
        RawHttp.Answer a = RawHttp.exchange(f.server.port(),
                "POST /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\nConnection: close\r\n\r\n");
        assertThat(a.status()).isEqualTo(400);
        a = RawHttp.exchange(f.server.port(),
                "POST /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\nConnection: close\r\n\r\n");
        assertThat(a.status()).isEqualTo(400);
        assertThat(json(a.body()).path("detail").asText())
                .isEqualTo("The Content-Length header must be a plain number of bytes.");
    }

    @Test
    void malformed_bodies_are_4xx_never_500() {
        String[] bodies = {"", "{", "nul", "{\"runners\": [}", "\"text\"", "12", "[]", "{\"a\": NaN",
                "{\"runners\": [{\"id\": 1}], \"x\": }", "\u0000", "{\"runners\": \"r1\"}", "[".repeat(5000)};
        for (String body : bodies) {
            for (String path : new String[] {"/api/state", "/api/run", "/api/stop", "/api/group/run",
                    "/api/group/stop", "/api/clone_runner", "/api/pushover_test", "/api/import"}) {
                HttpResponse<String> r = f.post(path, body);
                assertThat(r.statusCode()).as(path + " " + body.substring(0, Math.min(20, body.length())))
                        .isBetween(400, 499);
                assertThat(json(r.body()).has("detail") || json(r.body()).has("error")).isTrue();
            }
        }
    }

    @Test
    void routes_that_change_something_refuse_bodies_not_declared_as_json_with_415_and_change_nothing() {
        String[] types = {null, "", "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/merge-patch+json", "application/jsonx", "json"};
        for (String path : new String[] {"/api/state", "/api/import", "/api/run", "/api/stop"}) {
            for (String type : types) {
                HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"runners\": [], \"runner_id\": \"r1\"}"));
                if (type != null) {
                    b.header("Content-Type", type);
                }
                HttpResponse<String> r = f.send(b.build());
                assertThat(r.statusCode()).as(path + " " + type).isEqualTo(415);
                assertThat(json(r.body()).path("detail").asText()).isEqualTo(
                        "A request that changes something must send its body as JSON (Content-Type: application/json).");
            }
        }
        assertThat(f.get("/api/state").body()).isEqualTo(before);
        assertThat(f.status("r1").path("run_count").asInt()).isZero();
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri("/api/stop"))
                .header("Content-Type", "Application/JSON; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"runner_id\": \"r1\"}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void a_delete_without_a_body_needs_no_content_type_but_one_with_a_body_does() throws Exception {
        assertThat(f.delete("/api/notifications").statusCode()).isEqualTo(200);
        RawHttp.Answer a = RawHttp.exchange(f.server.port(), "DELETE /api/notifications HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(a.status()).isEqualTo(415);
    }

    @Test
    void invalid_utf8_in_a_body_is_a_client_error() {
        byte[] body = {'{', '"', 'r', 'u', 'n', 'n', 'e', 'r', '_', 'i', 'd', '"', ':', '"', (byte) 0xff, '"', '}'};
        for (String path : new String[] {"/api/state", "/api/run", "/api/import"}) {
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
            assertThat(r.statusCode()).as(path).isBetween(400, 499).isNotEqualTo(415);
        }
    }

    @Test
    void a_connection_stays_usable_after_a_refused_or_unread_body() throws Exception {
        try (RawHttp raw = new RawHttp(f.server.port())) {
            String pad = "x".repeat(20_000);
            raw.write("POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + pad.length() + "\r\n\r\n" + pad);
            assertThat(raw.read().status()).isEqualTo(413);
            raw.write("GET /api/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(raw.read().status()).isEqualTo(404);
            raw.write("GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Answer a = raw.read();
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo(before);
        }
    }
}
