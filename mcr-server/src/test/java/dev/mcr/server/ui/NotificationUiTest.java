package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Deliveries through a local stand-in for Pushover: journal, live counters, test send, auto-disable. */
class NotificationUiTest extends BrowserTestBase {

    static HttpServer pushover;
    static final AtomicBoolean FAILING = new AtomicBoolean();
    static final AtomicInteger REQUESTS = new AtomicInteger();

    @BeforeAll
    static void startPushover() throws IOException {
        pushover = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pushover.createContext("/1/messages.json", exchange -> {
            exchange.getRequestBody().readAllBytes();
            REQUESTS.incrementAndGet();
            boolean fail = FAILING.get();
            byte[] body = (fail
                    ? "{\"token\":\"invalid\",\"errors\":[\"application token is invalid\"],\"status\":0}"
                    : "{\"status\":1,\"request\":\"5042853c-402d-4a18-abcb-168734a801de\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(fail ? 400 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        pushover.start();
    }

    @AfterAll
    static void stopPushover() {
        if (pushover != null) {
            pushover.stop(0);
        }
    }

    @Override
    Map<String, String> extraEnv() {
        return Map.of("MULTI_COMMAND_RUNNER_PUSHOVER_URL",
                "http://127.0.0.1:" + pushover.getAddress().getPort() + "/1/messages.json");
    }

    @Test
    void deliveries_appear_in_the_journal_and_the_service_card_counts_them_live_until_it_is_auto_disabled() {
        FAILING.set(false);
        String runner = runner("runner_w", "Watcher", "echo ALERT disk",
                "[{\"id\":\"case_a\",\"pattern\":\"ALERT (\\\\w+)\",\"message_template\":\"Alert {g1}\",\"state\":\"\"}]")
                .replace("\"notify_profile_ids\":[]", "\"notify_profile_ids\":[\"notify_p\"]");
        saveState("{\"notify_profiles\":[{\"id\":\"notify_p\",\"name\":\"Phone\",\"type\":\"pushover\",\"active\":true,"
                + "\"config\":{\"user_key\":\"user-key-1\",\"api_token\":\"api-token-1\"}}],"
                + "\"runners\":[" + runner + "],\"runner_groups\":[],\"runner_layout\":[]}");
        openPage();
        WebElement journal = driver.findElement(By.id("journal"));
        WebElement service = driver.findElement(By.id("service-notify_p"));
        WebElement status = service.findElement(By.cssSelector(".svc-status"));
        assertThat(text(journal)).isEmpty();

        click(act(runnerCard("runner_w"), "run"));
        waitUntil(d -> text(journal).contains("sent: Phone → Watcher: Watcher — Alert disk"), "the delivery in the journal");
        waitUntil(d -> text(status).equals("active · OK · sent 1"), "the live counter");

        click(act(service, "test"));
        waitUntil(d -> flashText().equals("Test message sent via “Phone”."), "the test send");
        waitUntil(d -> text(journal).contains("sent: Phone → test send: Pushover Test — Pushover Test OK @"), "the test in the journal");
        waitUntil(d -> text(status).equals("active · OK · sent 2"), "the second count");

        FAILING.set(true);
        click(act(service, "test"));
        // The channel's own answer, not "error 400"; a test send never counts towards the auto-disable.
        waitUntil(d -> flashText().startsWith("Test send via “Phone” failed: HTTP 400"), "the failed test");
        assertThat(flashText()).contains("application token is invalid");
        WebElement lastError = service.findElement(By.cssSelector("[data-role='last-error']"));
        waitUntil(d -> text(lastError).contains("application token is invalid"), "the last error on the card");
        assertThat(text(status)).isEqualTo("active · OK · sent 2");

        // Real deliveries count: the third failure in a row turns the service off.
        for (int i = 1; i <= 3; i++) {
            int n = i;
            click(act(runnerCard("runner_w"), "run"));
            waitUntil(d -> n == 3 ? text(status).equals("inactive: auto-disabled after 3 failures")
                    : text(status).equals("active · " + n + "/3 failures · sent 2"), "failure " + n);
        }
        assertThat(hasClass(status, "bad")).isTrue();
        assertThat(act(service, "test").isEnabled()).isFalse();
        assertThat(text(act(service, "active"))).isEqualTo("Off");
        assertThat(act(service, "reenable").isDisplayed()).isTrue();
        assertThat(text(driver.findElement(By.id("events")))).contains("Service “Phone” was turned off after 3 failures");
        assertThat(text(driver.findElement(By.id("events")))).doesNotContain("Pushover failed:");
        assertThat(text(journal)).contains("FAILED: Phone → test send: Pushover Test");
        assertThat(REQUESTS.get()).isEqualTo(6);

        // The page never posts stale counters back: a rename keeps the server's numbers.
        type(field(service, "name"), "Phone 2");
        click(act(service, "save"));
        waitUntil(d -> !hasClass(service, "dirty"), "the rename");
        var stored = state().path("notify_profiles").get(0);
        assertThat(stored.path("sent_count").asInt()).isEqualTo(2);
        assertThat(stored.path("failure_count").asInt()).isEqualTo(3);
        assertThat(stored.path("active").asBoolean()).isFalse();

        click(driver.findElement(By.id("clearJournal")));
        confirm();
        waitUntil(d -> text(journal).isEmpty(), "the journal to be cleared");
        assertThat(flashText()).startsWith("Journal cleared");
    }
}
