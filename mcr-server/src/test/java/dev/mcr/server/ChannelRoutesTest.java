package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel types route and the validation of profiles on every route that stores them, through the real server. */
class ChannelRoutesTest {

    private static final String HOOK = """
            {"id": "notify_hook", "name": "Hook", "type": "webhook", "active": true,
             "config": {"url": "https://example.org/hook", "secret": "sig-secret-123"}}""";

    @TempDir
    Path dir;
    ServerFixture f;

    @BeforeEach
    void start() {
        f = ServerFixture.start(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static String state(String profiles) {
        return "{\"notify_profiles\": [" + profiles + "], \"runners\": []}";
    }

    @Test
    void the_channel_types_are_listed_with_their_declared_fields() {
        HttpResponse<String> r = f.get("/api/channels");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode channels = json(r.body()).get("channels");
        assertThat(channels.findValuesAsText("type")).containsExactly("pushover", "webhook", "ntfy", "gotify", "slack",
                "discord", "telegram", "email");
        assertThat(channels.get(1).get("fields").get(0).toString()).isEqualTo(
                "{\"name\":\"url\",\"label\":\"URL\",\"kind\":\"url\",\"required\":true,\"default\":\"\"}");
        assertThat(channels.get(1).get("fields").get(1).get("kind").asText()).isEqualTo("secret");
    }

    @Test
    void a_webhook_secret_is_masked_in_the_state_and_a_bad_profile_is_a_400_naming_the_field_on_every_route() {
        f.saveState(state(HOOK));
        assertThat(f.get("/api/state").body()).contains("\"secret\":\"__SECRET_SET__\"").doesNotContain("sig-secret-123");

        HttpResponse<String> whole = f.post("/api/state", state(HOOK.replace("https://example.org/hook", "gopher://x")));
        assertThat(whole.statusCode()).isEqualTo(400);
        assertThat(whole.body()).contains("the field \\\"url\\\" (URL) must be an http or https URL");

        HttpResponse<String> created = f.post("/api/profiles",
                "{\"id\": \"notify_t\", \"name\": \"T\", \"type\": \"telegram\", \"config\": {\"chat_id\": \"1\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(400);
        assertThat(created.body()).contains("bot_token").doesNotContain("Exception");

        long version = json(f.get("/api/profiles/notify_hook").body()).get("profile").get("version").asLong();
        HttpResponse<String> put = f.send(HttpRequest.newBuilder(f.uri("/api/profiles/notify_hook"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": " + version
                        + ", \"quiet_hours\": {\"from\": \"22:00\", \"to\": \"22:00\"}}")).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
        assertThat(put.body()).contains("quiet_hours.from and quiet_hours.to must differ");

        HttpResponse<String> unknown = f.post("/api/state", state(
                "{\"id\": \"notify_x\", \"name\": \"X\", \"type\": \"pager\", \"config\": {}}"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("the type \\\"pager\\\" is unknown");
        assertThat(f.get("/api/state").body()).contains("\"url\":\"https://example.org/hook\"");
    }

    @Test
    void a_public_url_that_is_not_http_is_refused_naming_the_variable() {
        assertThat(ChannelSettings.publicUrl(Map.of())).isEmpty();
        assertThat(ChannelSettings.publicUrl(Map.of("MCR_PUBLIC_URL", " https://mcr.example.org/ ")))
                .isEqualTo("https://mcr.example.org/");
        assertThatThrownBy(() -> ChannelSettings.publicUrl(Map.of("MCR_PUBLIC_URL", "javascript:alert(1)")))
                .hasMessageStartingWith("Environment variable MCR_PUBLIC_URL must be an absolute http or https URL");
    }
}
