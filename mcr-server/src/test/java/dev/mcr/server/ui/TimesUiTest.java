package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * Times on the page, in a browser set to Europe/Berlin: today's times as a clock, any other day with date and
 * offset (the night the clocks change reads two ways without it), full ISO time with zone in the tooltips.
 */
class TimesUiTest extends BrowserTestBase {

    @AfterEach
    void backToTheSystemZone() {
        driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
    }

    @Test
    void other_days_show_date_and_offset_today_shows_the_clock_and_tooltips_carry_the_full_time_with_zone() {
        driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Europe/Berlin"));
        saveState(stateOf(runner("runner_a", "Disk report", "echo disk at 93%",
                "[{\"id\":\"case_a\",\"pattern\":\"disk at (\\\\d+)%\",\"message_template\":\"Disk {g1}%\","
                        + "\"state\":\"WARN\"}]")));
        openPage();
        @SuppressWarnings("unchecked")
        List<String> formatted = (List<String>) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "import('/static/util.js').then(u => done([u.dateTime('2026-03-29T00:30:00Z'),"
                        + " u.dateTime('2026-03-29T01:30:00Z'), u.fullTime('2026-03-29T01:30:00Z'),"
                        + " u.dateTime(new Date().toISOString()), u.dateTime('')]));");
        assertThat(formatted.get(0)).isEqualTo("2026-03-29 01:30:00 UTC+1");
        assertThat(formatted.get(1)).as("an hour later, after the change").isEqualTo("2026-03-29 03:30:00 UTC+2");
        assertThat(formatted.get(2)).isEqualTo("2026-03-29T03:30:00+02:00 (Europe/Berlin)");
        assertThat(formatted.get(3)).as("today").matches("\\d\\d:\\d\\d:\\d\\d");
        assertThat(formatted.get(4)).isEmpty();

        WebElement card = runnerCard("runner_a");
        click(act(card, "run"));
        WebElement exit = card.findElement(By.cssSelector(".last-exit"));
        waitUntil(d -> text(exit).startsWith("last exit code 0"), "the run to finish");
        assertThat(text(exit)).matches("last exit code 0 at \\d\\d:\\d\\d:\\d\\d");
        assertThat(exit.getAttribute("title"))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+0[12]:00 \\(Europe/Berlin\\)");
        WebElement lastCase = waitUntil(d -> {
            WebElement e = card.findElement(By.cssSelector(".last-case"));
            return text(e).contains("Disk 93%") ? e : null;
        }, "the last case");
        assertThat(lastCase.getAttribute("title")).endsWith("(Europe/Berlin)");
    }
}
