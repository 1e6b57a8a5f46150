package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The heartbeat check on the runner card in a real Chromium against a real server: the kind chooser hides the
 * command, the saved check shows its ping URL with a copy button and curl examples, a ping shows as the last ping,
 * and Regenerate (after the confirm dialog) replaces the URL while the old one answers 404.
 */
class HeartbeatUiTest extends BrowserTestBase {

    private String urlOf(WebElement card) {
        return card.findElement(By.cssSelector("[data-role='ping-url']")).getAttribute("value");
    }

    @Test
    void a_runner_becomes_a_heartbeat_check_shows_its_ping_url_with_curl_and_regenerate_replaces_it() throws Exception {
        saveState(stateOf(runner("runner_hb", "Backup", "echo x")));
        openPage();
        WebElement card = runnerCard("runner_hb");
        WebElement command = field(card, "command");
        assertThat(command.isDisplayed()).isTrue();

        choose(field(card, "kind"), "heartbeat");
        assertThat(command.isDisplayed()).as("the command is hidden for a heartbeat check").isFalse();
        assertThat(field(card, "hb-period").getAttribute("value")).isEqualTo("86400");
        type(field(card, "hb-period"), "3600");
        type(field(card, "hb-grace"), "300");
        WebElement msg = card.findElement(By.cssSelector("[data-role='heartbeat-msg']"));
        assertThat(text(msg)).isEqualTo("Save the runner to get its ping URL.");
        click(act(card, "save"));
        waitUntil(d -> "heartbeat".equals(storedRunner("runner_hb").path("kind").asText()), "the saved kind");
        JsonNode stored = storedRunner("runner_hb").path("heartbeat");
        assertThat(stored.path("period_s").asInt()).isEqualTo(3600);
        assertThat(stored.path("grace_s").asInt()).isEqualTo(300);
        assertThat(stored.path("ping_token").asText()).isEqualTo("__SECRET_SET__");

        String base = "http://127.0.0.1:" + server.port() + "/ping/";
        waitUntil(d -> urlOf(card).startsWith(base), "the ping URL from the page's origin");
        String url = urlOf(card);
        assertThat(url.substring(base.length())).matches("[0-9a-f-]{36}");
        String curl = text(card.findElement(By.cssSelector("[data-role='curl-example']")));
        assertThat(curl).contains("curl -fsS -m 10 --retry 5 " + url + "\n")
                .contains("curl -fsS -m 10 --retry 5 " + url + "/start")
                .contains("--data-binary @- \"" + url + "$s\"").contains("s=/fail");
        assertThat(act(card, "run").isEnabled()).as("a heartbeat check runs no command").isFalse();
        assertThat(act(card, "run").getAttribute("title")).startsWith("A heartbeat check runs no command");

        click(act(card, "copy-ping-url"));
        waitUntil(d -> Boolean.TRUE.equals(js("const e = arguments[0]; return document.activeElement === e"
                + " && e.selectionStart === 0 && e.selectionEnd === e.value.length",
                card.findElement(By.cssSelector("[data-role='ping-url']")))), "the URL selected by the copy button");
        waitUntil(d -> text(msg).equals("The ping URL was copied.")
                || text(msg).startsWith("Copying failed: the URL is selected"), "the copy's answer");

        WebElement times = card.findElement(By.cssSelector("[data-role='heartbeat-times']"));
        assertThat(text(times)).startsWith("Last ping: —. Next ping expected by: ");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("OK");
        waitUntil(d -> !text(times).startsWith("Last ping: —"), "the ping on the card");
        assertNoSeriousAxeViolations("the heartbeat card");

        click(act(card, "regenerate-ping"));
        confirm();
        waitUntil(d -> !urlOf(card).equals(url) && urlOf(card).startsWith(base), "the new ping URL");
        assertThat(text(msg)).isEqualTo("A new ping URL was made; the old one no longer works.");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(urlOf(card))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        screenshot("heartbeat-card.png");
    }

    @Test
    void a_silent_heartbeat_check_turns_its_health_badge_down_and_a_ping_turns_it_up_again() throws Exception {
        // The server runs in this JVM: the test-only lower bound lets the check go silent within seconds.
        System.setProperty("mcr.heartbeat.minPeriodS", "1");
        try {
            saveState(stateOf(runner("runner_hb", "Backup", "")).replace("\"command\":\"\"",
                    "\"command\":\"\",\"kind\":\"heartbeat\",\"heartbeat\":{\"period_s\":1,\"grace_s\":3}"));
        } finally {
            System.clearProperty("mcr.heartbeat.minPeriodS");
        }
        openPage();
        WebElement card = runnerCard("runner_hb");
        WebElement badge = card.findElement(By.cssSelector("[data-role='health']"));
        waitUntil(d -> text(badge).equals("DOWN"), "DOWN after 1 s + 3 s without a ping");
        // The missed ping is a run of its own kind in the strip (an outline in the failure colour), named as such.
        WebElement missed = waitUntil(d -> card.findElements(By.cssSelector(".run-cell.k-missed")).stream().findFirst()
                .orElse(null), "the missed run in the strip");
        assertThat(missed.getAttribute("aria-label")).contains("missed (no ping in time)");
        String url = waitUntil(d -> urlOf(card).isEmpty() ? null : urlOf(card), "the ping URL");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        waitUntil(d -> text(badge).equals("UP"), "UP on the ping");
    }
}
