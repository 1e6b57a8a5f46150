package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * Two browser windows on one server, as two tabs or two users: a change saved in one appears in the other at once,
 * without a reload; a card with unsaved edits keeps them and offers "View theirs" and "Keep mine"; a 409 never loses
 * what was typed; and the issue's two tabs end with both of their changes stored.
 */
class LiveSyncUiTest extends BrowserTestBase {

    private String windowA;
    private final List<String> extraWindows = new ArrayList<>();

    /** Opens the page in the current window (A) and in a second window (B); ends in window A. */
    private String openTwoWindows() {
        openPage();
        windowA = driver.getWindowHandle();
        // A marker that a reload would lose.
        js("window.__notReloaded = true");
        driver.switchTo().newWindow(WindowType.WINDOW);
        String windowB = driver.getWindowHandle();
        extraWindows.add(windowB);
        openPage();
        driver.switchTo().window(windowA);
        return windowB;
    }

    @AfterEach
    void closeExtraWindows() {
        for (String w : extraWindows) {
            driver.switchTo().window(w);
            driver.close();
        }
        extraWindows.clear();
        if (windowA != null) {
            driver.switchTo().window(windowA);
        }
    }

    private String value(WebElement el) {
        return String.valueOf(js("return arguments[0].value", el));
    }

    private boolean noticeShown(WebElement card) {
        WebElement notice = card.findElement(By.cssSelector(".conflict"));
        return !hasClass(notice, "hidden") && notice.isDisplayed();
    }

    private void assertNotReloaded() {
        assertThat(js("return window.__notReloaded === true")).as("window A was not reloaded").isEqualTo(true);
    }

