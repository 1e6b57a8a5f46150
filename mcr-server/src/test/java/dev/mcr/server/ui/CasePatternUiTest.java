package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A case pattern is checked while it is typed, with the server's translator, and the field says why it is not
 * valid; a save with it is refused with the server's sentence and stores nothing.
 */
class CasePatternUiTest extends BrowserTestBase {

    @Test
    void an_invalid_pattern_is_marked_with_the_reason_while_typing_and_its_save_is_refused_with_the_servers_sentence() {
        saveState(stateOf(runner("runner_a", "Disk report", "echo disk at 93%")));
        openPage();
        WebElement card = runnerCard("runner_a");
        click(act(card, "add-case"));
        WebElement row = waitUntil(d -> card.findElements(By.cssSelector(".case-row")).stream().findFirst()
                .orElse(null), "the new case row");
        WebElement pattern = field(row, "pattern");
        type(pattern, "disk at (\\d+%");
        type(field(row, "template"), "Disk {g1}");
        WebElement msg = row.findElement(By.cssSelector(".case-msg"));
        waitUntil(d -> text(msg).contains("missing ), unterminated subpattern at position 8"), "the reason");
        assertThat(text(msg)).isEqualTo("Not a valid regular expression: missing ), unterminated subpattern at "
                + "position 8");
        assertThat(pattern.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(hasClass(row, "invalid")).isTrue();
        assertNoSeriousAxeViolations("runner card with an invalid case pattern");

        click(act(card, "save"));
        waitUntil(d -> flashText().contains("case 1 (pattern 'disk at (\\d+%')"), "the refusal");
        assertThat(flashText()).contains("Disk report").contains("unterminated subpattern");
        assertThat(storedRunner("runner_a").path("cases")).isEmpty();
        assertThat(hasClass(card, "dirty")).as("the edit is kept for fixing").isTrue();

        type(pattern, "disk at (\\d+)%");
        waitUntil(d -> !hasClass(row, "invalid"), "the mark to go");
        assertThat(pattern.getAttribute("aria-invalid")).isEqualTo("false");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save");
        assertThat(storedRunner("runner_a").path("cases").get(0).path("pattern").asText()).isEqualTo("disk at (\\d+)%");
    }
}
