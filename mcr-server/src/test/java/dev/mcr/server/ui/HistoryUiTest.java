package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.RunHandle;
import dev.mcr.model.CaseState;
import dev.mcr.store.RunRecord;
import dev.mcr.store.RunRetention;
import dev.mcr.store.Store;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * The strip of recent runs on each runner and the history view, on a history of 1 000 recorded runs seeded through
 * the store: the strip shows exactly the newest 50 in their colours and follows new runs live, the table pages
 * through all 1 000 while new runs arrive, the chart has one mark per run of the page, the view has its own address,
 * nothing breaks the CSP, and no task of the page takes longer than 200 ms. Screenshots (desktop, phone, dark) go to
 * {@code target/screenshots/}.
 */
class HistoryUiTest extends BrowserTestBase {

    private static final int RUNS = 1000;
    /** Records every long task from the first byte of each document (CDP scripts run before the page's own). */
    private static final String LONG_TASKS = "window.__longTasks = [];"
            + "new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longTasks.push("
            + "Math.round(e.startTime) + ' ms: ' + Math.round(e.duration)); }).observe({type: 'longtask', buffered: true});";
    /** The longest task the page may run (a frame budget the user notices above it). */
    private static final long MAX_TASK_MS = 200;
    private static final RunRetention KEEP_ALL = new RunRetention(RUNS, Duration.ofDays(90), 1L << 40);

    /** The seeded runs of runner_big, newest first. */
    private final List<RunRecord> seeded = new ArrayList<>();

    /** Room for the 1 000 seeded runs and those that arrive during the test (retention would drop the oldest). */
    @Override
    Map<String, String> extraEnv() {
        return Map.of("MCR_HISTORY_RUNS", "2000");
    }

