package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.macasaet.fernet.Key;
import dev.mcr.error.InvalidInputException;
import dev.mcr.model.NotifyProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel declarations through the facade and a real SQLite file: secrets by declaration encrypted at rest,
 * masked in the state, kept by a save of the original client, re-encrypted by a key rotation; profiles validated
 * against their type; quiet hours kept.
 */
class McrChannelsTest {

    static final String HOOK_SECRET = "whsec-very-secret-1";
    static final String AUTH = "Bearer tok-very-secret-2";
    static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/very-secret-3";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    Mcr open(String key) {
        return Mcr.builder().dataDir(dir).seedDemo(false).secretKey(key).build();
    }

    /** A whole state as the original client saves it: every list, no versions, the config as it knows it. */
    static byte[] originalSave(String profilesJson) {
        return ("{\"notify_profiles\":[" + profilesJson + "],\"runners\":[],\"runner_groups\":[],\"runner_layout\":[]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static final String HOOK = "{\"id\":\"notify_hook\",\"name\":\"Hook\",\"type\":\"webhook\",\"active\":true,"
            + "\"config\":{\"url\":\"https://example.org/hook\",\"secret\":\"" + HOOK_SECRET + "\","
            + "\"headers\":{\"Authorization\":\"" + AUTH + "\"}},"
            + "\"quiet_hours\":{\"from\":\"22:00\",\"to\":\"07:00\",\"time_zone\":\"Europe/Berlin\",\"down_breaks_through\":true}}";
    static final String SLACK = "{\"id\":\"notify_slack\",\"name\":\"Slack\",\"type\":\"slack\",\"active\":true,"
            + "\"config\":{\"webhook_url\":\"" + SLACK_URL + "\"}}";

    String storedProfiles() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT json FROM mcr_profiles UNION ALL SELECT json FROM state")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void declared_secrets_are_encrypted_on_disk_masked_in_the_state_and_kept_by_a_masked_save_of_the_original_client()
            throws Exception {
        try (Mcr mcr = open(null)) {
            mcr.saveStateJson(originalSave(HOOK + "," + SLACK));

            String disk = storedProfiles();
            assertThat(disk).doesNotContain(HOOK_SECRET, "tok-very-secret-2", "very-secret-3").contains("enc:v1:")
                    .contains("https://example.org/hook");
            JsonNode state = json.readTree(mcr.clientStateJson());
            JsonNode hookCfg = state.get("notify_profiles").get(0).get("config");
            assertThat(hookCfg.get("secret").asText()).isEqualTo("__SECRET_SET__");
            assertThat(hookCfg.get("headers").asText()).isEqualTo("__SECRET_SET__");
            assertThat(hookCfg.get("url").asText()).isEqualTo("https://example.org/hook");
            assertThat(state.get("notify_profiles").get(1).get("config").get("webhook_url").asText())
                    .isEqualTo("__SECRET_SET__");

            // The original client sends back what it got, without quiet_hours, which it does not know.
            mcr.saveStateJson(originalSave("{\"id\":\"notify_hook\",\"name\":\"Hook 2\",\"type\":\"webhook\","
                    + "\"active\":true,\"config\":{\"url\":\"https://example.org/hook\",\"secret\":\"__SECRET_SET__\","
                    + "\"headers\":\"__SECRET_SET__\"}}," + SLACK.replace(SLACK_URL, "__SECRET_SET__")));

            NotifyProfile hook = mcr.state().profile("notify_hook").orElseThrow();
            assertThat(hook.name()).isEqualTo("Hook 2");
            assertThat(hook.configValue("secret")).isEqualTo(HOOK_SECRET);
            assertThat(json.readTree(hook.configValue("headers")).get("Authorization").asText()).isEqualTo(AUTH);
            assertThat(hook.extra().get("quiet_hours")).isEqualTo(Map.of("from", "22:00", "to", "07:00",
                    "time_zone", "Europe/Berlin", "down_breaks_through", true));
            assertThat(mcr.state().profile("notify_slack").orElseThrow().configValue("webhook_url")).isEqualTo(SLACK_URL);
        }
    }

    @Test
    void a_profile_that_its_type_does_not_accept_is_refused_naming_the_field_and_nothing_is_stored() throws Exception {
        try (Mcr mcr = open(null)) {
            assertThatThrownBy(() -> mcr.saveStateJson(originalSave(
                    "{\"id\":\"notify_hook\",\"name\":\"Hook\",\"type\":\"webhook\",\"config\":{\"url\":\"ftp://x/y\"}}")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("Service \"Hook\" (notify_hook): the field \"url\" (URL) must be an http or https URL, "
                            + "for example https://example.org/hook.");
            assertThatThrownBy(() -> mcr.saveStateJson(originalSave(
                    "{\"id\":\"notify_t\",\"name\":\"T\",\"type\":\"telegram\",\"config\":{\"chat_id\":\"1\"}}")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("the field \"bot_token\" (Bot token) is required.");
            assertThatThrownBy(() -> mcr.saveStateJson(originalSave(
                    "{\"id\":\"notify_f\",\"name\":\"F\",\"type\":\"fax\",\"config\":{}}")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("the type \"fax\" is unknown; known types: pushover, webhook, ntfy");
            assertThatThrownBy(() -> mcr.saveStateJson(originalSave(HOOK.replace("\"22:00\"", "\"late\""))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("quiet_hours.from must be a time like \"22:00\"");
            assertThatThrownBy(() -> mcr.saveStateJson(originalSave(HOOK.replace(
                    "{\"Authorization\"", "{\"Content-Length\":\"1\",\"Authorization\""))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("the field \"headers\" must not set the header Content-Length");
            assertThat(mcr.state().notifyProfiles()).isEmpty();
            // An empty Pushover service, as the original client creates one, is still accepted.
            mcr.saveStateJson(originalSave("{\"id\":\"notify_p\",\"name\":\"P\",\"type\":\"pushover\",\"config\":{}}"));
            assertThat(mcr.state().notifyProfiles()).hasSize(1);
        }
    }

    @Test
    void a_key_rotation_reencrypts_the_declared_secrets_of_every_channel() throws Exception {
        String oldKey = Key.generateKey().serialise();
        String newKey = Key.generateKey().serialise();
        try (Mcr mcr = open(oldKey)) {
            mcr.saveStateJson(originalSave(HOOK + "," + SLACK));
        }
        try (Mcr mcr = open(newKey + "," + oldKey)) {
            KeyRotation done = mcr.rotateKeys();

            assertThat(done.reencrypted()).isEqualTo(3);
            assertThat(done.complete()).isTrue();
        }
        try (Mcr mcr = open(newKey)) {
            assertThat(mcr.state().profile("notify_slack").orElseThrow().configValue("webhook_url")).isEqualTo(SLACK_URL);
            assertThat(mcr.state().profile("notify_hook").orElseThrow().configValue("secret")).isEqualTo(HOOK_SECRET);
        }
    }
}
