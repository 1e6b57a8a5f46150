package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.access.Role;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.store.AuditEntry;
import dev.mcr.store.AuditQuery;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ping URLs of heartbeat runners and the heartbeat routes through the real server: public pings from curl-shaped
 * requests, their limits, the token's visibility by role, regeneration, and saves of heartbeat runners.
 */
class HeartbeatRoutesTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;
    ServerFixture f;
    Caller edda;
    Caller vic;

    @BeforeEach
    void start() {
        f = ServerFixture.start(dir);
        f.mcr.saveRunner(Runner.builder("backup").name("Backup").heartbeat(Duration.ofHours(1), Duration.ofMinutes(5))
                .onMatch("ERROR", CaseState.DOWN, "Backup logged an error").build());
        f.mcr.access().createUser("edda", null, Role.EDITOR, PASSWORD.toCharArray());
        f.mcr.access().createUser("vic", null, Role.VIEWER, PASSWORD.toCharArray());
        edda = Caller.login(f, "edda", PASSWORD);
        vic = Caller.login(f, "vic", PASSWORD);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private String token() {
        return edda.ok("GET", "/api/runners/backup/heartbeat", null).path("ping_token").asText();
    }

    /** A request as curl sends it: no cookie, no CSRF token, no JSON type. */
    private RawHttp.Answer curl(String method, String path, Map<String, String> headers, String body)
            throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + f.server.port() + "\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return RawHttp.exchange(f.server.port(), head + (body == null ? "" : body));
    }

    private List<JsonNode> runs() {
        JsonNode items = edda.ok("GET", "/api/runs?runner_id=backup", null).path("items");
        List<JsonNode> out = new java.util.ArrayList<>();
        items.forEach(out::add);
        return out;
    }

    @Test
    void a_ping_by_get_or_post_without_credentials_or_json_is_a_run_and_answers_ok_like_healthchecks()
            throws IOException {
        String token = token();
        RawHttp.Answer get = curl("GET", "/ping/" + token, Map.of(), null);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("OK");
        RawHttp.Answer post = curl("POST", "/ping/" + token + "/fail", Map.of("Origin", "https://elsewhere.example",
                "Sec-Fetch-Site", "cross-site"), "rsync: connection refused\n");
        assertThat(post.status()).as(post.body()).isEqualTo(200);
        List<JsonNode> runs = runs();
        assertThat(runs).extracting(r -> r.path("trigger").asText()).containsExactly("heartbeat", "heartbeat");
        assertThat(runs).extracting(r -> r.path("exit_code").asInt()).containsExactly(1, 0);
        assertThat(edda.send("GET", "/api/runs/" + runs.get(0).path("run_id").asText() + "/output", null).body())
                .isEqualTo("rsync: connection refused\n");
        assertThat(curl("PUT", "/ping/" + token, Map.of(), "x").status()).as("like every route not in the table")
                .isEqualTo(401);
    }

    @Test
    void an_unknown_or_malformed_token_is_a_plain_404_that_names_nothing() throws IOException {
        for (String path : List.of("/ping/00000000-0000-4000-8000-000000000000", "/ping/", "/ping/x/start",
                "/ping/" + "a".repeat(500) + "/fail", "/ping/%2e%2e%2fapi%2fstate")) {
            RawHttp.Answer a = curl("GET", path, Map.of(), null);
            assertThat(a.status()).as(path).isEqualTo(404);
            assertThat(a.body()).as(path).isEqualTo("Not Found");
        }
        assertThat(runs()).isEmpty();
    }

    @Test
    void a_body_over_10_kib_is_413_and_records_nothing() throws IOException {
        String token = token();
        assertThat(curl("POST", "/ping/" + token, Map.of(), "x".repeat(10 * 1024 + 1)).status()).isEqualTo(413);
        assertThat(runs()).isEmpty();
        assertThat(curl("POST", "/ping/" + token, Map.of(), "x".repeat(10 * 1024)).status()).isEqualTo(200);
        assertThat(runs()).hasSize(1);
    }

    @Test
    void more_than_60_pings_a_minute_from_one_address_get_429_with_retry_after() throws IOException {
        String token = token();
        for (int i = 0; i < PingRoutes.LIMIT_PER_MINUTE; i++) {
            assertThat(curl("GET", "/ping/" + token, Map.of(), null).status()).isEqualTo(200);
        }
        RawHttp.Answer limited = curl("GET", "/ping/" + token, Map.of(), null);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.headers().get("retry-after"))).isBetween(1, 60);
        assertThat(curl("GET", "/ping/unknown", Map.of(), null).status()).as("unknown tokens count too")
                .isEqualTo(429);
    }

    @Test
    void a_ping_with_a_foreign_host_is_refused_by_the_host_check() throws IOException {
        RawHttp.Answer a = RawHttp.exchange(f.server.port(), "GET /ping/" + token() + " HTTP/1.1\r\nHost: "
                + "evil.example\r\nConnection: close\r\n\r\n");
        assertThat(a.status()).isEqualTo(421);
        assertThat(runs()).isEmpty();
    }

    @Test
    void a_start_and_its_ping_make_one_run_with_a_duration() throws Exception {
        String token = token();
        assertThat(curl("POST", "/ping/" + token + "/start", Map.of(), "").status()).isEqualTo(200);
        assertThat(runs().get(0).path("outcome").asText()).isEqualTo("running");
        Thread.sleep(50); // a real gap between two real requests, so that the duration is above zero
        assertThat(curl("GET", "/ping/" + token, Map.of(), null).status()).isEqualTo(200);
        List<JsonNode> runs = runs();
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).path("outcome").asText()).isEqualTo("success");
        assertThat(runs.get(0).path("duration_ms").asLong()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void regenerate_answers_the_new_token_the_old_one_404s_at_once_and_the_change_is_audited() throws IOException {
        String old = token();
        JsonNode answer = edda.ok("POST", "/api/runners/backup/heartbeat/regenerate", "{}");
        String fresh = answer.path("ping_token").asText();
        assertThat(fresh).isNotEqualTo(old).isEqualTo(token());
        assertThat(curl("GET", "/ping/" + old, Map.of(), null).status()).isEqualTo(404);
        assertThat(curl("GET", "/ping/" + fresh, Map.of(), null).status()).isEqualTo(200);
        List<AuditEntry> audit = f.mcr.access().auditLog(new AuditQuery(5, "edda", "runner.heartbeat.regenerate",
                null));
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).summary()).isEqualTo("ping token: changed").doesNotContain(fresh);
        assertThat(vic.send("POST", "/api/runners/backup/heartbeat/regenerate", "{}").statusCode()).isEqualTo(403);
        assertThat(edda.send("POST", "/api/runners/ghost/heartbeat/regenerate", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void a_viewer_never_sees_the_token_in_state_runner_export_or_heartbeat_route() {
        String token = token();
        assertThat(vic.send("GET", "/api/runners/backup/heartbeat", null).statusCode()).isEqualTo(403);
        for (String path : List.of("/api/state", "/api/runners/backup", "/api/export")) {
            String body = vic.send("GET", path, null).body();
            assertThat(body).as(path).doesNotContain(token).containsPattern("\"kind\": ?\"heartbeat\"");
        }
        assertThat(vic.send("GET", "/api/state", null).body()).contains("\"ping_token\":\"__SECRET_SET__\"");
    }

    @Test
    void the_run_button_of_a_heartbeat_runner_answers_a_sentence() {
        HttpResponse<String> r = edda.send("POST", "/api/run", "{\"runner_id\": \"backup\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.json(r.body()).path("detail").asText()).isEqualTo("Runner 'Backup' is a heartbeat "
                + "check: it runs no command. Its runs are the pings a job sends to its ping URL.");
    }

    @Test
    void hostile_heartbeat_settings_are_400_naming_the_field_and_nothing_is_stored() {
        String stored = edda.send("GET", "/api/runners/backup", null).body();
        JsonNode doc = ServerFixture.json(stored);
        long version = doc.has("version") ? doc.path("version").asLong() : doc.path("runner").path("version").asLong();
        for (String bad : List.of("{\"heartbeat\": {\"period_s\": \"daily\"}}", "{\"heartbeat\": {\"period_s\": 1e3}}",
                "{\"heartbeat\": {\"period_s\": 3}}", "{\"heartbeat\": {\"grace_s\": -1, \"period_s\": 60}}",
                "{\"kind\": 7}", "{\"heartbeat\": \"yes\"}", "{\"heartbeat\": {\"period_s\": 99999999999999999999}}")) {
            String body = bad.replaceFirst("\\{", "{\"version\": " + version + ", ");
            HttpResponse<String> r = edda.send("PUT", "/api/runners/backup", body);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(ServerFixture.json(r.body()).path("detail").asText()).as(bad)
                    .startsWith("Runner 'Backup' (backup), ").containsPattern("kind|heartbeat");
        }
        assertThat(edda.send("GET", "/api/runners/backup", null).body()).isEqualTo(stored);
    }

    @Test
    void the_original_clients_whole_state_save_keeps_kind_heartbeat_and_the_token() throws IOException {
        String token = token();
        HttpResponse<String> saved = edda.send("POST", "/api/state", "{\"notify_profiles\": [], \"runners\": [{\"id\": "
                + "\"backup\", \"name\": \"Backup nightly\", \"command\": \"\", \"logging_enabled\": true, \"schedule\": "
                + "{\"hours\": 0, \"minutes\": 0, \"seconds\": 0}, \"max_runs\": 1, \"alert_cooldown_s\": 300, "
                + "\"alert_escalation_s\": 1800, \"failure_pause_threshold\": 5, \"cases\": [], "
                + "\"notify_profile_ids\": [], \"notify_profile_updates_only\": []}], \"runner_groups\": [], "
                + "\"runner_layout\": [{\"type\": \"runner\", \"id\": \"backup\"}]}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        Runner kept = f.mcr.state().runner("backup").orElseThrow();
        assertThat(kept.name()).isEqualTo("Backup nightly");
        assertThat(kept.isHeartbeat()).isTrue();
        assertThat(kept.heartbeat().period()).isEqualTo(Duration.ofHours(1));
        assertThat(token()).isEqualTo(token);
        assertThat(curl("GET", "/ping/" + token, Map.of(), null).status()).isEqualTo(200);
    }
}
