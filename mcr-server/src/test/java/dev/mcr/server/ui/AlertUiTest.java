package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

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
}
