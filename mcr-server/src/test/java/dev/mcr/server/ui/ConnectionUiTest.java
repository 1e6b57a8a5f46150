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

    @Test
    void the_stream_text_cut_at_any_place_gives_the_same_messages_and_a_cut_off_message_never_joins_the_next() {
        openPage();
        // Every message shape of text/event-stream the page may meet: one data line, several, a comment, CRLF.
        String stream = "data: {\"a\": 1}\n\n: keep-alive\n\ndata: {\"b\":\ndata: 2}\n\nevent: x\r\ndata:{\"c\": 3}\r\n\r\n"
                + "data: {\"d\": \"\u00e9\u4e2d\"}\n\n";
        @SuppressWarnings("unchecked")
        List<Object> cuts = (List<Object>) driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const text = arguments[0];"
                + "import('/static/live.js').then(m => { const out = [];"
                + " for (let cut = 0; cut <= text.length; cut += 1) { const p = new m.SseParser();"
                + "  const got = []; let d;"
                + "  p.feed(text.slice(0, cut)); while ((d = p.next()) !== null) got.push(d);"
                + "  p.feed(text.slice(cut)); while ((d = p.next()) !== null) got.push(d);"
                + "  out.push(got.join('|')); }"
                + " const q = new m.SseParser(); const after = []; let d;"
                + " q.feed('data: {\"cut\": \"of'); q.feed('\\n\\n'); q.feed('data: {\"new\": 1}\\n\\n');"
                + " while ((d = q.next()) !== null) after.push(d);"
                + " out.push(after.join('|'));"
                + " const big = new m.SseParser(); const bigText = 'data: ' + 'x'.repeat(300000) + '\\n\\ndata: {}\\n\\n';"
                + " for (let i = 0; i < bigText.length; i += 1000) big.feed(bigText.slice(i, i + 1000));"
                + " const b1 = big.next(); const b2 = big.next(); const b3 = big.next();"
                + " out.push([b1 && b1.length, b2, b3].join('|')); done(out); }).catch(e => done(['error ' + e]));", stream);
        String whole = "{\"a\": 1}|{\"b\":\n2}|{\"c\": 3}|{\"d\": \"\u00e9\u4e2d\"}";
        assertThat(cuts.subList(0, cuts.size() - 2)).hasSize(stream.length() + 1).allMatch(whole::equals);
        // A connection that broke inside a message: the page's blank line ends it (its JSON does not parse, it is
        // skipped), and the new connection's first message stays whole.
        assertThat(cuts.get(cuts.size() - 2)).isEqualTo("{\"cut\": \"of|{\"new\": 1}");
        // A big message (a snapshot) in 301 chunks comes out whole, then the next; then nothing.
        assertThat(cuts.get(cuts.size() - 1)).isEqualTo("300000|{}|");
    }
}