    /** Seeds the history through the store before the server opens it, the way finished runs would have left it. */
    @BeforeEach
    @Override
    void startServer() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (Store store = openStore()) {
            for (int n = 0; n < RUNS; n++) {
                RunRecord r = seededRun("runner_big", n, now.minus(Duration.ofMinutes(RUNS - n)));
                store.runs().ended(r, KEEP_ALL, now);
                seeded.add(0, r);
            }
            for (int n = 0; n < 5; n++) {
                store.runs().ended(seededRun("runner_small", n, now.minus(Duration.ofMinutes(30 - n))), KEEP_ALL,
                        now);
            }
        }
        super.startServer();
    }

    /**
     * The SQLite store of this test's data folder. Its package is not exported (the server only sees the facade), so
     * the test, which runs on the class path, opens it by name.
     */
    private Store openStore() {
        try {
            return (Store) Class.forName("dev.mcr.store.sqlite.SqliteStore").getMethod("open", Path.class)
                    .invoke(null, dataDir);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("The SQLite store could not be opened.", e);
        }
    }

    /** A run of every kind in turn: success with each worst state, failures with and without one, stops, lost. */
    private static RunRecord seededRun(String runnerId, int n, Instant start) {
        String id = String.format("run_%012x%020x", start.toEpochMilli(), n);
        RunRecord r = RunRecord.started(id, runnerId, runnerId, null, n % 3 == 0 ? RunRecord.SCHEDULE
                : RunRecord.MANUAL, n % 3 == 0 ? null : "admin", "node-a", start, 1);
        long ms = 200 + (n % 9) * 700L + n;
        Instant end = start.plusMillis(ms);
        CaseState[] states = {null, CaseState.UP, CaseState.WARN, CaseState.DOWN, CaseState.INFO};
        CaseState worst = states[n % 5];
        String message = worst == null ? null : "run " + n + " was " + worst.json();
        if (n % 37 == 5) {
            return new RunRecord(id, runnerId, runnerId, null, r.trigger(), r.actor(), r.node(), start, end, null,
                    null, false, false, true, 1, null, null, null, 0, 0, true);
        }
        int exit = n % 7 == 0 ? 2 : 0;
        return r.ended(end, exit, n % 29 == 3, n % 31 == 4, message, worst, worst, 1, 10);
    }

    /** The colour classes the page must give a run (history-common.js runClasses). */
    private static String classes(RunRecord r) {
        String o = r.outcome();
        switch (o) {
            case RunRecord.RUNNING, RunRecord.LOST, RunRecord.STOPPED:
                return "k-" + o;
            case RunRecord.TIMED_OUT:
                return "k-timeout";
            default:
                break;
        }
        String kind = r.worstState() == null ? (o.equals(RunRecord.SUCCESS) ? "k-ok" : "k-fail")
                : switch (r.worstState()) {
                    case DOWN -> "k-down";
                    case WARN -> "k-warn";
                    case INFO -> "k-info";
                    default -> "k-ok";
                };
        return o.equals(RunRecord.FAILURE) && !kind.equals("k-fail") ? kind + " x-fail" : kind;
    }

    @SuppressWarnings("unchecked")
    private List<String> strings(String script, Object... args) {
        return (List<String>) js(script, args);
    }

    /**
     * Asserts that no task of the page since it loaded took longer than {@link #MAX_TASK_MS} of main-thread time. A
     * long task's duration is wall-clock time: when other processes hold the cores, the page's main thread waits
     * for one inside its tasks and every task looks longer by the same factor. That factor is measured in the same
     * run from Chromium's own counters ({@link #contention()}) and divided out, so the check holds on a busy build
     * machine as on an idle one, and still fails for a task that does too much work.
     */
    private void assertNoLongTask(String during) {
        @SuppressWarnings("unchecked")
        List<String> tasks = (List<String>) js("return window.__longTasks || null");
        assertThat(tasks).as("the long-task observer is installed").isNotNull();
        double contention = contention();
        assertThat(tasks).as("tasks over 50 ms (start: wall duration) %s, main thread slowed %.2f times by other "
                        + "processes", during, contention)
                .allSatisfy(t -> assertThat(Long.parseLong(t.substring(t.indexOf(": ") + 2)) / contention)
                        .isLessThan(MAX_TASK_MS));
    }

    /**
     * How many times longer the page's tasks took than the CPU time its main thread spent in them, since
     * {@code Performance.enable}: Chromium's {@code TaskDuration} (wall time of the main thread's tasks) over its
     * {@code ThreadTime} (that thread's CPU time); 1 on an idle machine.
     */
    @SuppressWarnings("unchecked")
    private double contention() {
        Map<String, Object> answer = driver.executeCdpCommand("Performance.getMetrics", Map.of());
        double task = 0;
        double thread = 0;
        for (Map<String, Object> m : (List<Map<String, Object>>) answer.get("metrics")) {
            double value = ((Number) m.get("value")).doubleValue();
            switch (String.valueOf(m.get("name"))) {
                case "TaskDuration" -> task = value;
                case "ThreadTime" -> thread = value;
                default -> { }
            }
        }
        assertThat(thread).as("Chromium reports the main thread's CPU time").isPositive();
        return Math.max(1, task / thread);
    }

    private WebElement strip(String runnerId) {
        return runnerCard(runnerId).findElement(By.cssSelector(".run-strip"));
    }

    private void shot(String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void the_strip_shows_the_newest_50_runs_in_their_colours_and_the_history_pages_through_all_1000_while_runs_arrive()
            throws Exception {
        saveState(stateOf(runner("runner_big", "Big history", "echo fresh run"),
                runner("runner_small", "Small", "true")));
        List<String> ids = seeded.stream().map(RunRecord::runId).toList();
        openPage();

        WebElement strip = waitUntil(d -> {
            WebElement s = strip("runner_big");
            return s.findElements(By.cssSelector(".run-cell")).size() == 50 ? s : null;
        }, "the strip of the big runner");
        assertThat(strings("return Array.from(arguments[0].querySelectorAll('.run-cell')).map(c => c.dataset.runId)",
                strip)).as("exactly the newest 50, newest first").isEqualTo(ids.subList(0, 50));
        List<String> shownClasses = strings("return Array.from(arguments[0].querySelectorAll('.run-cell'))"
                + ".map(c => c.className.replace('run-cell ', ''))", strip);
        for (int i = 0; i < 50; i++) {
            assertThat(shownClasses.get(i)).as("colour of %s (%s, worst %s)", ids.get(i), seeded.get(i).outcome(),
                    seeded.get(i).worstState()).isEqualTo(classes(seeded.get(i)));
        }
        assertThat(new HashSet<>(shownClasses)).as("the 50 newest show every kind")
                .contains("k-ok", "k-warn", "k-down", "k-info", "k-fail", "k-stopped", "k-timeout", "k-lost");
        List<String> colours = strings("return ['k-ok', 'k-warn', 'k-down', 'k-info'].map(k => getComputedStyle("
                + "arguments[0].querySelector('.run-cell.' + k + ':not(.x-fail)')).backgroundColor)", strip);
        assertThat(new HashSet<>(colours)).as("UP, WARN, DOWN and INFO differ in colour: %s", colours).hasSize(4);
        assertThat(strip("runner_small").findElements(By.cssSelector(".run-cell"))).hasSize(5);

        // Keyboard: one Tab stop per strip, arrows move, focus shows the run's details, the label says it all.
        WebElement newest = strip.findElement(By.cssSelector(".run-cell[tabindex='0']"));
        assertThat(newest.getAttribute("data-run-id")).isEqualTo(ids.get(0));
        String label = newest.getAttribute("aria-label");
        assertThat(label).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\S+: .*")
                .contains("took").contains(seeded.get(0).exitCode() == null ? ": lost" : "exit code");
        js("arguments[0].focus()", newest);
        newest.sendKeys(Keys.ARROW_LEFT);
        WebElement older = driver.switchTo().activeElement();
        assertThat(older.getAttribute("data-run-id")).isEqualTo(ids.get(1));
        WebElement tip = driver.findElement(By.id("runTip"));
        assertThat(tip.isDisplayed()).isTrue();
        String expectedMessage = seeded.get(1).lastCase();
        if (expectedMessage != null) {
            assertThat(tip.getText()).contains(expectedMessage);
        }
        shot("history-strip-desktop.png");

        // The history view with its address, its table, its chart and its statistics.
        click(strip.findElement(By.cssSelector("[data-act='history']")));
        WebElement dialog = waitUntil(d -> {
            WebElement e = d.findElement(By.id("historyDialog"));
            return e.isDisplayed() && e.findElements(By.cssSelector("tbody tr")).size() == 50 ? e : null;
        }, "the history view");
        assertThat(js("return location.hash")).isEqualTo("#runner/runner_big/history");
        assertThat(text(dialog.findElement(By.id("historyTitle")))).isEqualTo("History of Big history");
        JsonNode stats = json(api("GET", "/api/runners/runner_big/stats?window=24h", null).body());
        waitUntil(d -> text(dialog.findElement(By.cssSelector("[data-stat='statRuns'] dd")))
                .equals(stats.path("runs").asText()), "the statistics");
        click(dialog.findElement(By.cssSelector("[data-window='7d']")));
        waitUntil(d -> "true".equals(dialog.findElement(By.cssSelector("[data-window='7d']"))
                .getAttribute("aria-pressed")), "the 7-day window");
        shot("history-view-desktop.png");

        // Page through everything; new runs arrive on the way.
        js("window.__keptCell = arguments[0].querySelector('.run-cell')", strip("runner_big"));
        List<String> paged = new ArrayList<>();
        Map<Integer, Integer> marksPerPage = new LinkedHashMap<>();
        List<String> arrived = new ArrayList<>();
        for (int page = 0; ; page++) {
            List<String> rows = strings("return Array.from(arguments[0].querySelectorAll('tbody tr'))"
                    + ".map(r => r.dataset.runId)", dialog);
            List<String> marks = strings("return Array.from(arguments[0].querySelectorAll('circle.mark'))"
                    + ".map(m => m.dataset.runId)", dialog);
            assertThat(marks).as("one mark per run of page %d", page).containsExactlyInAnyOrderElementsOf(rows);
            marksPerPage.put(page, marks.size());
            paged.addAll(rows);
            if (page == 2 || page == 9) {
                RunHandle h = mcr.start("runner_big");
                h.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
                arrived.add(h.runId());
            }
            WebElement olderBtn = dialog.findElement(By.cssSelector("[data-act='older']"));
            if (!olderBtn.isEnabled()) {
                break;
            }
            String last = rows.get(rows.size() - 1);
            click(olderBtn);
            waitUntil(d -> {
                List<String> now = strings("return Array.from(arguments[0].querySelectorAll('tbody tr'))"
                        + ".map(r => r.dataset.runId)", dialog);
                return !now.isEmpty() && !now.contains(last) ? now : null;
            }, "page " + (page + 1));
        }
        assertThat(paged).as("all 1000, newest first, no duplicate, no gap, none of those that arrived meanwhile")
                .isEqualTo(ids);
        assertThat(marksPerPage).hasSize(20).allSatisfy((p, n) -> assertThat(n).isEqualTo(50));

        // The runs that arrived went into the strip live: newest first, completed.
        waitUntil(d -> strings("return Array.from(arguments[0].querySelectorAll('.run-cell')).slice(0, 2)"
                + ".map(c => c.dataset.runId + ' ' + c.className)", strip("runner_big"))
                .equals(List.of(arrived.get(1) + " run-cell k-ok", arrived.get(0) + " run-cell k-ok")),
                "the new runs in the strip");
        assertThat(strip("runner_big").findElements(By.cssSelector(".run-cell"))).hasSize(50);
        // A run that did not change keeps its cell: a render makes only the cells of new or changed runs.
        assertThat(js("const c = window.__keptCell; return c.isConnected"
                + " && arguments[0].querySelector('[data-run-id=\"' + c.dataset.runId + '\"]') === c",
                strip("runner_big"))).isEqualTo(true);

        // Back to the newest page, which now has the new runs; a row's output opens.
        click(dialog.findElement(By.cssSelector("[data-act='reload']")));
        waitUntil(d -> arrived.get(1).equals(js("return arguments[0].querySelector('tbody tr').dataset.runId",
                dialog)), "the reloaded first page");
        click(dialog.findElement(By.cssSelector("tbody tr button")));
        WebElement out = waitUntil(d -> {
            WebElement e = d.findElement(By.id("runOutputDialog"));
            return e.isDisplayed() && text(e.findElement(By.cssSelector("pre"))).equals("fresh run\n") ? e : null;
        }, "the output of the new run");
        click(out.findElement(By.cssSelector("[data-act='close']")));
        waitUntil(d -> !out.isDisplayed(), "the output dialog to close");


        // The address opens the view again after a reload; closing it clears the address.
        driver.navigate().refresh();
        WebElement again = waitUntil(d -> {
            WebElement e = d.findElement(By.id("historyDialog"));
            return e.isDisplayed() && e.findElements(By.cssSelector("tbody tr")).size() == 50 ? e : null;
        }, "the history view after a reload");
        assertThat(again.findElements(By.cssSelector("circle.mark"))).hasSize(50);
        click(again.findElement(By.cssSelector("[data-act='close']")));
        waitUntil(d -> "".equals(js("return location.hash")), "the address without the view");
    }

    @Test
    void a_new_run_appears_running_in_the_strip_completes_live_and_a_click_shows_its_output_under_the_csp() throws Exception {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", CspBrowserTest.VIOLATION_RECORDER));
        Path go = dataDir.resolve("go");
        saveState(stateOf(runner("runner_small", "Small", "echo 'disk WARN'; while [ ! -e '" + go
                + "' ]; do sleep 0.05; done; echo done",
                "[{\"id\":\"case_1\",\"pattern\":\"disk (WARN)\",\"message_template\":\"disk is {g1}\","
                        + "\"state\":\"WARN\"}]")));
        openPage();
        WebElement strip = waitUntil(d -> {
            WebElement s = strip("runner_small");
            return s.findElements(By.cssSelector(".run-cell")).size() == 5 ? s : null;
        }, "the strip");
        RunHandle h = mcr.start("runner_small");
        WebElement running = waitUntil(d -> {
            WebElement c = strip.findElement(By.cssSelector(".run-cell"));
            return h.runId().equals(c.getAttribute("data-run-id")) ? c : null;
        }, "the running cell");
        assertThat(running.getAttribute("class")).isEqualTo("run-cell k-running");
        assertThat(running.getAttribute("aria-label")).contains(": running");
        Files.createFile(go);
        h.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        waitUntil(d -> "run-cell k-warn".equals(strip.findElement(By.cssSelector(".run-cell")).getAttribute("class")),
                "the cell completed as WARN");
        WebElement cell = strip.findElement(By.cssSelector(".run-cell"));
        assertThat(cell.getAttribute("aria-label")).contains("worst state WARN").contains("exit code 0")
                .contains("“disk is WARN”");
        assertThat(strip.findElements(By.cssSelector(".run-cell"))).hasSize(6);

        click(cell);
        WebElement out = waitUntil(d -> {
            WebElement e = d.findElement(By.id("runOutputDialog"));
            return e.isDisplayed() && text(e.findElement(By.cssSelector("pre"))).equals("disk WARN\ndone\n") ? e : null;
        }, "the output dialog");
        assertThat(text(out.findElement(By.id("runOutTitle")))).startsWith("Output of Small, run of ");
        assertThat(out.findElement(By.linkText("Open as text")).getAttribute("href"))
                .endsWith("/api/runs/" + h.runId() + "/output");

        assertThat(strings("return window.__cspViolations")).as("violations of the page's CSP").isEmpty();
        assertThat(strip.findElement(By.cssSelector("ol")).getAttribute("aria-label"))
                .isEqualTo("Last 6 runs of Small, newest first");
        long version = storedRunner("runner_small").path("version").asLong();
        HttpResponse<String> renamed = api("PUT", "/api/runners/runner_small",
                "{\"name\": \"Renamed\", \"version\": " + version + "}");
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        waitUntil(d -> "Last 6 runs of Renamed, newest first".equals(
                strip.findElement(By.cssSelector("ol")).getAttribute("aria-label")), "the strip to name the new name");

        // Phone and dark screenshots of the strip and the history view.
        click(out.findElement(By.cssSelector("[data-act='close']")));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 375, "height", 812, "deviceScaleFactor", 1, "mobile", true));
        try {
            js("window.scrollTo(0, 0)");
            assertThat((Long) js("return document.documentElement.scrollWidth")).isLessThanOrEqualTo(375L);
            shot("history-strip-phone.png");
            click(strip.findElement(By.cssSelector("[data-act='history']")));
            waitUntil(d -> d.findElements(By.cssSelector("#historyDialog tbody tr")).size() == 6, "the history view");
            shot("history-view-phone.png");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            shot("history-view-dark.png");
            click(driver.findElement(By.cssSelector("#historyDialog [data-act='close']")));
            shot("history-strip-dark.png");
        } finally {
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    @Test
    void the_chart_marks_are_one_tab_stop_that_arrow_keys_move_in_time_each_named_by_date_zone_duration_and_outcome()
            throws IOException {
        saveState(stateOf(runner("runner_small", "Small", "true")));
        openPage();
        WebElement strip = waitUntil(d -> {
            WebElement s = strip("runner_small");
            return s.findElements(By.cssSelector(".run-cell")).size() == 5 ? s : null;
        }, "the strip");
        click(strip.findElement(By.cssSelector("[data-act='history']")));
        WebElement dialog = waitUntil(d -> {
            WebElement e = d.findElement(By.id("historyDialog"));
            return e.isDisplayed() && e.findElements(By.cssSelector("circle.mark")).size() == 5
                    && e.findElements(By.cssSelector("tbody tr")).size() == 5 ? e : null;
        }, "the history view with its chart");
        List<String> newestFirst = strings("return Array.from(arguments[0].querySelectorAll('tbody tr'))"
                + ".map(r => r.dataset.runId)", dialog);
        List<String> oldestFirst = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        String marks = "return Array.from(arguments[0].querySelectorAll('circle.mark'))";
        assertThat(strings(marks + ".map(m => m.dataset.runId)", dialog)).as("marks in the order of time")
                .containsExactlyElementsOf(oldestFirst);
        assertThat(strings(marks + ".map(m => m.getAttribute('role'))", dialog)).containsOnly("button");
        assertThat(strings(marks + ".filter(m => m.getAttribute('tabindex') === '0').map(m => m.dataset.runId)", dialog))
                .as("one tab stop: the newest run").containsExactly(newestFirst.get(0));
        // Each mark says when (date, time and zone), how long and how it ended.
        assertThat(strings(marks + ".map(m => m.getAttribute('aria-label'))", dialog)).hasSize(5).allSatisfy(label ->
                assertThat(label).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+: "
                        + "(succeeded|failed|stopped|timed out|lost)\\b.*, took \\d.*"));

        // Tab from the window buttons lands on the newest mark, with a visible ring and its tooltip.
        js("arguments[0].focus()", dialog.findElement(By.cssSelector("[data-window='30d']")));
        driver.switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(js("return document.activeElement.dataset.runId"))
                .as("focus after Tab: %s", js("return document.activeElement.outerHTML.slice(0, 300)"))
                .isEqualTo(newestFirst.get(0));
        assertThat(js("return getComputedStyle(document.activeElement).strokeWidth")).as("the focus ring").isEqualTo("3px");
        assertThat(driver.findElement(By.id("runTip")).isDisplayed()).isTrue();
        assertNoSeriousAxeViolations("history view with a chart mark focused by the keyboard");

        driver.switchTo().activeElement().sendKeys(Keys.ARROW_LEFT);
        assertThat(js("return document.activeElement.dataset.runId")).isEqualTo(newestFirst.get(1));
        assertThat(strings(marks + ".filter(m => m.getAttribute('tabindex') === '0').map(m => m.dataset.runId)", dialog))
                .as("the tab stop moves along").containsExactly(newestFirst.get(1));
        driver.switchTo().activeElement().sendKeys(Keys.HOME);
        assertThat(js("return document.activeElement.dataset.runId")).isEqualTo(oldestFirst.get(0));
        driver.switchTo().activeElement().sendKeys(Keys.END);
        assertThat(js("return document.activeElement.dataset.runId")).isEqualTo(newestFirst.get(0));
        driver.switchTo().activeElement().sendKeys(Keys.ARROW_LEFT);
        shot("history-chart-keyboard.png");

        // Enter opens the output of the run under the focus.
        driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        WebElement out = waitUntil(d -> {
            WebElement e = d.findElement(By.id("runOutputDialog"));
            return e.isDisplayed() ? e : null;
        }, "the output dialog");
        assertThat(out.findElement(By.linkText("Open as text")).getAttribute("href"))
                .endsWith("/api/runs/" + newestFirst.get(1) + "/output");
    }

    @Test
    void loading_the_page_the_strips_and_every_page_of_the_history_of_1000_runs_runs_no_task_over_200_ms()
            throws Exception {
        saveState(stateOf(runner("runner_big", "Big history", "true"), runner("runner_small", "Small", "true")));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", LONG_TASKS));
        driver.executeCdpCommand("Performance.enable", Map.of());
        openPage();
        waitUntil(d -> strip("runner_big").findElements(By.cssSelector(".run-cell")).size() == 50, "the strip");
        click(strip("runner_big").findElement(By.cssSelector("[data-act='history']")));
        WebElement dialog = waitUntil(d -> {
            WebElement e = d.findElement(By.id("historyDialog"));
            return e.isDisplayed() && e.findElements(By.cssSelector("circle.mark")).size() == 50 ? e : null;
        }, "the history view with its chart");
        for (int page = 1; page < RUNS / 50; page++) {
            String first = String.valueOf(js("return arguments[0].querySelector('tbody tr').dataset.runId", dialog));
            click(dialog.findElement(By.cssSelector("[data-act='older']")));
            waitUntil(d -> !first.equals(js("return arguments[0].querySelector('tbody tr').dataset.runId", dialog)),
                    "page " + page);
        }
        for (String w : List.of("7d", "30d")) {
            click(dialog.findElement(By.cssSelector("[data-window='" + w + "']")));
            waitUntil(d -> !dialog.findElements(By.cssSelector("[data-stat='statRuns']")).isEmpty(), "the stats");
        }
        assertNoLongTask("while loading, showing the strips and paging through the history");
    }
}
