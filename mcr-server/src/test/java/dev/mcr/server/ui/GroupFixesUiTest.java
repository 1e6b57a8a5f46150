package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Groups as a new user meets them: a member's run-count pill only when its run repeats, each member's progress
 * logged once, moving into a group without sort mode, and the group name as a title renamed on demand.
 */
class GroupFixesUiTest extends BrowserTestBase {

    /** A runner repeating every 30 s, 3 runs. */
    private static String repeating(String id, String name, String command) {
        return runner(id, name, command).replace("\"schedule\":{\"hours\":0,\"minutes\":0,\"seconds\":0},\"max_runs\":1",
                "\"schedule\":{\"hours\":0,\"minutes\":0,\"seconds\":30},\"max_runs\":3");
    }

    private static final String STATE = "{\"notify_profiles\":[],\"runners\":["
            + repeating("runner_one", "Fetch", "echo fetching; sleep 1") + ","
            + repeating("runner_two", "Build", "echo building; sleep 1") + ","
            + runner("runner_solo", "Solo", "echo solo; sleep 1") + "],"
            + "\"runner_groups\":[{\"id\":\"group_main\",\"name\":\"Pipeline\","
            + "\"runner_ids\":[\"runner_one\",\"runner_two\"],\"disabled_runner_ids\":[]}],"
            + "\"runner_layout\":[{\"type\":\"group\",\"id\":\"group_main\"},{\"type\":\"runner\",\"id\":\"runner_solo\"}]}";

    @Test
    void a_group_run_shows_no_run_count_pill_on_members_and_logs_each_members_progress_once() {
        saveState(STATE);
        openPage();
        WebElement group = groupCard("group_main");
        List<String> pills = new ArrayList<>();
        click(act(group, "run"));
        waitUntil(d -> {
            for (String id : List.of("runner_one", "runner_two")) {
                WebElement card = runnerCard(id);
                if (hasClass(card, "is-running")) {
                    WebElement pill = card.findElement(By.cssSelector(".pill.runs"));
                    pills.add(id + (hasClass(pill, "hidden") ? " no pill" : " " + text(pill)));
                }
            }
            return text(group.findElement(By.cssSelector(".progress"))).startsWith("finished");
        }, "the group to finish");
        assertThat(pills).as("both members were seen running").anyMatch(p -> p.startsWith("runner_one"))
                .anyMatch(p -> p.startsWith("runner_two")).allMatch(p -> p.endsWith("no pill"));
        String events = text(driver.findElement(By.id("events")));
        assertThat(events.split("running 1/2 · current: Fetch", -1)).as("logged once").hasSize(2);
        assertThat(events.split("running 2/2 · current: Build", -1)).as("logged once").hasSize(2);

        // The same runner started alone repeats: its pill counts the session.
        click(act(runnerCard("runner_one"), "run"));
        waitUntil(d -> text(runnerCard("runner_one").findElement(By.cssSelector(".pill.runs"))).equals("1/3"),
                "the pill of a repeating run");
        click(act(runnerCard("runner_one"), "run"));
        waitUntil(d -> !hasClass(runnerCard("runner_one"), "is-running")
                && !hasClass(runnerCard("runner_one"), "is-scheduled"), "the stop");
    }

    @Test
    void a_runner_moves_into_a_group_without_sort_mode_and_the_choice_is_hidden_while_there_is_no_group() {
        saveState(STATE);
        openPage();
        WebElement solo = runnerCard("runner_solo");
        assertThat(text(driver.findElement(By.id("runnersSort")))).isEqualTo("Sort: off");
        WebElement select = solo.findElement(By.cssSelector("select.group-select"));
        assertThat(select.isDisplayed()).as("the group choice outside sort mode").isTrue();
        choose(select, "group_main");
        waitUntil(d -> groupCard("group_main").findElements(By.id("runner-runner_solo")).size() == 1,
                "Solo to move into the group");
        assertThat(state().path("runner_groups").get(0).path("runner_ids").toString())
                .isEqualTo("[\"runner_one\",\"runner_two\",\"runner_solo\"]");
        assertNoSeriousAxeViolations("page with the group choice on every card");

        click(act(groupCard("group_main"), "remove"));
        confirm();
        waitUntil(d -> d.findElements(By.id("group-group_main")).isEmpty(), "the group to go");
        assertThat(runnerCard("runner_solo").findElement(By.cssSelector("select.group-select")).isDisplayed())
                .as("no group, no choice").isFalse();
    }

    @Test
    void the_group_name_is_a_title_renamed_with_its_button_enter_saves_and_escape_cancels() {
        saveState(STATE);
        openPage();
        WebElement group = groupCard("group_main");
        WebElement title = group.findElement(By.cssSelector(".group-title"));
        WebElement name = field(group, "name");
        assertThat(text(title)).isEqualTo("Pipeline");
        assertThat(name.isDisplayed()).as("no always-open input").isFalse();

        click(act(group, "rename"));
        assertThat(name.isDisplayed()).isTrue();
        assertThat(driver.switchTo().activeElement()).isEqualTo(name);
        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Nightly pipeline", Keys.ENTER);
        waitUntil(d -> !hasClass(group, "dirty") && title.isDisplayed(), "the rename to save");
        assertThat(text(title)).isEqualTo("Nightly pipeline");
        assertThat(name.isDisplayed()).isFalse();
        assertThat(state().path("runner_groups").get(0).path("name").asText()).isEqualTo("Nightly pipeline");

        click(act(group, "rename"));
        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Typo", Keys.ESCAPE);
        waitUntil(d -> title.isDisplayed(), "the input to close");
        assertThat(text(title)).isEqualTo("Nightly pipeline");
        assertThat(hasClass(group, "dirty")).isFalse();
        assertNoSeriousAxeViolations("group card after renaming");
    }
}
