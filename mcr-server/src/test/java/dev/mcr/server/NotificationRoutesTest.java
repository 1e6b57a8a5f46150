package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-send route and the journal routes against a local stand-in for Pushover. */
class NotificationRoutesTest {

    private static final String STATE = """
            {"notify_profiles": [
               {"id": "notify_on", "name": "Phone", "type": "pushover", "active": true,
                "config": {"user_key": "the-user-key", "api_token": "the-api-token"}},
               {"id": "notify_off", "name": "Old phone", "type": "pushover", "active": false,
                "config": {"user_key": "u2", "api_token": "t2"}}],
             "runners": []}
            """;

    @TempDir
    Path dir;
    HttpServer pushover;
    final List<String> received = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicReference<String> answer = new AtomicReference<>("{\"status\":1,\"request\":\"req-1\"}");
    ServerFixture f;

    @BeforeEach
    void start() throws IOException {
        pushover = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pushover.createContext("/1/messages.json", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        pushover.start();
        f = ServerFixture.start(dir, Map.of("MULTI_COMMAND_RUNNER_PUSHOVER_URL",
                "http://127.0.0.1:" + pushover.getAddress().getPort() + "/1/messages.json"));
        f.saveState(STATE);
    }

    @AfterEach
    void stop() {
        f.close();
        pushover.stop(0);
    }

    @Test
    void a_test_send_answers_ok_with_pushovers_result_and_is_journaled() {
        HttpResponse<String> r = f.post("/api/pushover_test", "{\"profile_id\": \"notify_on\", \"message\": \"hi there\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true,\"result\":{\"status\":1,\"request\":\"req-1\"}}");
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).contains("token=the-api-token", "user=the-user-key", "message=hi+there",
                "title=Pushover+Test");

        JsonNode items = json(f.get("/api/notifications").body()).path("items");
        assertThat(items).hasSize(1);
        JsonNode row = items.get(0);
        assertThat(row.fieldNames()).toIterable().containsExactly("ts", "runner_id", "profile_id", "profile_name",
                "delivery", "title", "message", "error");
        assertThat(row.path("runner_id").asText()).isEqualTo("__manual_test__");
        assertThat(row.path("profile_id").asText()).isEqualTo("notify_on");
        assertThat(row.path("delivery").asText()).isEqualTo("success");
        assertThat(row.path("title").asText()).isEqualTo("Pushover Test");
        assertThat(row.path("message").asText()).isEqualTo("hi there");
        assertThat(row.path("error").asText()).isEmpty();
        assertThat(row.path("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d");
    }

    @Test
    void a_blank_message_becomes_the_default_text() {
        f.post("/api/pushover_test", "{\"profile_id\": \"notify_on\"}");
        assertThat(received.get(0)).contains("message=Pushover+Test+OK+%40+");
    }

    @Test
    void a_failed_send_is_400_ok_false_with_the_error() {
        status.set(400);
        answer.set("{\"user\":\"invalid\",\"status\":0}");
        HttpResponse<String> r = f.post("/api/pushover_test", "{\"profile_id\": \"notify_on\", \"message\": \"x\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = json(r.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("ok", "error");
        assertThat(body.path("ok").asBoolean()).isFalse();
        assertThat(body.path("error").asText()).startsWith("HTTP 400");
        assertThat(r.body()).doesNotContain("the-api-token", "the-user-key");
        JsonNode row = json(f.get("/api/notifications?delivery=error").body()).path("items").get(0);
        assertThat(row.path("delivery").asText()).isEqualTo("error");
    }

    @Test
    void unknown_and_inactive_profiles_get_the_originals_ok_false_answers() {
        HttpResponse<String> unknown = f.post("/api/pushover_test", "{\"profile_id\": \"notify_nobody\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"ok\":false,\"error\":\"Profile not found\"}");
        HttpResponse<String> empty = f.post("/api/pushover_test", "{}");
        assertThat(empty.statusCode()).isEqualTo(404);
        HttpResponse<String> inactive = f.post("/api/pushover_test", "{\"profile_id\": \"notify_off\"}");
        assertThat(inactive.statusCode()).isEqualTo(400);
        assertThat(inactive.body())
                .isEqualTo("{\"ok\":false,\"error\":\"Service is inactive. Please activate it first.\"}");
        assertThat(received).isEmpty();
    }

    @Test
    void invalid_test_requests_are_422() {
        HttpResponse<String> r = f.post("/api/pushover_test", "{\"profile_id\": \"../x\"}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r.body()).path("detail").asText()).isEqualTo("Invalid profile id format");
        assertThat(f.post("/api/pushover_test", "{\"profile_id\": \"notify_on\", \"message\": 5}").statusCode())
                .isEqualTo(422);
        assertThat(received).isEmpty();
    }

    @Test
    void the_journal_is_newest_first_filtered_and_limited() {
        for (int i = 1; i <= 3; i++) {
            f.post("/api/pushover_test", "{\"profile_id\": \"notify_on\", \"message\": \"m" + i + "\"}");
        }
        JsonNode all = json(f.get("/api/notifications").body()).path("items");
        assertThat(all).hasSize(3);
        assertThat(all.get(0).path("message").asText()).isEqualTo("m3");
        assertThat(all.get(2).path("message").asText()).isEqualTo("m1");
        assertThat(json(f.get("/api/notifications?limit=2").body()).path("items")).hasSize(2);
        assertThat(json(f.get("/api/notifications?limit=0").body()).path("items")).hasSize(1);
        assertThat(json(f.get("/api/notifications?limit=-7").body()).path("items")).hasSize(1);
        assertThat(json(f.get("/api/notifications?limit=99999999999999999999").body()).path("items")).hasSize(3);
        assertThat(json(f.get("/api/notifications?profile_id=notify_on&delivery=success").body()).path("items"))
                .hasSize(3);
        assertThat(json(f.get("/api/notifications?profile_id=%20notify_on%20").body()).path("items")).hasSize(3);
        assertThat(json(f.get("/api/notifications?runner_id=r1").body()).path("items")).isEmpty();
        assertThat(json(f.get("/api/notifications?delivery=error").body()).path("items")).isEmpty();
        assertThat(json(f.get("/api/notifications?runner_id=&profile_id=").body()).path("items")).hasSize(3);
    }

    @Test
    void a_limit_that_is_not_a_whole_number_is_422() {
        for (String limit : new String[] {"abc", "", "1.5", "5x", "%20"}) {
            HttpResponse<String> r = f.get("/api/notifications?limit=" + limit);
            assertThat(r.statusCode()).as(limit).isEqualTo(422);
            assertThat(json(r.body()).path("detail").asText())
                    .isEqualTo("Query parameter 'limit' must be a whole number.");
        }
    }

    @Test
    void delete_empties_the_journal_and_counts_the_rows() {
        f.post("/api/pushover_test", "{\"profile_id\": \"notify_on\", \"message\": \"a\"}");
        f.post("/api/pushover_test", "{\"profile_id\": \"notify_on\", \"message\": \"b\"}");
        HttpResponse<String> r = f.delete("/api/notifications");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true,\"deleted\":2}");
        assertThat(f.get("/api/notifications").body()).isEqualTo("{\"items\":[]}");
        assertThat(f.delete("/api/notifications").body()).isEqualTo("{\"ok\":true,\"deleted\":0}");
    }
}
