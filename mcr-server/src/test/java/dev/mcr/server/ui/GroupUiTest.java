package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Group cards: members inside, member toggles, the sequence's live progress, layout moves. */
class GroupUiTest extends BrowserTestBase {

    private static final String GROUP_STATE = "{\"notify_profiles\":[],\"runners\":["
            + runner("runner_one", "Fetch", "echo fetching; sleep 1.5") + ","
            + runner("runner_two", "Build", "echo building; sleep 1.5") + ","
            + runner("runner_three", "Deploy", "echo deploying") + ","
            + runner("runner_solo", "Solo", "echo solo") + "],"
            + "\"runner_groups\":[{\"id\":\"group_main\",\"name\":\"Pipeline\","
            + "\"runner_ids\":[\"runner_one\",\"runner_two\",\"runner_three\"],\"disabled_runner_ids\":[]}],"
            + "\"runner_layout\":[{\"type\":\"group\",\"id\":\"group_main\"},{\"type\":\"runner\",\"id\":\"runner_solo\"}]}";

    @Test
    void a_group_run_skips_disabled_members_and_shows_its_progress_live() {
        saveState(GROUP_STATE);
        openPage();
        WebElement group = groupCard("group_main");
        assertThat(group.findElements(By.cssSelector("article.runner"))).hasSize(3);
        WebElement deploy = runnerCard("runner_three");
        assertThat(text(act(deploy, "group-toggle"))).isEqualTo("Group run: on");

        click(act(deploy, "group-toggle"));
        waitUntil(d -> text(act(runnerCard("runner_three"), "group-toggle")).equals("Group run: off"), "the toggle");
        JsonNode g = state().path("runner_groups").get(0);
        assertThat(g.path("disabled_runner_ids").toString()).isEqualTo("[\"runner_three\"]");

        click(act(group, "run"));
        List<String> seen = new ArrayList<>();
        WebElement progress = group.findElement(By.cssSelector(".progress"));
        waitUntil(d -> {
            String p = text(progress);
            if (!seen.contains(p)) {
                seen.add(p);
            }
            return p.startsWith("finished") || p.startsWith("error");
        }, "the group to finish");
        assertThat(text(progress)).isEqualTo("finished (2/2)");
        assertThat(seen).contains("running 1/2 · current: Fetch", "running 2/2 · current: Build");
        assertThat(text(runnerCard("runner_two").findElement(By.cssSelector("pre.output")))).isEqualTo("building\n");
        assertThat(text(runnerCard("runner_three").findElement(By.cssSelector("pre.output"))))
                .as("the disabled member did not run").isEmpty();
        assertThat(text(driver.findElement(By.id("events")))).contains("Group Pipeline: finished (2/2)");
    }

    @Test
    void sort_mode_moves_runners_into_and_out_of_groups_and_saves_the_layout_at_once() {
        saveState(GROUP_STATE);
        openPage();
        WebElement solo = runnerCard("runner_solo");
        assertThat(act(solo, "up").isDisplayed()).as("arrows only in sort mode").isFalse();
        click(driver.findElement(By.id("runnersSort")));
        assertThat(text(driver.findElement(By.id("runnersSort")))).isEqualTo("Sort: on");

        click(act(solo, "up"));
        waitUntil(d -> groupCard("group_main").findElements(By.id("runner-runner_solo")).size() == 1,
                "Solo to walk into the group");
        assertThat(state().path("runner_groups").get(0).path("runner_ids").toString())
                .isEqualTo("[\"runner_one\",\"runner_two\",\"runner_three\",\"runner_solo\"]");

        click(act(runnerCard("runner_one"), "up"));
        waitUntil(d -> "runner-runner_one".equals(
                d.findElement(By.id("runnerList")).findElement(By.cssSelector(":scope > *")).getAttribute("id")),
                "Fetch to leave the group upwards");
        assertThat(state().path("runner_layout").get(0).path("id").asText()).isEqualTo("runner_one");
        assertThat(state().path("runner_groups").get(0).path("runner_ids").toString())
                .isEqualTo("[\"runner_two\",\"runner_three\",\"runner_solo\"]");

        click(act(groupCard("group_main"), "remove"));
        confirm();
        waitUntil(d -> d.findElements(By.id("group-group_main")).isEmpty(), "the group to go");
        JsonNode s = state();
        assertThat(s.path("runner_groups")).isEmpty();
        assertThat(s.path("runners")).as("members are kept").hasSize(4);
        List<String> layout = new ArrayList<>();
        s.path("runner_layout").forEach(it -> layout.add(it.path("id").asText()));
        assertThat(layout).as("the members take the group's place")
                .containsExactly("runner_one", "runner_two", "runner_three", "runner_solo");
    }
}
