package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.model.NotifyProfile;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The service card rendered from the channel declarations: a type chooser, its fields (secrets masked), the
 * validation message of a 400, quiet hours, the last error and Re-enable of a service that disabled itself, and the
 * runner's toggle of such a service.
 */
class ChannelServiceUiTest extends BrowserTestBase {

    private static final String SIGNING = "whsec-browser-secret-77";

    /** A time input's value as a user's picker sets it (typing depends on the browser's 12/24-hour locale). */
    private void setTime(WebElement input, String hhmm) {
        js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", input, hhmm);
    }

    private NotifyProfile profile(String id) {
        return mcr.state().notifyProfiles().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void a_webhook_service_is_made_from_its_declared_fields_refused_with_the_servers_reason_and_saved_with_quiet_hours() {
        saveState(stateOf(runner("runner_a", "Backup", "echo ok")));
        openPage();

        click(driver.findElement(By.id("addService")));
        WebElement card = waitUntil(d -> d.findElements(By.cssSelector("article.service")).stream().findFirst().orElse(null),
                "the new service card");
        String id = card.getAttribute("data-profile-id");
        type(field(card, "name"), "Hook");
        choose(field(card, "type"), "webhook");
        waitUntil(d -> !card.findElements(By.cssSelector("[data-field='url']")).isEmpty(), "the webhook fields");
        assertThat(card.findElements(By.cssSelector("[data-field='user_key']"))).isEmpty();
        assertThat(field(card, "secret").getAttribute("type")).isEqualTo("password");
        assertThat(field(card, "headers").getAttribute("type")).isEqualTo("password");
        assertThat(text(card.findElement(By.cssSelector("label[for='" + field(card, "body_template").getAttribute("id") + "']"))))
                .isEqualTo("Body template (JSON, {title}, {message}, …)");

        type(field(card, "url"), "ftp://example.org/x");
        click(act(card, "save"));
        waitUntil(d -> flashText().contains("must be an http or https URL"), "the server's reason");
        assertThat(flashText()).contains("the field \"url\" (URL)");
        assertThat(mcr.state().notifyProfiles()).isEmpty();

        type(field(card, "url"), "https://example.org/hook");
        type(field(card, "secret"), SIGNING);
        setTime(field(card, "quiet_from"), "22:00");
        setTime(field(card, "quiet_to"), "07:00");
        type(field(card, "quiet_zone"), "Europe/Berlin");
        click(field(card, "quiet_down"));
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save");

        NotifyProfile saved = profile(id);
        assertThat(saved.type()).isEqualTo("webhook");
        assertThat(saved.configValue("url")).isEqualTo("https://example.org/hook");
        assertThat(saved.configValue("secret")).isEqualTo(SIGNING);
        assertThat(saved.extra().get("quiet_hours")).isEqualTo(Map.of("from", "22:00", "to", "07:00",
                "time_zone", "Europe/Berlin", "down_breaks_through", true));
        assertThat(driver.getPageSource()).doesNotContain(SIGNING);
        assertThat(field(card, "secret").getAttribute("placeholder")).isEqualTo("••• set");

        // A rename keeps the secret and the quiet hours.
        type(field(card, "name"), "Hook 2");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the rename");
        assertThat(profile(id).configValue("secret")).isEqualTo(SIGNING);
        assertThat(profile(id).extra()).containsKey("quiet_hours");
    }

    @Test
    void a_failed_test_shows_its_reason_and_a_disabled_service_shows_off_on_the_runner_and_can_be_re_enabled()
            throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        com.sun.net.httpserver.HttpServer gone = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        gone.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(410, -1);
            ex.close();
        });
        gone.start();
        String hookUrl = "http://127.0.0.1:" + gone.getAddress().getPort() + "/h";
        String cases = "[{\"id\":\"c\",\"pattern\":\"DOWN\",\"message_template\":\"down\",\"state\":\"DOWN\"}]";
        StringBuilder runners = new StringBuilder();
        for (String r : new String[] {"runner_a", "runner_b", "runner_c"}) {
            runners.append(runners.length() == 0 ? "" : ",").append(runner(r, r, "echo DOWN", cases)
                    .replace("\"notify_profile_ids\":[]", "\"notify_profile_ids\":[\"notify_hook\"]"));
        }
        saveState("{\"notify_profiles\":[{\"id\":\"notify_hook\",\"name\":\"Hook\",\"type\":\"webhook\",\"active\":true,"
                + "\"config\":{\"url\":\"" + hookUrl + "\"}}],\"runners\":[" + runners + "],\"runner_groups\":[],"
                + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"runner_a\"}]}");
        for (String r : new String[] {"runner_a", "runner_b", "runner_c"}) {
            mcr.start(r).result().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        waitUntil(d -> !profile("notify_hook").active(), "the auto-disable after 3 failed deliveries");
        gone.stop(0);
        // The test send below goes to a closed port: a connect failure.
        mcr.updateJson(dev.mcr.store.ConfigKind.PROFILE, "notify_hook", ("{\"config\":{\"url\":\"http://127.0.0.1:"
                + closed + "/h\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                mcr.versionedProfile("notify_hook").orElseThrow().version());
        openPage();

        WebElement card = driver.findElement(By.id("service-notify_hook"));
        WebElement row = runnerCard("runner_a").findElement(By.cssSelector(".notify-row[data-profile-id='notify_hook']"));
        assertThat(text(row.findElement(By.cssSelector("button")))).isEqualTo("Off (service off)");
        assertThat(text(card.findElement(By.cssSelector(".svc-status")))).isEqualTo("inactive: auto-disabled after 3 failures");

        click(act(card, "reenable"));
        waitUntil(d -> profile("notify_hook").active(), "the service to be on again");
        waitUntil(d -> text(runnerCard("runner_a").findElement(By.cssSelector(
                ".notify-row[data-profile-id='notify_hook'] button"))).equals("On"), "the runner's toggle to say On");
        assertThat(act(card, "reenable").isDisplayed()).isFalse();

        click(act(card, "test"));
        waitUntil(d -> flashText().startsWith("Test send via “Hook” failed:"), "the test's reason");
        assertThat(flashText()).contains("could not connect to 127.0.0.1:" + closed).doesNotContain("error 400");
        WebElement lastError = card.findElement(By.cssSelector("[data-role='last-error']"));
        waitUntil(d -> lastError.isDisplayed(), "the last error on the card");
        assertThat(text(lastError)).contains("last error").contains("could not connect to 127.0.0.1:" + closed);
        assertThat(profile("notify_hook").failureCount()).isZero();
        assertThat(profile("notify_hook").active()).isTrue();
    }
}
