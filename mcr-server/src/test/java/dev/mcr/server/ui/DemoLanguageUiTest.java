package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.Mcr;
import dev.mcr.server.McrServer;
import dev.mcr.server.ServerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original's German demo runners on a first start: an English first page load turns the untouched demo into
 * English (ids and states kept); an edited demo runner is left as the user wrote it.
 */
class DemoLanguageUiTest extends BrowserTestBase {

    @TempDir
    Path demoDir;

    /** Replaces the class's server by one on a fresh folder with the demo seeded, as a first start has it. */
    private void startWithDemo() {
        server.close();
        mcr.close();
        ServerConfig config = ServerConfig.fromEnv(Map.of("DATA_DIR", demoDir.toString(), "PORT", "0",
                "MULTI_COMMAND_RUNNER_SECRET_KEY", "browser-test-passphrase"));
        mcr = config.applyTo(Mcr.builder()).seedDemo(true).build();
        server = McrServer.start(mcr, config);
    }

    @Test
    void an_english_first_visit_shows_the_demo_in_english_and_an_edited_demo_runner_stays_as_written() {
        startWithDemo();
        assertThat(storedRunner("runner1").path("name").asText()).isEqualTo("Passwort-Check-Demo");
        assertThat(api("PUT", "/api/runners/runner_ping_192_168_3_1",
                "{\"name\": \"Mein Ping\", \"version\": 1}").statusCode()).isEqualTo(200);

        openPage();
        waitUntil(d -> "Password check demo".equals(storedRunner("runner1").path("name").asText()),
                "the demo in English");
        JsonNode pw = storedRunner("runner1");
        assertThat(pw.path("command").asText()).contains("echo \"password: examplepassword\"")
                .doesNotContain("passwort");
        assertThat(pw.path("cases").get(0).path("id").asText()).isEqualTo("case_pw");
        assertThat(pw.path("cases").get(0).path("pattern").asText()).isEqualTo("password:\\s*(?P<pw>\\S+)");
        assertThat(pw.path("cases").get(1).path("message_template").asText()).isEqualTo("Password not found");
        waitUntil(d -> text(runnerCard("runner1").findElement(org.openqa.selenium.By.cssSelector(".card-title")))
                .equals("Password check demo"), "the card to follow");
        JsonNode ping = storedRunner("runner_ping_192_168_3_1");
        assertThat(ping.path("name").asText()).as("edited by the user").isEqualTo("Mein Ping");
        assertThat(ping.path("cases").get(0).path("message_template").asText()).isEqualTo("192.168.3.1 ist erreichbar");
    }
}
