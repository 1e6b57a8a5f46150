package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process with a heartbeat runner of a 2 s period and 1 s grace (the lower bound lowered by the
 * test-only system property {@code mcr.heartbeat.minPeriodS}): silence goes DOWN at a real local server standing in
 * for Pushover, and after a real restart on the same data folder a ping from an HTTP client recovers it.
 */
class HeartbeatProcessTest {

    static final String STATE = "{\"notify_profiles\": [{\"id\": \"notify_p\", \"name\": \"Phone\", \"type\": "
            + "\"pushover\", \"active\": true, \"config\": {\"user_key\": \"u\", \"api_token\": \"t\"}}], "
            + "\"runners\": [{\"id\": \"hb\", \"name\": \"Nightly backup\", \"command\": \"\", \"kind\": \"heartbeat\", "
            + "\"heartbeat\": {\"period_s\": 2, \"grace_s\": 1}, \"alert_cooldown_s\": 3600, \"alert_escalation_s\": 0, "
            + "\"notify_profile_ids\": [\"notify_p\"]}]}";

    @TempDir
    Path dir;
    @RegisterExtension
    final LocalPushover pushover = new LocalPushover();

    private ServerProcess start() throws Exception {
        return ServerProcess.start(dir.resolve("data"), Map.of("MULTI_COMMAND_RUNNER_PUSHOVER_URL", pushover.url()),
                "-Dmcr.heartbeat.minPeriodS=1");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void silence_goes_down_after_period_and_grace_and_a_ping_after_a_restart_recovers() throws Exception {
        String token;
        try (ServerProcess server = start()) {
            server.postOk("/api/state", STATE);
            token = server.getJson("/api/runners/hb/heartbeat").path("ping_token").asText();
            assertThat(token).hasSize(36);
            ServerProcess.await(() -> pushover.messages().stream().anyMatch(m -> m.startsWith("Nightly backup sent no")),
                    Duration.ofSeconds(20), "DOWN after 2 s + 1 s without a ping");
            JsonNode runs = server.getJson("/api/runs?runner_id=hb&state=missed").path("items");
            assertThat(runs.size()).isPositive();
            assertThat(runs.get(0).path("trigger").asText()).isEqualTo("missed");
            server.signal("TERM");
            assertThat(server.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        try (ServerProcess server = start()) {
            assertThat(server.getJson("/api/runners/hb/heartbeat").path("ping_token").asText()).isEqualTo(token);
            HttpResponse<String> ping = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/ping/" + token))
                    .POST(HttpRequest.BodyPublishers.ofString("backup done\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.body()).isEqualTo("OK");
            ServerProcess.await(() -> pushover.messages().stream().anyMatch(m -> m.startsWith("RECOVERY: Nightly")),
                    Duration.ofSeconds(20), "RECOVERY on the ping after the restart");
            assertThat(server.output()).noneMatch(l -> l.contains("ERROR"));
        }
    }
}
