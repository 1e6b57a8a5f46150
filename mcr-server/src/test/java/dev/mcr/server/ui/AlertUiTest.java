package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Acknowledge and snooze on the runner card: the buttons, what the card shows, and changes made elsewhere, live. */
class AlertUiTest extends BrowserTestBase {

    @Test
    void a_down_is_acknowledged_from_the_card_and_a_snooze_made_elsewhere_shows_live_until_it_is_ended() throws Exception {
        saveState(stateOf(runner("runner_d", "Disk", "echo DOWN",
                "[{\"id\":\"case_d\",\"pattern\":\"DOWN\",\"message_template\":\"disk down\",\"state\":\"DOWN\"}]")
                .replace("\"cases\":", "\"escalate_to\":{\"profile_id\":\"notify_boss\",\"after_s\":600},\"cases\":")));
        openPage();
        WebElement card = runnerCard("runner_d");
        WebElement acked = card.findElement(By.cssSelector("[data-role='acked']"));
        WebElement snoozed = card.findElement(By.cssSelector("[data-role='snoozed']"));
        WebElement escalation = card.findElement(By.cssSelector("[data-role='escalation']"));

        click(act(card, "ack"));
        waitUntil(d -> flashText().contains("has no DOWN or WARN to acknowledge"), "the refusal before any DOWN");

        click(act(card, "run"));
        waitUntil(d -> text(card.findElement(By.cssSelector(".last-case"))).contains("disk down"), "the DOWN case");
        waitUntil(d -> escalation.isDisplayed() && text(escalation).startsWith("Escalates at "),
                "the escalation deadline of the unacknowledged DOWN");
        click(act(card, "ack"));
        waitUntil(d -> acked.isDisplayed() && text(acked).startsWith("DOWN acknowledged by anonymous at "),
                "the acknowledgement on the card");
        waitUntil(d -> !escalation.isDisplayed(), "the escalation stopped by the acknowledgement");

        assertThat(api("POST", "/api/runners/runner_d/snooze", "{\"for_s\": 3600}").statusCode()).isEqualTo(200);
        waitUntil(d -> snoozed.isDisplayed() && text(snoozed).startsWith("Snoozed until "), "the snooze made elsewhere");
        screenshot("alert-card.png");
        click(act(card, "unsnooze"));
        waitUntil(d -> !snoozed.isDisplayed(), "the end of the snooze");
        assertThat(act(card, "unsnooze").isDisplayed()).isFalse();

        choose(act(card, "snooze"), "900");
        waitUntil(d -> snoozed.isDisplayed(), "the snooze chosen on the card");
        assertThat(json(api("GET", "/api/status", null).body()).path("runner_d").path("alert")
                .path("snoozed_until").asText()).isNotEmpty();
        assertThat(text(acked)).as("still acknowledged").startsWith("DOWN acknowledged by");
    }

    @Test
    void n_of_m_and_an_escalation_service_are_set_on_the_card_checked_while_typing_and_stored() throws Exception {
        saveState("{\"notify_profiles\":[{\"id\":\"notify_boss\",\"name\":\"Boss\",\"type\":\"webhook\","
                + "\"active\":true,\"config\":{\"url\":\"http://127.0.0.1:9/h\"}}],\"runners\":["
                + runner("runner_n", "Backup", "exit 1") + "],\"runner_groups\":[],"
                + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"runner_n\"}]}");
        openPage();
        WebElement card = runnerCard("runner_n");
        WebElement expand = act(card, "expand");
        if ("false".equals(expand.getAttribute("aria-expanded"))) {
            click(expand);
        }
        WebElement problem = card.findElement(By.cssSelector("[data-role='alert-rules-problem']"));
        assertThat(field(card, "down-after-failures").isDisplayed()).as("no rule yet: no counts").isFalse();
        assertThat(field(card, "escalate-after").isDisplayed()).isFalse();

        click(field(card, "down-after-on"));
        waitUntil(d -> field(card, "down-after-failures").isDisplayed(), "the counts of the rule");
        type(field(card, "down-after-failures"), "4");
        waitUntil(d -> problem.isDisplayed() && text(problem).contains("1 ≤ N ≤ M ≤ 100"), "N > M marked while typing");
        assertThat(field(card, "down-after-failures").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(act(card, "save").getAttribute("class")).contains("invalid");
        type(field(card, "down-after-of-runs"), "5");
        waitUntil(d -> !problem.isDisplayed(), "the mark gone once N ≤ M");
        choose(field(card, "escalate-to"), "notify_boss");
        waitUntil(d -> field(card, "escalate-after").isDisplayed(), "the wait of the escalation");
        type(field(card, "escalate-after"), "15");
        assertNoSeriousAxeViolations("runner card with alert rules");
        screenshot("alert-rules.png");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save to finish");

        JsonNode r = storedRunner("runner_n");
        assertThat(r.path("down_after").toString()).isEqualTo("{\"failures\":4,\"of_runs\":5}");
        assertThat(r.path("escalate_to").toString()).isEqualTo("{\"profile_id\":\"notify_boss\",\"after_s\":900}");

        // Switching both off stores null, which the server reads as "no rule".
        click(field(card, "down-after-on"));
        choose(field(card, "escalate-to"), "");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the second save");
        assertThat(mcr.state().runner("runner_n").orElseThrow().alerting().downAfter().counts()).isFalse();
        assertThat(mcr.state().runner("runner_n").orElseThrow().alerting().escalateTo()).isNull();
        assertThat(consoleErrors()).isEmpty();
    }
}
