package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.server.McrServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** A first load that fails, and an event stream that breaks and comes back. */
class ConnectionUiTest extends BrowserTestBase {

    @Test
    void a_failed_first_load_says_why_and_loads_once_the_server_answers_again() {
        saveState(stateOf(runner("runner_a", "Alpha", "echo alpha")));
        // The browser itself refuses the state request: the page sees a real network failure.
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/api/state*")));
        try {
            driver.get(server.url().toString());
            WebElement panel = waitUntil(d -> {
                WebElement p = d.findElement(By.id("loadError"));
                return p.isDisplayed() && text(p).contains("Retrying in") ? p : null;
            }, "the load error");
            assertThat(text(panel)).contains("The page could not load the runners: the server cannot be reached");
            assertThat(driver.findElement(By.id("main")).isDisplayed()).isFalse();
        } finally {
            driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
            driver.executeCdpCommand("Network.disable", Map.of());
        }
        click(driver.findElement(By.id("loadErrorRetry")));
        waitUntil(d -> d.findElement(By.id("main")).isDisplayed(), "the page after the retry");
        assertThat(driver.findElement(By.id("loadError")).isDisplayed()).isFalse();
        assertThat(text(runnerCard("runner_a").findElement(By.cssSelector(".card-title")))).isEqualTo("Alpha");
    }

    @Test
    void a_broken_event_stream_reconnects_with_backoff_and_resynchronizes_the_snapshot() {
        saveState(stateOf(runner("runner_a", "Alpha", "echo missed while offline")));
        openPage();
        int port = server.port();

        server.close();
        waitUntil(d -> !d.findElements(By.cssSelector("#conn.retry")).isEmpty(), "the stream to notice");
        assertThat(text(driver.findElement(By.id("conn")))).startsWith("reconnecting in");
        mcr.start("runner_a");
        waitUntil(d -> mcr.status().get("runner_a") != null && mcr.status().get("runner_a").lastExitCode() != null,
                "the run while the page is offline");

        server = McrServer.start(mcr, config(port));
        waitUntil(d -> !d.findElements(By.cssSelector("#conn.open")).isEmpty(), "the reconnect");
        WebElement card = runnerCard("runner_a");
        waitUntil(d -> text(card.findElement(By.cssSelector("pre.output"))).equals("missed while offline\n"),
                "the snapshot's output");
        assertThat(text(card.findElement(By.cssSelector(".last-exit")))).startsWith("last exit code 0");
        String events = text(driver.findElement(By.id("events")));
        assertThat(events).contains("Live updates interrupted", "Live updates reconnected");
    }
}