    /** In window B: types a new command into a runner card and saves it. */
    private void saveCommandIn(String window, String runnerId, String command) {
        driver.switchTo().window(window);
        WebElement card = runnerCard(runnerId);
        type(field(card, "command"), command);
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "window B's save");
        assertThat(storedRunner(runnerId).path("command").asText()).isEqualTo(command);
    }

    @Test
    void a_save_in_window_b_appears_at_once_in_window_a_which_has_no_unsaved_edits() {
        saveState(stateOf(runner("runner_flaky", "Flaky", "echo old"), runner("runner_disk", "Disk check", "df -h")));
        String windowB = openTwoWindows();

        saveCommandIn(windowB, "runner_flaky", "echo fixed");
        driver.switchTo().window(windowA);
        WebElement flaky = runnerCard("runner_flaky");
        waitUntil(d -> value(field(flaky, "command")).equals("echo fixed"), "window A to show B's command");
        assertThat(hasClass(flaky, "dirty")).isFalse();
        assertThat(noticeShown(flaky)).isFalse();
        assertNotReloaded();

        // A runner created in B appears in A, a renamed one is renamed, a removed one goes.
        driver.switchTo().window(windowB);
        click(driver.findElement(By.id("addRunner")));
        String created = waitUntil(d -> d.findElements(By.cssSelector("article.runner")).stream()
                .map(c -> c.getAttribute("data-runner-id"))
                .filter(id -> !id.equals("runner_flaky") && !id.equals("runner_disk")).findFirst().orElse(null),
                "the new runner in B");
        click(act(runnerCard(created), "save"));
        waitUntil(d -> !hasClass(runnerCard(created), "dirty"), "the new runner's save in B");
        click(act(runnerCard("runner_disk"), "remove"));
        confirm();
        waitUntil(d -> d.findElements(By.id("runner-runner_disk")).isEmpty(), "the removal in B");
        driver.switchTo().window(windowA);
        waitUntil(d -> !d.findElements(By.id("runner-" + created)).isEmpty()
                && d.findElements(By.id("runner-runner_disk")).isEmpty(), "window A to show both");
        assertThat(text(driver.findElement(By.id("runnerCount")))).isEqualTo("(2)");
        assertNotReloaded();
    }

    @Test
    void unsaved_edits_in_window_a_are_kept_with_a_notice_and_keep_mine_saves_them_on_top_without_a_409() {
        saveState(stateOf(runner("runner_flaky", "Flaky", "echo old")));
        String windowB = openTwoWindows();
        WebElement flaky = runnerCard("runner_flaky");
        type(field(flaky, "name"), "Flaky (renamed in A)");
        assertThat(hasClass(flaky, "dirty")).isTrue();

        saveCommandIn(windowB, "runner_flaky", "echo fixed by B");
        driver.switchTo().window(windowA);
        WebElement card = runnerCard("runner_flaky");
        waitUntil(d -> noticeShown(card), "the notice in window A");
        assertThat(text(card.findElement(By.cssSelector(".conflict-text"))))
                .isEqualTo("Changed elsewhere after you started editing; your edits are still here.");
        assertThat(value(field(card, "name"))).as("A's typing is kept").isEqualTo("Flaky (renamed in A)");
        assertThat(value(field(card, "command"))).as("A's fields stay until A chooses").isEqualTo("echo old");
        assertThat(hasClass(card, "dirty")).isTrue();

        click(act(card, "keep-mine"));
        assertThat(noticeShown(card)).isFalse();
        assertThat(value(field(card, "name"))).isEqualTo("Flaky (renamed in A)");
        assertThat(value(field(card, "command"))).as("B's change under A's edit").isEqualTo("echo fixed by B");
        assertThat(hasClass(card, "dirty")).isTrue();
        long before = storedRunner("runner_flaky").path("version").asLong();

        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "A's save");
        assertThat(flashText()).isEqualTo("Runner “Flaky (renamed in A)” saved.");
        JsonNode stored = storedRunner("runner_flaky");
        assertThat(stored.path("name").asText()).isEqualTo("Flaky (renamed in A)");
        assertThat(stored.path("command").asText()).isEqualTo("echo fixed by B");
        assertThat(stored.path("version").asLong()).as("one save, no conflict loop").isEqualTo(before + 1);
        assertThat(text(driver.findElement(By.id("events")))).doesNotContain("changed elsewhere");
        assertNotReloaded();

        // Window B, without edits, follows A's save.
        driver.switchTo().window(windowB);
        waitUntil(d -> value(field(runnerCard("runner_flaky"), "name")).equals("Flaky (renamed in A)"),
                "window B to show A's name");
    }

    @Test
    void view_theirs_replaces_the_unsaved_edits_with_the_stored_runner() {
        saveState(stateOf(runner("runner_flaky", "Flaky", "echo old")));
        String windowB = openTwoWindows();
        WebElement flaky = runnerCard("runner_flaky");
        type(field(flaky, "command"), "echo mine");

        saveCommandIn(windowB, "runner_flaky", "echo theirs");
        driver.switchTo().window(windowA);
        WebElement card = runnerCard("runner_flaky");
        waitUntil(d -> noticeShown(card), "the notice in window A");
        assertThat(value(field(card, "command"))).isEqualTo("echo mine");

        click(act(card, "view-theirs"));
        assertThat(noticeShown(card)).isFalse();
        assertThat(value(field(card, "command"))).isEqualTo("echo theirs");
        assertThat(hasClass(card, "dirty")).isFalse();
        assertThat(act(card, "run").isEnabled()).isTrue();
        assertThat(storedRunner("runner_flaky").path("command").asText()).isEqualTo("echo theirs");
    }

    @Test
    void a_409_on_save_keeps_every_typed_field_and_shows_the_conflict_on_the_card() {
        saveState(stateOf(runner("runner_flaky", "Flaky", "echo old")));
        openPage();
        WebElement card = runnerCard("runner_flaky");
        type(field(card, "command"), "echo typed in the page");
        type(field(card, "name"), "Typed name");
        long version = storedRunner("runner_flaky").path("version").asLong();

        // Someone else saves first; the page's Save follows at once, based on the version it loaded.
        HttpResponse<String> other = api("PUT", "/api/runners/runner_flaky",
                "{\"command\": \"echo saved elsewhere\", \"version\": " + version + "}");
        assertThat(other.statusCode()).isEqualTo(200);
        click(act(card, "save"));

        waitUntil(d -> noticeShown(card), "the conflict on the card");
        waitUntil(d -> flashText().contains("changed elsewhere meanwhile"), "the message");
        assertThat(flashText()).isEqualTo("“Typed name” was changed elsewhere meanwhile; your edits are kept. "
                + "Choose “View theirs” or “Keep mine”.");
        assertThat(value(field(card, "command"))).isEqualTo("echo typed in the page");
        assertThat(value(field(card, "name"))).isEqualTo("Typed name");
        assertThat(hasClass(card, "dirty")).isTrue();
        assertThat(storedRunner("runner_flaky").path("command").asText()).isEqualTo("echo saved elsewhere");

        click(act(card, "keep-mine"));
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save after keep mine");
        JsonNode stored = storedRunner("runner_flaky");
        assertThat(stored.path("command").asText()).as("both edited fields are the page's")
                .isEqualTo("echo typed in the page");
        assertThat(stored.path("name").asText()).isEqualTo("Typed name");
        assertThat(stored.path("version").asLong()).isEqualTo(version + 2);
    }

    @Test
    void the_issues_two_tabs_end_with_both_changes_kept() {
        saveState(stateOf(runner("runner_disk", "Disk check", "df -h"), runner("runner_flaky", "Flaky", "echo old")));
        String windowB = openTwoWindows();

        // Tab B changes the command of "Flaky" and saves.
        saveCommandIn(windowB, "runner_flaky", "echo fixed");
        // Tab A renames "Disk check" and saves.
        driver.switchTo().window(windowA);
        WebElement disk = runnerCard("runner_disk");
        type(field(disk, "name"), "Disk check (renamed)");
        click(act(disk, "save"));
        waitUntil(d -> !hasClass(disk, "dirty"), "tab A's save");

        JsonNode flaky = storedRunner("runner_flaky");
        JsonNode renamed = storedRunner("runner_disk");
        assertThat(flaky.path("command").asText()).as("B's change survives A's save").isEqualTo("echo fixed");
        assertThat(renamed.path("name").asText()).isEqualTo("Disk check (renamed)");
        assertThat(renamed.path("command").asText()).isEqualTo("df -h");
        waitUntil(d -> value(field(runnerCard("runner_flaky"), "command")).equals("echo fixed"),
                "tab A to show B's change");
        driver.switchTo().window(windowB);
        waitUntil(d -> text(runnerCard("runner_disk").findElement(By.cssSelector(".card-title")))
                .equals("Disk check (renamed)"), "tab B to show A's change");
    }

    @Test
    void groups_and_services_keep_their_edits_too_a_removed_one_can_be_kept_and_services_reorder_through_the_api() {
        saveState("{\"notify_profiles\":["
                + "{\"id\":\"notify_a\",\"name\":\"Phone\",\"type\":\"pushover\",\"active\":true,"
                + "\"config\":{\"user_key\":\"\",\"api_token\":\"\"}},"
                + "{\"id\":\"notify_b\",\"name\":\"Pager\",\"type\":\"pushover\",\"active\":true,"
                + "\"config\":{\"user_key\":\"\",\"api_token\":\"\"}}],"
                + "\"runners\":[" + runner("runner_a", "Backup", "echo backup") + "],"
                + "\"runner_groups\":[{\"id\":\"group_g\",\"name\":\"Nightly\",\"runner_ids\":[\"runner_a\"]}],"
                + "\"runner_layout\":[{\"type\":\"group\",\"id\":\"group_g\"}]}");
        openPage();

        // A group renamed elsewhere while its name is being edited here.
        WebElement group = groupCard("group_g");
        click(act(group, "rename"));
        type(field(group, "name"), "Nightly (mine)");
        assertThat(api("PUT", "/api/groups/group_g", "{\"name\": \"Nightly (theirs)\", \"version\": 1}")
                .statusCode()).isEqualTo(200);
        waitUntil(d -> noticeShown(groupCard("group_g")), "the notice on the group");
        assertThat(value(field(group, "name"))).isEqualTo("Nightly (mine)");
        click(act(group, "keep-mine"));
        click(act(group, "save"));
        waitUntil(d -> !hasClass(groupCard("group_g"), "dirty"), "the group's save");
        assertThat(state().path("runner_groups").get(0).path("name").asText()).isEqualTo("Nightly (mine)");
        assertThat(state().path("runner_groups").get(0).path("version").asLong()).isEqualTo(3);

        // A service removed elsewhere while its name is being edited here: "Keep mine" creates it again.
        WebElement phone = driver.findElement(By.id("service-notify_a"));
        type(field(phone, "name"), "Phone (mine)");
        assertThat(api("DELETE", "/api/profiles/notify_a?version=1", null).statusCode()).isEqualTo(200);
        waitUntil(d -> noticeShown(phone), "the notice on the service");
        assertThat(text(phone.findElement(By.cssSelector(".conflict-text"))))
                .isEqualTo("Removed elsewhere after you started editing; your edits are still here.");
        assertThat(state().path("notify_profiles")).hasSize(1);
        click(act(phone, "keep-mine"));
        click(act(phone, "save"));
        waitUntil(d -> !hasClass(phone, "dirty"), "the service's save");
        List<String> names = new ArrayList<>();
        state().path("notify_profiles").forEach(p -> names.add(p.path("id").asText() + "=" + p.path("name").asText()));
        assertThat(names).containsExactly("notify_b=Pager", "notify_a=Phone (mine)");

        // Services reorder in sort mode; the group removed here leaves its member in its place.
        click(driver.findElement(By.id("servicesSort")));
        click(act(driver.findElement(By.id("service-notify_a")), "up"));
        waitUntil(d -> state().path("notify_profiles").get(0).path("id").asText().equals("notify_a"),
                "the new order");
        assertThat(driver.findElement(By.id("serviceList")).findElement(By.cssSelector(":scope > *"))
                .getAttribute("id")).isEqualTo("service-notify_a");
        click(act(groupCard("group_g"), "remove"));
        confirm();
        waitUntil(d -> d.findElements(By.id("group-group_g")).isEmpty(), "the group to go");
        assertThat(state().path("runner_layout").toString())
                .isEqualTo("[{\"type\":\"runner\",\"id\":\"runner_a\"}]");
        assertThat(runnerCard("runner_a").isDisplayed()).isTrue();
    }
}
