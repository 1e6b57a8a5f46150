package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with a cron runner: a 6-field expression every 2 s runs without a start request, and again after the
 * server was stopped and started on the same folder; its next run is in the status; the preview route answers with
 * the engine's due times; a secret variable is in no answer and no export.
 */
class CronScheduleProcessTest {

    static final String CRON = "runner_cron";
    static final String SECRET = "s3cret-value-4711";
    static final String STATE = "{\"runners\": [{\"id\": \"" + CRON + "\", \"name\": \"cron\", \"command\": "
            + "\"echo \\\"tick $TOKEN\\\"\", \"schedule\": {\"hours\": 0, \"minutes\": 0, \"seconds\": 0, \"cron\": "
            + "\"*/2 * * * * *\"}, \"env\": [{\"name\": \"TOKEN\", \"value\": \"" + SECRET + "\", \"secret\": true}]}]}";

    @TempDir
    Path dir;

    static JsonNode status(ServerProcess server) {
        try {
            return server.getJson("/api/status").path(CRON);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_cron_runner_every_two_seconds_runs_without_a_start_request_and_again_after_a_restart() throws Exception {
        Path data = dir.resolve("data");
        String lastFinish;
        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            server.postOk("/api/state", STATE);
            ServerProcess.await(() -> !status(server).path("last_finish_ts").asText().isEmpty(),
                    Duration.ofSeconds(30), "the cron runner to run without a start request");
            JsonNode s = status(server);
            assertThat(s.path("last_exit_code").asInt()).isZero();
            assertThat(s.path("tail").asText()).contains("tick ***").doesNotContain(SECRET);
            ServerProcess.await(() -> !status(server).path("next_run_ts").asText().isEmpty(), Duration.ofSeconds(10),
                    "the next run time in the status");
            String state = server.get("/api/state").body();
            assertThat(state).contains("\"cron\":\"*/2 * * * * *\"").contains("__SECRET_SET__").doesNotContain(SECRET);
            assertThat(server.get("/api/export").body()).doesNotContain(SECRET);
            assertThat(server.get("/api/log/" + CRON).body()).contains("tick ***").doesNotContain(SECRET);
            lastFinish = status(server).path("last_finish_ts").asText();

            server.signal("TERM");
            assertThat(server.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }

        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            ServerProcess.await(() -> !status(server).path("last_finish_ts").asText().isEmpty(),
                    Duration.ofSeconds(30), "the cron runner to run again after the restart");
            assertThat(status(server).path("last_finish_ts").asText()).isNotEqualTo(lastFinish);
            assertThat(server.output()).noneMatch(l -> l.contains("ERROR"));
        }
        for (Path f : Files.list(data).filter(Files::isRegularFile).toList()) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                    .doesNotContain(SECRET);
        }
    }

    @Test
    void the_preview_route_lists_the_next_due_times_and_refuses_a_bad_expression_with_a_sentence() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), Map.of())) {
            JsonNode ok = server.getJson("/api/cron/preview?expr=" + URLEncoder.encode("0 3 * * *",
                    StandardCharsets.UTF_8) + "&tz=Europe/Berlin&count=3");
            assertThat(ok.path("next")).hasSize(3);
            assertThat(ok.path("next").get(0).asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:00:00[+-]\\d\\d:\\d\\d");

            HttpResponse<String> bad = server.get("/api/cron/preview?expr=" + URLEncoder.encode("61 * * * *",
                    StandardCharsets.UTF_8));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("is not a valid cron expression");
            HttpResponse<String> zone = server.get("/api/cron/preview?expr=%40daily&tz=Nowhere%2FLand");
            assertThat(zone.statusCode()).isEqualTo(400);
            assertThat(zone.body()).contains("is not a known time zone");
            assertThat(server.get("/api/cron/preview").statusCode()).isEqualTo(400);
            assertThat(server.get("/api/cron/preview?expr=%40daily&count=999").statusCode()).isEqualTo(400);
            assertThat(server.post("/api/cron/preview", "{}").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void a_save_with_a_missing_working_directory_is_a_400_naming_the_runner_and_changes_nothing() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), Map.of())) {
            HttpResponse<String> r = server.post("/api/state", "{\"runners\": [{\"id\": \"w\", \"name\": \"Where\", "
                    + "\"command\": \"pwd\", \"working_dir\": \"" + dir.resolve("nope") + "\"}]}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("Runner 'Where' (w), working_dir:");
            assertThat(server.get("/api/state").body()).doesNotContain("\"w\"");
        }
    }
}
