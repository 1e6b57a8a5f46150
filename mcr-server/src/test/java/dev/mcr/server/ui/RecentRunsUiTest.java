package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.RunHandle;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The events pane is filled from the run history when the page loads, so a reload does not empty it. */
class RecentRunsUiTest extends BrowserTestBase {

    @Test
    void after_a_reload_the_events_pane_shows_the_runs_that_ended_before_in_order() throws Exception {
        saveState(stateOf(runner("runner_a", "Alpha", "echo alpha"), runner("runner_b", "Beta", "exit 3")));
        for (String id : new String[] {"runner_a", "runner_b"}) {
            RunHandle h = mcr.start(id);
            h.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        openPage();
        WebElement events = driver.findElement(By.id("events"));
        waitUntil(d -> text(events).contains("Beta: finished, exit code 3"), "the recorded runs in the events pane");
        String shown = text(events);
        assertThat(shown).contains("— the last 2 runs before this page was loaded —");
        assertThat(shown.indexOf("Alpha: finished, exit code 0")).as("oldest first")
                .isLessThan(shown.indexOf("Beta: finished, exit code 3"));

        driver.navigate().refresh();
        WebElement again = waitUntil(d -> {
            WebElement e = d.findElement(By.id("events"));
            return text(e).contains("Beta: finished, exit code 3") ? e : null;
        }, "the events pane after the reload");
        assertThat(text(again)).contains("Alpha: finished, exit code 0");
    }
}
