package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Runner cards against a real server: creating, saving, running, stopping, live output, edit rules. */
class RunnerUiTest extends BrowserTestBase {

    @Test
    void the_page_loads_every_section_and_every_module_with_the_asset_version() {
        saveState(stateOf(runner("runner_a", "Disk report", "df -h")));

        openPage();

        for (String id : List.of("servicesTitle", "runnersTitle", "journalTitle", "eventsTitle")) {
            assertThat(driver.findElement(By.id(id)).isDisplayed()).as(id).isTrue();
        }
        assertThat(text(runnerCard("runner_a").findElement(By.cssSelector(".card-title")))).isEqualTo("Disk report");
        assertThat(text(driver.findElement(By.id("runnerCount")))).isEqualTo("(1)");
        assertThat(driver.getPageSource()).doesNotContain("__ASSET_VERSION__");
        @SuppressWarnings("unchecked")
        List<String> assets = (List<String>) js("return performance.getEntriesByType('resource')"
                + ".map(e => e.name).filter(n => n.includes('/static/'))");
        assertThat(assets).as("module and style URLs").hasSizeGreaterThanOrEqualTo(10)
                .allSatisfy(u -> assertThat(u).matches(".*/static/.*\\?v=[A-Za-z0-9]+$"));
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void a_new_runner_with_a_case_is_saved_runs_and_shows_its_output_and_case_message_live() {
        openPage();
        click(driver.findElement(By.id("addRunner")));
        WebElement card = waitUntil(d -> d.findElements(By.cssSelector("article.runner")).stream().findFirst().orElse(null),
                "the new runner card");
        String id = card.getAttribute("data-runner-id");
        assertThat(storedRunner(id)).as("a new runner is a draft until Save").isNull();
        assertThat(act(card, "run").isEnabled()).as("no command yet, so no run").isFalse();

        type(field(card, "name"), "Answer finder");
        type(field(card, "command"), "echo first; sleep 1; echo 'value: 42'; sleep 1; echo last");
        click(act(card, "add-case"));
        type(field(card, "pattern"), "value: (\\d+)");
        type(field(card, "template"), "Got {g1}");
        choose(field(card, "state"), "UP");
        assertThat(hasClass(card, "dirty")).isTrue();
        assertThat(act(card, "run").isEnabled()).as("unsaved edits block Run").isFalse();

        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save to finish");
        JsonNode stored = storedRunner(id);
        assertThat(stored.path("name").asText()).isEqualTo("Answer finder");
        assertThat(stored.path("cases").get(0).path("pattern").asText()).isEqualTo("value: (\\d+)");
        assertThat(stored.path("cases").get(0).path("state").asText()).isEqualTo("UP");
        assertThat(flashText()).contains("Answer finder").contains("saved");

        click(act(card, "run"));
        WebElement output = card.findElement(By.cssSelector("pre.output"));
        waitUntil(d -> text(output).contains("first"), "the first output line");
        assertThat(text(card.findElement(By.cssSelector(".state-badge")))).as("still running").isEqualTo("running");
        assertThat(text(output)).doesNotContain("last");
        waitUntil(d -> text(card.findElement(By.cssSelector(".last-case"))).endsWith(": Got 42"), "the case message");
        waitUntil(d -> text(card.findElement(By.cssSelector(".last-exit"))).startsWith("last exit code 0"),
                "the run to finish");
        assertThat(text(output)).isEqualTo("first\nvalue: 42\nlast\n");
        assertThat(card.findElement(By.cssSelector(".state-badge")).isDisplayed()).isFalse();
        String events = text(driver.findElement(By.id("events")));
        assertThat(events).contains("Answer finder: started (run 1)", "Answer finder: case [UP] Got 42",
                "Answer finder: finished, exit code 0");
        assertThat(events).doesNotContain(id);
    }

    @Test
    void a_long_runner_locks_its_settings_while_running_and_stop_ends_it() {
        saveState(stateOf(runner("runner_long", "Sleeper", "echo begin; sleep 30")));
        openPage();
        WebElement card = runnerCard("runner_long");

        click(act(card, "run"));
        waitUntil(d -> text(card.findElement(By.cssSelector("pre.output"))).contains("begin"), "the run to start");
        assertThat(text(act(card, "run"))).isEqualTo("Stop");
        assertThat(field(card, "command").isEnabled()).as("settings are locked while running").isFalse();
        assertThat(field(card, "cool").isEnabled()).isFalse();
        assertThat(act(card, "remove").isEnabled()).isFalse();
        assertThat(act(card, "open-log").isEnabled()).as("open log stays usable").isTrue();
        assertThat(act(card, "copy").isEnabled()).isTrue();
        waitUntil(d -> text(card.findElement(By.cssSelector(".elapsed"))).matches("00:00:(0[1-9]|[12]\\d)"),
                "the elapsed time (any second of the 30 s run: a slow poll must not miss a window of 9)");
        assertThat(text(driver.findElement(By.id("activity")))).isEqualTo("1 running • 0 scheduled");

        click(act(card, "run"));
        waitUntil(d -> text(act(card, "run")).equals("Run"), "the runner to stop");
        assertThat(field(card, "command").isEnabled()).isTrue();
        assertThat(card.findElement(By.cssSelector(".elapsed")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("activity")).isDisplayed()).isFalse();
        assertThat(text(driver.findElement(By.id("events")))).contains("Sleeper: stopping", "Sleeper: stopped by the user");
        JsonNode status = json(api("GET", "/api/status", null).body()).path("runner_long");
        assertThat(status.path("running").asBoolean()).isFalse();
    }

    @Test
    void unsaved_edits_mark_the_card_block_run_and_clone_and_undoing_them_clears_the_mark() {
        saveState(stateOf(runner("runner_a", "Alpha", "echo alpha"), runner("runner_b", "Beta", "echo beta")));
        openPage();
        WebElement a = runnerCard("runner_a");
        WebElement b = runnerCard("runner_b");
        assertThat(act(a, "save").isEnabled()).isFalse();
        assertThat(act(b, "clone").isEnabled()).isTrue();

        type(field(a, "command"), "echo changed");
        assertThat(hasClass(a, "dirty")).isTrue();
        assertThat(a.findElement(By.cssSelector(".dirty-badge")).isDisplayed()).isTrue();
        assertThat(act(a, "save").isEnabled()).isTrue();
        assertThat(act(a, "run").isEnabled()).isFalse();
        assertThat(act(b, "clone").isEnabled()).as("clone needs a page without unsaved edits").isFalse();
        assertThat(act(b, "run").isEnabled()).as("other runners still run").isTrue();

        type(field(a, "command"), "echo alpha");
        assertThat(hasClass(a, "dirty")).as("undoing the edit clears the mark").isFalse();
        assertThat(act(a, "run").isEnabled()).isTrue();
        assertThat(act(b, "clone").isEnabled()).isTrue();

        // "off" (0) for cooldown, escalation and auto-pause is really saved as 0.
        choose(field(a, "cool"), "0");
        choose(field(a, "esc"), "0");
        choose(field(a, "pause"), "0");
        click(act(a, "save"));
        waitUntil(d -> !hasClass(a, "dirty"), "the save");
        JsonNode stored = storedRunner("runner_a");
        assertThat(stored.path("alert_cooldown_s").asInt()).isZero();
        assertThat(stored.path("alert_escalation_s").asInt()).isZero();
        assertThat(stored.path("failure_pause_threshold").asInt()).isZero();

        // A half-filled case is shown invalid and is not saved.
        click(act(a, "add-case"));
        type(field(a, "pattern"), "ERROR");
        WebElement row = a.findElement(By.cssSelector(".case-row"));
        assertThat(hasClass(row, "invalid")).isTrue();
        assertThat(text(row.findElement(By.cssSelector(".case-msg")))).contains("Incomplete");
        click(act(a, "save"));
        waitUntil(d -> flashText().contains("incomplete cases"), "the refusal");
        assertThat(storedRunner("runner_a").path("cases").size()).isZero();
        type(field(a, "template"), "An error");
        assertThat(hasClass(row, "invalid")).isFalse();

        // Clone works once nothing is unsaved, and names the copy in the message.
        click(act(row, "remove-case"));
        confirm();
        waitUntil(d -> !hasClass(a, "dirty"), "the removed case to undo the edit");
        click(act(b, "clone"));
        waitUntil(d -> d.findElements(By.cssSelector("article.runner")).size() == 3, "the clone");
        assertThat(flashText()).contains("Beta").contains("cloned");
        assertThat(state().path("runners")).hasSize(3);
    }

    @Test
    void output_of_one_runner_never_disturbs_focus_caret_or_typing_in_another_card() {
        saveState(stateOf(runner("runner_loud", "Loud", "seq -f 'line %g' 1 200; sleep 1.5; seq -f 'line %g' 201 400"),
                runner("runner_quiet", "Quiet", "echo quiet")));
        openPage();
        WebElement loud = runnerCard("runner_loud");
        WebElement quiet = runnerCard("runner_quiet");
        WebElement cmd = field(quiet, "command");
        type(cmd, "echo typed by hand");
        js("arguments[0].focus(); arguments[0].setSelectionRange(5, 9);", cmd);

        js("document.querySelector('#runner-runner_loud [data-act=run]').click()");
        WebElement out = loud.findElement(By.cssSelector("pre.output"));
        waitUntil(d -> text(out).contains("line 200\n"), "output to stream");
        waitUntil(d -> Boolean.TRUE.equals(js(
                "return arguments[0].scrollHeight - arguments[0].scrollTop - arguments[0].clientHeight <= 4", out)),
                "the output to follow the end while the user is there");
        js("arguments[0].scrollTop = 0", out);
        waitUntil(d -> text(out).contains("line 400\n"), "the rest of the output");

        assertThat(js("return document.activeElement === arguments[0]", cmd)).isEqualTo(true);
        assertThat(js("return [arguments[0].selectionStart, arguments[0].selectionEnd]", cmd)).isEqualTo(List.of(5L, 9L));
        assertThat(cmd.getAttribute("value")).isEqualTo("echo typed by hand");
        assertThat(hasClass(quiet, "dirty")).isTrue();
        assertThat(((Number) js("return arguments[0].scrollTop", out)).intValue())
                .as("the output does not jump to the end while the user reads above").isZero();
    }

    @Test
    void a_failed_call_shows_the_servers_detail_text_and_the_runner_name() {
        saveState(stateOf(runner("runner_gone", "Vanishing", "echo hi")));
        openPage();
        WebElement card = runnerCard("runner_gone");

        // The page follows a removal made elsewhere at once (the card goes away), so the click races the removal
        // here: the run request still reaches the server after it, and its 404 must read well.
        js("const [run, state] = arguments; return fetch('/api/state', {method: 'POST', headers: "
                + "{'Content-Type': 'application/json'}, body: state}).then(() => run.click())",
                act(card, "run"), stateOf());

        waitUntil(d -> !flashText().isEmpty(), "the error message");
        String message = flashText();
        assertThat(message).contains("Starting “Vanishing” failed").contains("404").contains("Runner not found");
        assertThat(message).doesNotContain("{").doesNotContain("detail");
        assertThat(driver.findElement(By.id("flash")).getAttribute("class")).contains("error");
    }

    @Test
    void import_adds_the_runners_of_an_export_file_and_a_broken_file_shows_the_servers_reason(@TempDir Path files)
            throws IOException {
        saveState(stateOf(runner("runner_a", "Exported", "echo exported")));
        openPage();
        Path good = Files.writeString(files.resolve("export.json"), api("GET", "/api/export", null).body());
        Path bad = Files.writeString(files.resolve("bad.json"), "{not json");
        WebElement input = driver.findElement(By.id("importFile"));

        input.sendKeys(good.toString());
        click(waitUntil(d -> d.findElement(By.id("importConfirm")).isDisplayed()
                ? d.findElement(By.id("importConfirm")) : null, "the import preview"));
        waitUntil(d -> d.findElements(By.cssSelector("article.runner")).size() == 2, "the imported runner");
        assertThat(flashText()).isEqualTo("Imported runners: 1.");
        assertThat(state().path("runners")).hasSize(2);

        input.sendKeys(bad.toString());
        waitUntil(d -> flashText().startsWith("Import of “bad.json” failed"), "the import error");
        assertThat(flashText()).contains("error 400").contains("Invalid JSON").doesNotContain("{\"");
        assertThat(state().path("runners")).hasSize(2);
    }

    @Test
    void a_repeating_runner_shows_its_schedule_and_run_count_and_is_paused_after_failures_in_a_row() {
        String r = runner("runner_rep", "Flaky probe", "echo try; exit 3")
                .replace("\"seconds\":0}", "\"seconds\":2}")
                .replace("\"max_runs\":1", "\"max_runs\":-1")
                .replace("\"failure_pause_threshold\":5", "\"failure_pause_threshold\":3");
        saveState(stateOf(r));
        openPage();
        WebElement card = runnerCard("runner_rep");
        assertThat(field(card, "pause").getAttribute("value")).isEqualTo("3");
        assertThat(field(card, "runs").getAttribute("value")).isEqualTo("-1");

        click(act(card, "run"));
        waitUntil(d -> hasClass(card, "is-scheduled"), "the first scheduled pause");
        assertThat(text(card.findElement(By.cssSelector(".state-badge")))).isEqualTo("scheduled");
        assertThat(text(card.findElement(By.cssSelector(".pill.runs")))).isEqualTo("1/∞");
        assertThat(text(card.findElement(By.cssSelector(".last-exit")))).startsWith("last exit code 3");
        assertThat(text(driver.findElement(By.id("activity")))).isEqualTo("0 running • 1 scheduled");
        assertThat(text(act(card, "run"))).as("Stop stays usable while scheduled").isEqualTo("Stop");
        assertThat(field(card, "command").isEnabled()).isFalse();

        waitUntil(d -> hasClass(card, "is-paused"), "the auto-pause");
        assertThat(text(card.findElement(By.cssSelector(".state-line .paused")))).isEqualTo("paused after 3 failures");
        assertThat(text(card.findElement(By.cssSelector(".state-badge")))).isEqualTo("paused");
        assertThat(flashText()).isEqualTo("“Flaky probe” was paused after 3 failures in a row.");
        assertThat(text(act(card, "run"))).isEqualTo("Run");
        assertThat(field(card, "command").isEnabled()).isTrue();
        assertThat(text(driver.findElement(By.id("events")))).contains("Flaky probe: started (run 3)",
                "Flaky probe: next run in 2 s", "Flaky probe: paused after 3 failures in a row");
    }
}
