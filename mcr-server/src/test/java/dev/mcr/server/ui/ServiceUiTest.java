package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.model.NotifyProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Notification service cards: secrets never reach the page, explicit clearing, on/off, runner assignment. */
class ServiceUiTest extends BrowserTestBase {

    private static final String USER_KEY = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
    private static final String TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";

    @Test
    void a_stored_secret_never_appears_in_the_page_and_survives_other_edits_until_cleared() {
        saveState(stateOf(runner("runner_a", "Backup", "echo ok")));
        openPage();

        click(driver.findElement(By.id("addService")));
        WebElement card = waitUntil(d -> d.findElements(By.cssSelector("article.service")).stream().findFirst().orElse(null),
                "the new service card");
        String id = card.getAttribute("data-profile-id");
        type(field(card, "name"), "Phone");
        type(field(card, "user_key"), USER_KEY);
        type(field(card, "api_token"), TOKEN);
        assertThat(field(card, "user_key").getAttribute("type")).isEqualTo("password");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save");

        assertSecretsNowhereInThePage();
        assertThat(field(card, "user_key").getAttribute("placeholder")).isEqualTo("••• set");
        assertThat(profile(id).config().get(NotifyProfile.USER_KEY)).isEqualTo(USER_KEY);
        assertThat(profile(id).config().get(NotifyProfile.API_TOKEN)).isEqualTo(TOKEN);
        assertThat(state().path("notify_profiles").get(0).path("config").path("user_key").asText())
                .isEqualTo("__SECRET_SET__");

        // A rename (secrets not retyped, fields empty) keeps the stored values.
        type(field(card, "name"), "Phone of the admin");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the rename");
        assertThat(profile(id).name()).isEqualTo("Phone of the admin");
        assertThat(profile(id).config().get(NotifyProfile.USER_KEY)).isEqualTo(USER_KEY);

        // The runner card offers the service; toggling saves at once.
        WebElement row = runnerCard("runner_a").findElement(By.cssSelector(".notify-row[data-profile-id='" + id + "']"));
        assertThat(text(row)).contains("Phone of the admin");
        click(row.findElement(By.cssSelector("button")));
        waitUntil(d -> storedRunner("runner_a").path("notify_profile_ids").toString().equals("[\"" + id + "\"]"),
                "the assignment to be saved");

        // After a reload the page still knows only that secrets are set.
        openPage();
        assertSecretsNowhereInThePage();
        WebElement again = driver.findElement(By.id("service-" + id));
        assertThat(text(again.findElement(By.cssSelector(".svc-status")))).isEqualTo("active · OK · sent 0");

        // Off disables Test; On enables it again.
        click(act(again, "active"));
        waitUntil(d -> !act(again, "test").isEnabled(), "Test to be disabled while inactive");
        assertThat(text(again.findElement(By.cssSelector(".svc-status")))).isEqualTo("inactive: manually");
        assertThat(profile(id).active()).isFalse();
        click(act(again, "active"));
        waitUntil(d -> act(again, "test").isEnabled(), "Test to be enabled again");

        // Only "clear" deletes a stored secret.
        click(act(again, "clear-user_key"));
        assertThat(field(again, "user_key").getAttribute("placeholder")).isEqualTo("will be deleted on save");
        click(act(again, "save"));
        waitUntil(d -> !hasClass(again, "dirty"), "the save");
        assertThat(profile(id).config().get(NotifyProfile.USER_KEY)).isEmpty();
        assertThat(profile(id).config().get(NotifyProfile.API_TOKEN)).isEqualTo(TOKEN);
        assertThat(field(again, "user_key").getAttribute("placeholder")).isEqualTo("not set");

        // Removing the service also removes it from the runner.
        click(act(again, "remove"));
        confirm();
        waitUntil(d -> d.findElements(By.id("service-" + id)).isEmpty(), "the removal");
        assertThat(storedRunner("runner_a").path("notify_profile_ids")).isEmpty();
    }

    private NotifyProfile profile(String id) {
        return mcr.state().notifyProfiles().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    private void assertSecretsNowhereInThePage() {
        assertThat(driver.getPageSource()).doesNotContain(USER_KEY).doesNotContain(TOKEN);
        @SuppressWarnings("unchecked")
        List<String> values = (List<String>) js("return Array.from(document.querySelectorAll('input, textarea'))"
                + ".map(e => e.value + ' ' + (e.placeholder || ''))");
        assertThat(values).noneMatch(v -> v.contains(USER_KEY) || v.contains(TOKEN));
        assertThat(String.valueOf(js("return JSON.stringify(localStorage)"))).doesNotContain(USER_KEY);
    }
}
