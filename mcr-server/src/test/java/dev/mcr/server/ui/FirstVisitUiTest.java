package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The page as a new user first meets it: Runners before an empty services section, a visible Guide button,
 * no "Sort" with nothing to sort, empty panes that say so, case rows with column labels, and "+ Runner" as a
 * draft that only Save stores.
 */
class FirstVisitUiTest extends BrowserTestBase {

    private String sectionOrder() {
        return String.valueOf(js("return [...document.querySelectorAll('#main > section')].map(s => s.id).join(',')"));
    }

    /** The one runner card other than the stored one. */
    private WebElement draftBeside(String storedId) {
        return waitUntil(d -> d.findElements(By.cssSelector("article.runner")).stream()
                .filter(c -> !storedId.equals(c.getAttribute("data-runner-id"))).findFirst().orElse(null),
                "the draft card");
    }

    @Test
    void an_empty_page_shows_runners_first_a_guide_button_no_sort_and_hints_in_the_empty_panes() {
        openPage();
        assertThat(sectionOrder()).startsWith("runners,services");
        assertThat(driver.findElement(By.id("runnersSort")).isDisplayed()).as("nothing to sort").isFalse();
        assertThat(driver.findElement(By.id("servicesSort")).isDisplayed()).isFalse();
        assertThat(js("return getComputedStyle(document.getElementById('events'), '::before').content"))
                .asString().contains("Nothing has happened yet");
        assertThat(js("return getComputedStyle(document.getElementById('journal'), '::before').content"))
                .asString().contains("No notifications sent yet");

        WebElement guide = driver.findElement(By.id("guideBtn"));
        assertThat(guide.isDisplayed()).isTrue();
        assertThat(text(guide)).isEqualTo("Guide");
        click(guide);
        waitUntil(d -> d.findElement(By.id("infoDialog")).isDisplayed(), "the guide");
        click(driver.findElement(By.id("infoClose")));
        assertNoSeriousAxeViolations("empty page on a first visit");

        click(driver.findElement(By.id("addService")));
        waitUntil(d -> sectionOrder().startsWith("services,runners"), "services first once there is one");
    }

    @Test
    void plus_runner_opens_a_draft_that_only_save_stores_and_remove_leaves_nothing_behind() {
        saveState(stateOf(runner("runner_a", "Backup", "echo backup")));
        openPage();
        click(driver.findElement(By.id("addRunner")));
        WebElement draft = draftBeside("runner_a");
        String id = draft.getAttribute("data-runner-id");
        assertThat(hasClass(draft, "dirty")).isTrue();
        assertThat(storedRunner(id)).as("nothing stored yet").isNull();
        assertThat(driver.findElement(By.id("runnersSort")).isDisplayed()).as("one stored runner").isFalse();

        click(act(draft, "remove"));
        confirm();
        waitUntil(d -> d.findElements(By.id("runner-" + id)).isEmpty(), "the draft to go");
        assertThat(state().path("runners")).hasSize(1);

        click(driver.findElement(By.id("addRunner")));
        WebElement second = draftBeside("runner_a");
        String secondId = second.getAttribute("data-runner-id");
        type(field(second, "name"), "Disk report");
        type(field(second, "command"), "df -h");
        click(act(second, "add-case"));
        type(field(second, "pattern"), "(\\d+)%");
        type(field(second, "template"), "Disk {g1}%");
        assertThat(second.findElements(By.cssSelector(".case-head span")).stream().map(this::text))
                .as("column labels above the filled row").startsWith("Pattern (regex)", "Message", "State");
        click(act(second, "save"));
        waitUntil(d -> !hasClass(second, "dirty"), "the save");
        assertThat(storedRunner(secondId).path("name").asText()).isEqualTo("Disk report");
        waitUntil(d -> d.findElement(By.id("runnersSort")).isDisplayed(), "Sort with two runners");
        assertNoSeriousAxeViolations("page with a filled case row");
    }
}
