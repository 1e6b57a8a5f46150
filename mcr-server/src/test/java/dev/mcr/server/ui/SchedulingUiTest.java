package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The runner card's scheduling settings against a real server in a real Chromium: the next five due times while a
 * cron expression is edited (computed by the server), every new field saved, a secret variable never shown, "next run
 * in" on the armed card, and the warning about an interval with one run.
 */
class SchedulingUiTest extends BrowserTestBase {

    /** The preview's items, read in one step (the list is replaced as answers arrive). */
    @SuppressWarnings("unchecked")
    private List<String> preview(WebElement card) {
        return (List<String>) js("return Array.from(arguments[0].querySelectorAll(\"[data-role='cron-preview'] li\"))"
                + ".map(e => e.textContent)", card);
    }

    @Test
    void editing_a_cron_expression_shows_the_next_five_runs_and_a_bad_one_says_why() {
        saveState(stateOf(runner("runner_c", "Nightly", "echo night")));
        openPage();
        WebElement card = runnerCard("runner_c");

        type(field(card, "cron"), "0 3 * * *");
        type(field(card, "tz"), "Europe/Berlin");

        waitUntil(d -> preview(card).size() == 5 ? true : null, "five due times");
        assertThat(preview(card)).allSatisfy(t -> assertThat(t).isNotBlank()).doesNotHaveDuplicates();

        type(field(card, "cron"), "61 * * * *");
        WebElement msg = card.findElement(By.cssSelector("[data-role='cron-preview-msg']"));
        waitUntil(d -> text(msg).contains("Not valid") ? true : null, "the reason");
        assertThat(text(msg)).contains("is not a valid cron expression");
        assertThat(preview(card)).isEmpty();
    }

    @Test
    void every_new_setting_is_saved_a_secret_is_never_shown_and_the_armed_card_says_when_it_runs_next()
            throws Exception {
        Path work = Files.createDirectories(dataDir.resolveSibling("work-" + dataDir.getFileName()));
        saveState(stateOf(runner("runner_c", "Sync", "echo sync")));
        openPage();
        WebElement card = runnerCard("runner_c");

        type(field(card, "cron"), "0 3 * * *");
        type(field(card, "tz"), "Europe/Berlin");
        choose(field(card, "overlap"), "queue");
        type(field(card, "timeout"), "90");
        choose(field(card, "retries"), "2");
        type(field(card, "retry-delay"), "30");
        type(field(card, "workdir"), work.toString());
        choose(field(card, "shell"), "sh -c");
        click(act(card, "add-env"));
        type(field(card, "env-name"), "TOKEN");
        click(field(card, "env-secret"));
        type(field(card, "env-value"), "s3cret-in-browser");
        assertThat(field(card, "env-value").getAttribute("type")).isEqualTo("password");
        assertThat(text(card.findElement(By.cssSelector("label[for$='-cmd']")))).contains("sh -c");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save to finish");

        JsonNode r = storedRunner("runner_c");
        assertThat(r.path("schedule").path("cron").asText()).isEqualTo("0 3 * * *");
        assertThat(r.path("schedule").path("time_zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(r.path("schedule").path("overlap").asText()).isEqualTo("queue");
        assertThat(r.path("timeout_s").asInt()).isEqualTo(90);
        assertThat(r.path("retry_count").asInt()).isEqualTo(2);
        assertThat(r.path("retry_delay_s").asInt()).isEqualTo(30);
        assertThat(r.path("working_dir").asText()).isEqualTo(work.toString());
        assertThat(r.path("shell").asText()).isEqualTo("sh -c");
        assertThat(r.path("env").get(0).path("value").asText()).isEqualTo("__SECRET_SET__");
        assertThat(mcr.state().runner("runner_c").orElseThrow().execution().env().get(0).value())
                .isEqualTo("s3cret-in-browser");
        assertThat(driver.getPageSource()).doesNotContain("s3cret-in-browser");

        WebElement next = card.findElement(By.cssSelector(".next"));
        waitUntil(d -> next.isDisplayed() && text(next).startsWith("next run in") ? true : null, "next run in …");
        assertThat(field(card, "cron").isEnabled()).as("an armed cron runner stays editable").isTrue();
        assertThat(text(act(card, "run"))).as("and can run now").contains("Run");

        // A save of the unchanged secret keeps it.
        type(field(card, "timeout"), "120");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the second save");
        assertThat(mcr.state().runner("runner_c").orElseThrow().execution().env().get(0).value())
                .isEqualTo("s3cret-in-browser");
    }

    @Test
    void an_interval_with_one_run_is_warned_about_and_the_warning_offers_unlimited_runs() {
        saveState(stateOf(runner("runner_i", "Ping", "echo ping")));
        openPage();
        WebElement card = runnerCard("runner_i");
        WebElement warning = card.findElement(By.cssSelector("[data-role='interval-once-warning']"));
        assertThat(warning.isDisplayed()).isFalse();

        choose(field(card, "s"), "5");

        assertThat(warning.isDisplayed()).isTrue();
        assertThat(text(warning)).contains("runs only once per start");
        click(act(card, "set-unlimited"));
        assertThat(field(card, "runs").getAttribute("value")).isEqualTo("-1");
        assertThat(warning.isDisplayed()).isFalse();
        assertThat(hasClass(card, "dirty")).as("nothing is saved by the offer itself").isTrue();
    }
}
