package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/** Phone and desktop layouts, keyboard access of the collapsible parts, and the screenshots of the page. */
class LayoutUiTest extends BrowserTestBase {

    private static final String STATE = "{\"notify_profiles\":[{\"id\":\"notify_x\",\"name\":\"Pushover for the on-call phone\","
            + "\"type\":\"pushover\",\"active\":true,\"config\":{\"user_key\":\"k1\",\"api_token\":\"t1\"}}],"
            + "\"runners\":[" + runner("runner_a", "Nightly database backup with a rather long name",
                    "pg_dump --format=custom --file=/var/backups/db-$(date +%Y%m%d).dump production_database_with_long_name",
                    "[{\"id\":\"case_1\",\"pattern\":\"error: (?P<reason>.+)\",\"message_template\":\"Backup failed: {reason}\",\"state\":\"DOWN\"},"
                    + "{\"id\":\"case_2\",\"pattern\":\"\",\"message_template\":\"\",\"state\":\"\"}]") + ","
            + runner("runner_m", "Health check", "echo OK") + "],"
            + "\"runner_groups\":[{\"id\":\"group_g\",\"name\":\"Morning checks\",\"runner_ids\":[\"runner_m\"]}],"
            + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"runner_a\"},{\"type\":\"group\",\"id\":\"group_g\"}]}";

    @Test
    void the_page_fits_a_375_pixel_phone_without_horizontal_scrolling_in_every_language() throws IOException {
        saveState(STATE);
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 375, "height", 812, "deviceScaleFactor", 1, "mobile", true));
        try {
            openPage();
            assertThat(js("return window.innerWidth")).isEqualTo(375L);
            click(driver.findElement(By.id("runnersSort")));
            for (String lang : List.of("en", "de", "fr", "zh")) {
                choose(driver.findElement(By.id("langSel")), lang);
                long width = (Long) js("return document.documentElement.scrollWidth");
                assertThat(width).as("page width in %s", lang).isLessThanOrEqualTo(375L);
                @SuppressWarnings("unchecked")
                List<String> wide = (List<String>) js("return Array.from(document.querySelectorAll('body *'))"
                        + ".filter(e => e.getClientRects().length && e.getBoundingClientRect().right > 376)"
                        + ".map(e => e.tagName + '.' + e.className)");
                assertThat(wide).as("elements wider than the screen in %s", lang).isEmpty();
            }
            choose(driver.findElement(By.id("langSel")), "en");
            click(driver.findElement(By.id("runnersSort")));
            WebElement actions = runnerCard("runner_a").findElement(By.cssSelector(".card-head .actions"));
            assertThat(actions.getCssValue("flex-wrap")).isEqualTo("wrap");
            assertThat(runnerCard("runner_a").findElement(By.cssSelector(".cols")).getCssValue("grid-template-columns"))
                    .as("one column").doesNotContain(" ");
            js("window.scrollTo(0, 0)");
            screenshot("main-375.png");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Test
    void collapse_toggles_are_buttons_with_aria_expanded_and_the_state_survives_a_reload() throws IOException {
        saveState(STATE);
        driver.manage().window().setSize(new Dimension(1280, 900));
        openPage();
        runnerCard("runner_a").findElement(By.cssSelector("[data-act=run]")).click();
        waitUntil(d -> text(runnerCard("runner_a").findElement(By.cssSelector(".last-exit"))).startsWith("last exit code"),
                "a run for the screenshot");
        js("window.scrollTo(0, 0)");
        long height = (Long) js("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 140, 4000)));
        screenshot("main.png");
        driver.manage().window().setSize(new Dimension(1280, 900));

        WebElement toggle = driver.findElement(By.id("servicesToggle"));
        assertThat(toggle.getTagName()).isEqualTo("button");
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
        js("arguments[0].focus()", toggle);
        toggle.sendKeys(" ");
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
        assertThat(driver.findElement(By.id("servicesBody")).isDisplayed()).isFalse();

        WebElement cardToggle = runnerCard("runner_m").findElement(By.cssSelector("button.collapse"));
        assertThat(cardToggle.getAttribute("aria-label")).isEqualTo("Show or hide “Health check”");
        click(cardToggle);
        assertThat(cardToggle.getAttribute("aria-expanded")).isEqualTo("false");

        @SuppressWarnings("unchecked")
        List<String> unlabeled = (List<String>) js("return Array.from(document.querySelectorAll('button'))"
                + ".filter(b => !(b.getAttribute('aria-label') || b.textContent.trim().replace(/[↑↓✕▾]/g, '')))"
                + ".map(b => b.outerHTML)");
        assertThat(unlabeled).as("icon buttons need a label").isEmpty();

        openPage();
        assertThat(driver.findElement(By.id("servicesToggle")).getAttribute("aria-expanded")).isEqualTo("false");
        assertThat(runnerCard("runner_m").findElement(By.cssSelector("button.collapse")).getAttribute("aria-expanded"))
                .isEqualTo("false");
        assertThat(runnerCard("runner_a").findElement(By.cssSelector("button.collapse")).getAttribute("aria-expanded"))
                .isEqualTo("true");
    }
}
