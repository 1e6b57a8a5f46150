package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The overview of the runners (issue 18 points 2, 3, 11; the summary of issue 17): health badges from real runs,
 * compact rows with expand/collapse all remembered per browser, the page height with nine runners, search over name,
 * command and tags, summary counts that filter and follow live events, tags edited in the card, the keyboard
 * shortcuts, the DOWN count in the title and favicon, and no meaning carried by an emoji or symbol glyph. Every test
 * also ends with no script error or CSP violation in the console ({@link BrowserTestBase}).
 */
class OverviewUiTest extends BrowserTestBase {

    /** The page's own default rows (compact), not a user's "expand all". */
    @Override
    boolean rowsStartExpanded() {
        return false;
    }

    /** Glyphs that must not carry meaning in the page's text (they render as boxes without the right fonts). */
    private static final String GLYPHS = "⏸▶■✓✗⚠🔔⬇⬆▾✕↑↓⏹⏵✔✘❌";
    private static final Path SHOTS = Path.of("target", "screenshots");

    private static String withTags(String runnerJson, String... tags) {
        String list = java.util.Arrays.stream(tags).map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        return runnerJson.substring(0, runnerJson.length() - 1) + ",\"tags\":[" + list + "]}";
    }

    private static String cases(String... patternStateTemplate) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < patternStateTemplate.length; i += 3) {
            out.add("{\"id\":\"c" + i + "\",\"pattern\":\"" + patternStateTemplate[i] + "\",\"state\":\""
                    + patternStateTemplate[i + 1] + "\",\"message_template\":\"" + patternStateTemplate[i + 2] + "\"}");
        }
        return "[" + String.join(",", out) + "]";
    }

    /** Nine runners as in issue 18's measurement: a mix of outcomes, tags and schedules. */
    private static String nineRunners() {
        List<String> rs = new ArrayList<>();
        rs.add(withTags(runner("r_up", "NAS ping", "echo NAS UP", cases("UP", "UP", "NAS reachable")), "nas", "net"));
        rs.add(runner("r_warn", "Disk space", "echo disk at 95%; echo all UP",
                cases("disk at (9\\\\d)%", "WARN", "Disk {g1}%", "all UP", "UP", "Disk fine")));
        rs.add(withTags(runner("r_down", "Backup", "echo backup failed; exit 2"), "backup"));
        rs.add(runner("r_info", "Certificates", "echo cert days 40", cases("cert days (\\\\d+)", "INFO", "{g1} days")));
        rs.add(runner("r_stop", "Long job", "echo go; sleep 60"));
        for (int i = 6; i <= 9; i++) {
            rs.add(runner("r_" + i, "Runner " + i, "echo plain " + i));
        }
        return stateOf(rs.toArray(String[]::new));
    }

    private void run(String id) {
        assertThat(api("POST", "/api/run", "{\"runner_id\":\"" + id + "\"}").statusCode()).isEqualTo(200);
    }

    private void runToEnd(String id) {
        run(id);
        awaitIdle(id);
    }

    private void awaitIdle(String id) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            JsonNode s = json(api("GET", "/api/status", null).body()).path(id);
            if (!s.path("running").asBoolean() && s.path("last_exit_code").isNumber()) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("runner " + id + " did not finish");
    }

    private void runAll() {
        for (String id : List.of("r_up", "r_warn", "r_down", "r_info")) {
            runToEnd(id);
        }
        run("r_stop");
        waitUntil(d -> json(api("GET", "/api/status", null).body()).path("r_stop").path("tail").asText().contains("go"),
                "the long job to print");
        assertThat(api("POST", "/api/stop", "{\"runner_id\":\"r_stop\"}").statusCode()).isEqualTo(200);
        awaitIdle("r_stop");
    }

    private String health(String id) {
        return text(runnerCard(id).findElement(By.cssSelector("[data-role=health]")));
    }

    private String summary(String filter) {
        return text(driver.findElement(By.cssSelector("#summary [data-filter=" + filter + "] .sum-count")));
    }

    private List<String> visibleRunners() {
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) js("return Array.from(document.querySelectorAll('article.runner'))"
                + ".filter(e => e.offsetParent !== null).map(e => e.dataset.runnerId)");
        return ids;
    }

    private boolean expanded(String id) {
        return "true".equals(runnerCard(id).findElement(By.cssSelector("[data-act=expand]")).getAttribute("aria-expanded"));
    }

    private long pageHeight() {
        return (Long) js("return document.documentElement.scrollHeight");
    }

    private void shot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        js("window.scrollTo(0, 0)");
        Files.write(SHOTS.resolve(name), driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    @Test
    void each_runner_shows_its_health_a_warn_survives_a_later_up_line_and_a_stop_by_the_user_is_neutral() {
        saveState(nineRunners());
        openPage();
        runAll();

        waitUntil(d -> health("r_stop").equals("stopped"), "the stopped runner's badge");
        assertThat(health("r_up")).isEqualTo("UP");
        assertThat(health("r_warn")).as("the WARN of the run stays although its last line was UP").isEqualTo("WARN");
        assertThat(health("r_down")).isEqualTo("DOWN");
        assertThat(health("r_info")).isEqualTo("INFO");
        assertThat(health("r_6")).isEqualTo("no run yet");
        WebElement warnCard = runnerCard("r_warn");
        assertThat(text(warnCard.findElement(By.cssSelector(".last-case")))).as("the last message with its time")
                .matches("\\d\\d:\\d\\d:\\d\\d: Disk fine");
        assertThat(hasClass(warnCard.findElement(By.cssSelector("[data-role=health]")), "h-warn")).isTrue();
        WebElement stopExit = runnerCard("r_stop").findElement(By.cssSelector(".last-exit"));
        assertThat(text(stopExit)).startsWith("stopped by you at").doesNotContain("143").doesNotContain("exit code");
        assertThat(hasClass(stopExit, "bad")).as("a stop is not shown as a failure").isFalse();
        assertThat(hasClass(runnerCard("r_down").findElement(By.cssSelector(".last-exit")), "bad")).isTrue();

        // After a reload the badges come from the status snapshot alone.
        openPage();
        assertThat(health("r_warn")).isEqualTo("WARN");
        assertThat(health("r_stop")).isEqualTo("stopped");
        assertThat(health("r_down")).isEqualTo("DOWN");
        assertThat(health("r_up")).isEqualTo("UP");
    }

    @Test
    void the_health_rule_gives_every_kind_of_status_its_level_in_the_page_module() {
        openPage();
        @SuppressWarnings("unchecked")
        Map<String, String> levels = (Map<String, String>) ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/static/health.js').then(({ healthOf }) => done({"
                        + " paused: healthOf({ paused: true, last_exit_code: 1, worst_state: 'DOWN' }),"
                        + " warnThenUp: healthOf({ worst_state: 'WARN', last_state: 'UP', last_exit_code: 0 }),"
                        + " failed: healthOf({ last_exit_code: 2 }),"
                        + " timedOut: healthOf({ last_outcome: 'timed_out' }),"
                        + " stoppedByUser: healthOf({ last_exit_code: 143, last_stopped: true }),"
                        + " stoppedBeforeRestart: healthOf({ last_outcome: 'stopped' }),"
                        + " failedBeforeRestart: healthOf({ last_outcome: 'failure' }),"
                        + " runningClean: healthOf({ running: true, last_exit_code: 2 }),"
                        + " runningDown: healthOf({ running: true, worst_state: 'DOWN' }),"
                        + " info: healthOf({ worst_state: 'INFO', last_exit_code: 0 }),"
                        + " up: healthOf({ last_exit_code: 0 }),"
                        + " never: healthOf({}) }))");
        assertThat(levels).containsEntry("paused", "paused").containsEntry("warnThenUp", "warn")
                .containsEntry("failed", "down").containsEntry("timedOut", "down")
                .containsEntry("stoppedByUser", "stopped").containsEntry("stoppedBeforeRestart", "stopped")
                .containsEntry("failedBeforeRestart", "down").containsEntry("runningClean", "running")
                .containsEntry("runningDown", "down").containsEntry("info", "info").containsEntry("up", "up")
                .containsEntry("never", "none");
    }

    @Test
    void nine_runners_are_compact_rows_that_expand_and_collapse_one_by_one_or_all_and_are_remembered() {
        saveState(nineRunners());
        openPage();
        List<String> ids = List.of("r_up", "r_warn", "r_down", "r_info", "r_stop", "r_6", "r_7", "r_8", "r_9");
        assertThat(ids).allSatisfy(id -> assertThat(expanded(id)).as(id).isFalse());
        assertThat(field(runnerCard("r_up"), "command").isDisplayed()).isFalse();
        assertThat(act(runnerCard("r_up"), "run").isDisplayed()).as("Run is in the row").isTrue();
        assertThat(runnerCard("r_up").findElements(By.cssSelector(".run-strip-slot"))).hasSize(1);
        assertThat(text(runnerCard("r_up").findElement(By.cssSelector(".tags")))).isEqualTo("nasnet");

        click(act(runnerCard("r_warn"), "expand"));
        assertThat(field(runnerCard("r_warn"), "command").isDisplayed()).isTrue();
        openPage();
        assertThat(expanded("r_warn")).as("an opened row is remembered in this browser").isTrue();
        assertThat(expanded("r_up")).isFalse();

        click(driver.findElement(By.id("expandAll")));
        assertThat(ids).allSatisfy(id -> assertThat(expanded(id)).as(id).isTrue());
        openPage();
        assertThat(ids).allSatisfy(id -> assertThat(expanded(id)).as(id).isTrue());
        click(driver.findElement(By.id("collapseAll")));
        assertThat(ids).allSatisfy(id -> assertThat(expanded(id)).as(id).isFalse());
        openPage();
        assertThat(ids).allSatisfy(id -> assertThat(expanded(id)).as(id).isFalse());
    }

    @Test
    void a_single_runner_is_a_compact_row_on_a_first_visit_and_a_new_runner_opens_for_editing() {
        saveState(stateOf(runner("r_one", "Greeter", "echo hello")));
        openPage();
        WebElement card = runnerCard("r_one");
        assertThat(expanded("r_one")).as("compact whatever the count").isFalse();
        assertThat(field(card, "command").isDisplayed()).isFalse();
        assertThat(act(card, "run").isDisplayed()).as("Run is in the row").isTrue();

        click(driver.findElement(By.id("addRunner")));
        WebElement draft = driver.findElement(By.cssSelector("article.runner:not(#runner-r_one)"));
        assertThat(draft.findElement(By.cssSelector("[data-act=expand]")).getAttribute("aria-expanded"))
                .as("a new runner opens for editing").isEqualTo("true");
        assertThat(js("return document.activeElement === arguments[0]", field(draft, "name"))).isEqualTo(true);
        assertThat(expanded("r_one")).isFalse();

        click(act(card, "expand"));
        openPage();
        assertThat(expanded("r_one")).as("the user's choice wins over the default").isTrue();
    }

    @Test
    void the_page_with_nine_runners_is_far_shorter_than_before_on_the_desktop_and_rows_stay_short_on_a_phone()
            throws IOException {
        saveState(nineRunners());
        driver.manage().window().setSize(new Dimension(1280, 900));
        openPage();
        runAll();
        waitUntil(d -> health("r_stop").equals("stopped"), "every run to show");
        long desktop = pageHeight();
        shot("overview-desktop.png");
        assertThat(desktop).as("the original's page with nine runners is 1 808 px, ours was 6 531 px")
                .isLessThan(1808);
        long rowDesktop = (Long) js("return Math.max(...Array.from(document.querySelectorAll('article.runner'))"
                + ".map(e => Math.round(e.getBoundingClientRect().height)))");
        try {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", 844,
                    "deviceScaleFactor", 1, "mobile", true));
            openPage();
            long phone = pageHeight();
            long rowPhone = (Long) js("return Math.max(...Array.from(document.querySelectorAll('article.runner'))"
                    + ".map(e => Math.round(e.getBoundingClientRect().height)))");
            shot("overview-phone.png");
            Files.writeString(SHOTS.resolve("overview-heights.txt"), "1280x900 page " + desktop + " px, tallest row "
                    + rowDesktop + " px\n390x844 page " + phone + " px, tallest row " + rowPhone + " px\n");
            System.out.println("[overview] 1280x900: page " + desktop + " px, row " + rowDesktop + " px; 390x844: page "
                    + phone + " px, row " + rowPhone + " px");
            assertThat(rowPhone).as("a row on a phone is one or two lines").isLessThan(80);
            assertThat(phone).as("the phone page was 13 365 px").isLessThan(3000);
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            openPage();
            shot("overview-dark.png");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        assertThat(rowDesktop).as("a row on the desktop is one line").isLessThan(50);
    }

    @Test
    void search_finds_runners_by_name_command_and_tag_and_the_summary_counts_filter_and_follow_live_events() {
        saveState(nineRunners());
        openPage();
        WebElement search = driver.findElement(By.id("runnerSearch"));
        type(search, "nas");
        waitUntil(d -> visibleRunners().equals(List.of("r_up")), "the search by name and tag");
        type(search, "plain 7");
        waitUntil(d -> visibleRunners().equals(List.of("r_7")), "the search by command");
        type(search, "backup");
        waitUntil(d -> visibleRunners().equals(List.of("r_down")), "the search by tag");
        search.sendKeys(Keys.ESCAPE);
        waitUntil(d -> visibleRunners().size() == 9, "Escape to empty the search");

        assertThat(summary("down")).isEqualTo("0");
        runToEnd("r_down");
        waitUntil(d -> summary("down").equals("1"), "the DOWN count to follow the live finish");
        runToEnd("r_warn");
        runToEnd("r_up");
        waitUntil(d -> summary("warn").equals("1") && summary("ok").equals("1"), "the counts to follow");

        click(driver.findElement(By.cssSelector("#summary [data-filter=down]")));
        waitUntil(d -> visibleRunners().equals(List.of("r_down")), "the DOWN filter");
        assertThat(driver.findElement(By.cssSelector("#summary [data-filter=down]")).getAttribute("aria-pressed"))
                .isEqualTo("true");
        click(driver.findElement(By.cssSelector("#summary [data-filter=warn]")));
        waitUntil(d -> visibleRunners().equals(List.of("r_warn")), "the WARN filter");
        click(driver.findElement(By.cssSelector("#summary [data-filter=warn]")));
        waitUntil(d -> visibleRunners().size() == 9, "a second press to clear the filter");

        run("r_stop");
        WebElement pill = driver.findElement(By.id("activity"));
        waitUntil(d -> pill.isDisplayed() && summary("running").equals("1"), "the running count");
        click(pill);
        waitUntil(d -> visibleRunners().equals(List.of("r_stop")), "the activity pill to filter to running");
        assertThat(api("POST", "/api/stop", "{\"runner_id\":\"r_stop\"}").statusCode()).isEqualTo(200);
        waitUntil(d -> visibleRunners().isEmpty(), "the stopped runner to leave the running filter");
    }

    @Test
    void tags_are_edited_in_the_card_saved_with_ctrl_s_ctrl_enter_runs_f_searches_the_output_and_slash_focuses_the_search() {
        saveState(stateOf(runner("r_one", "Greeter", "echo hello")));
        openPage();
        WebElement card = runnerCard("r_one");
        assertThat(expanded("r_one")).as("a single runner is a compact row too").isFalse();
        click(act(card, "expand"));
        WebElement tags = field(card, "tags");
        type(tags, " web,  prod , web");
        assertThat(hasClass(card, "dirty")).isTrue();
        tags.sendKeys(Keys.chord(Keys.CONTROL, "s"));
        waitUntil(d -> !hasClass(card, "dirty"), "Ctrl+S to save");
        assertThat(storedRunner("r_one").path("tags").toString()).isEqualTo("[\"web\",\"prod\"]");
        assertThat(text(card.findElement(By.cssSelector(".tags")))).isEqualTo("webprod");

        field(card, "name").sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        waitUntil(d -> text(card.findElement(By.cssSelector("pre.output"))).contains("hello"), "Ctrl+Enter to run");

        // F on the card (here its Run button has the focus): the output's search, full screen, focus in the field.
        js("arguments[0].focus()", act(card, "run"));
        driver.switchTo().activeElement().sendKeys("f");
        waitUntil(d -> Boolean.TRUE.equals(js("return document.getElementById('outputFull').open"
                + " && document.activeElement.id === 'outputFullSearch'")), "F to open the output search");
        driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        waitUntil(d -> Boolean.FALSE.equals(js("return document.getElementById('outputFull').open")),
                "Escape to close the full-screen view");

        js("document.activeElement.blur()");
        driver.findElement(By.tagName("body")).sendKeys("/");
        assertThat(js("return document.activeElement.id")).isEqualTo("runnerSearch");
        driver.switchTo().activeElement().sendKeys("prod");
        waitUntil(d -> visibleRunners().equals(List.of("r_one")), "the search by the new tag");
        type(driver.findElement(By.id("runnerSearch")), "nothing like it");
        waitUntil(d -> visibleRunners().isEmpty(), "no match");

        click(driver.findElement(By.id("brand")));
        String guide = text(driver.findElement(By.id("infoBody")));
        assertThat(guide).contains("/ jumps to the search", "Ctrl+S saves", "Ctrl+Enter runs",
                "F searches its output (full screen)");
    }

    @Test
    void the_title_and_the_favicon_show_how_many_runners_are_down() {
        saveState(stateOf(runner("a", "A", "exit 1"), runner("b", "B", "exit 2"), runner("c", "C", "true")));
        openPage();
        assertThat(driver.getTitle()).isEqualTo("mcr");
        String calm = String.valueOf(js("return document.getElementById('favicon').href"));
        assertThat(calm).startsWith("data:image/png;base64,");
        runToEnd("a");
        waitUntil(d -> "(1 DOWN) mcr".equals(d.getTitle()), "one DOWN in the title");
        runToEnd("b");
        runToEnd("c");
        waitUntil(d -> "(2 DOWN) mcr".equals(d.getTitle()), "two DOWN in the title");
        String down = String.valueOf(js("return document.getElementById('favicon').href"));
        assertThat(down).startsWith("data:image/png;base64,").isNotEqualTo(calm);
        choose(driver.findElement(By.id("langSel")), "zh");
        waitUntil(d -> d.getTitle().equals("（2 个 DOWN）mcr"), "the title in Chinese");
    }

    @Test
    void no_meaning_depends_on_an_emoji_or_symbol_glyph_in_any_language() {
        saveState(nineRunners());
        openPage();
        runAll();
        click(driver.findElement(By.id("expandAll")));
        for (String lang : List.of("en", "de", "fr", "zh")) {
            choose(driver.findElement(By.id("langSel")), lang);
            String pageText = String.valueOf(js("return document.body.innerText + ' ' + Array.from("
                    + "document.querySelectorAll('[aria-label],[title],[placeholder]')).map(e => (e.getAttribute('aria-label') || '')"
                    + " + (e.getAttribute('title') || '') + (e.getAttribute('placeholder') || '')).join(' ')"));
            List<String> found = IntStream.range(0, GLYPHS.length()).mapToObj(i -> String.valueOf(GLYPHS.charAt(i)))
                    .filter(g -> !Character.isSurrogate(g.charAt(0)) && pageText.contains(g)).toList();
            assertThat(found).as("glyphs in the %s page", lang).isEmpty();
            assertThat(pageText).doesNotContain("🔔");
        }
        assertThat((Long) js("return document.querySelectorAll('svg.icon[aria-hidden=true]').length"))
                .as("icons are inline SVG").isGreaterThan(20);
    }
}
