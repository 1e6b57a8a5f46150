package dev.mcr.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.http.ClientConfig;

/**
 * The web page under chatty output (issue 18, point 1), measured in headless Chromium: a runner prints 30 000
 * lines, a tenth of which match a WARN case. Our page and the original's page (served by {@link OriginalPageProxy}
 * from a checkout, driving the same server) watch the same run, one after the other, in the same browser.
 *
 * <p>In the page: the time from the server's {@code finished} event (as received by a raw event-stream client of
 * the benchmark, on the same clock) to the first animation frame that shows the run's exact last line and final
 * state; the longest gap between two {@code requestAnimationFrame} callbacks while the page catches up; long tasks
 * (PerformanceObserver). Both pages once with the matching case and once with none.
 */
public final class UiSpeedBench {

    static final String CASE_RUNNER = "bench-ui-case";
    static final String PLAIN_RUNNER = "bench-ui-plain";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DISK = Pattern.compile("disk at (9\\d)%");
    /** How long the idle page's frames are watched before the run. */
    private static final long IDLE_MS = 1500;
    /** Runs of each runner before anything is measured (see warmUp). */
    private static final int WARM_UP_RUNS = 5;

    /**
     * What to run.
     *
     * @param jar          the server jar
     * @param original     a checkout of the original (templates/index.html, static/), or {@code null} for ours only
     * @param lines        lines the runner prints
     * @param rounds       rounds (each measures every page once with and once without the case)
     * @param chromium     the Chromium binary
     * @param chromedriver the ChromeDriver binary
     * @param timeout      how long a page may take to show the end before it counts as not shown
     * @param profileDir   where each page's CPU profile of the run goes ({@code .cpuprofile}, for DevTools), or
     *                     {@code null} for none
     */
    public record Options(Path jar, Path original, int lines, int rounds, Path chromium, Path chromedriver,
                          Duration timeout, Path profileDir) {
        /** Validates. */
        public Options {
            if (lines < 1 || rounds < 1) {
                throw new IllegalArgumentException("lines and rounds must be at least 1.");
            }
        }
    }

    /** What one page showed of one run. */
    record Measure(double shownMs, double maxGapMs, double longTasks, double longTaskMs, double frames,
                   double cpuMs, double scriptMs, double layoutMs, double idleGapMs) {
        static final Measure NONE = new Measure(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * A page under test, told by CSS selectors ({@code RID} stands for the runner's id): when it is ready, which
     * element has which class while the runner runs, the element of the last output line (a {@code pre}: its text
     * ends with the line; otherwise: its text is the line) and the element of the state text; live: a script
     * expression that is true once the page's event stream is open.
     */
    private record Page(String name, String ready, String running, String runningClass, String lastLine,
                        String stateText, String live) {
    }

    private UiSpeedBench() {
    }

    /** The command of point 1, with bash's random numbers seeded so that the last line is known in advance. */
    static String command(int lines) {
        return "RANDOM=18; for i in $(seq 1 " + lines + "); do echo \"line $i disk at $((RANDOM%100))%\"; done";
    }

    /**
     * Runs the benchmark.
     *
     * @param o   what to run
     * @param dir a scratch folder
     * @param log where progress goes
     * @return the report
     * @throws Exception when the server, the browser or a page fails
     */
    public static Report run(Options o, Path dir, PrintStream log) throws Exception {
        String cmd = command(o.lines());
        List<String> expected = expectedOutput(cmd);
        String lastLine = expected.get(expected.size() - 1);
        String lastWarn = null;
        int matches = 0;
        for (String l : expected) {
            Matcher m = DISK.matcher(l);
            if (m.find()) {
                lastWarn = "Disk " + m.group(1) + "%";
                matches++;
            }
        }
        Report report = new Report("ui-speed: " + o.lines() + " lines, " + matches
                + " matching a WARN case, shown in headless Chromium (baseline = the original's page, mcr = ours)");
        Page ours = new Page("mcr", "#runner-RID", "#runner-RID", "is-running",
                "#runner-RID pre.output", "#runner-RID .last-case", "!!document.querySelector('#conn.open')");
        Page theirs = new Page("original", "[data-runstop=\"RID\"]", "[data-runstop=\"RID\"]", "danger",
                "pre[data-output=\"RID\"]", ".runner[data-runner-id=\"RID\"] .runnerStateText",
                "window.__bench.messages > 0");

        try (ServerProcess server = ServerProcess.start(o.jar(), dir.resolve("data"), List.of());
             OriginalPageProxy proxy = o.original() == null ? null : OriginalPageProxy.start(o.original(), server.port())) {
            configure(server, cmd);
            warmUp(server, log);
            String oursUrl = "http://127.0.0.1:" + server.port() + "/";
            for (int round = 1; round <= o.rounds(); round++) {
                List<Comparison> figures = new ArrayList<>();
                for (boolean withCase : new boolean[] {true, false}) {
                    String rid = withCase ? CASE_RUNNER : PLAIN_RUNNER;
                    String msg = withCase ? lastWarn : null;
                    Measure base = proxy == null ? Measure.NONE
                            : measureOrNone(o, dir, server, theirs, proxy.url(), rid, lastLine, msg, log);
                    Measure mine = measureOrNone(o, dir, server, ours, oursUrl, rid, lastLine, msg, log);
                    String tag = withCase ? "[case] " : "[no case] ";
                    figures.add(new Comparison(tag + "shown after finished, ms", base.shownMs(), mine.shownMs()));
                    figures.add(new Comparison(tag + "longest frame gap, ms", base.maxGapMs(), mine.maxGapMs()));
                    figures.add(new Comparison(tag + "longest frame gap of the idle page, ms", base.idleGapMs(),
                            mine.idleGapMs()));
                    figures.add(new Comparison(tag + "long tasks", base.longTasks(), mine.longTasks()));
                    figures.add(new Comparison(tag + "long tasks, total ms", base.longTaskMs(), mine.longTaskMs()));
                    figures.add(new Comparison(tag + "main thread CPU, ms", base.cpuMs(), mine.cpuMs()));
                    figures.add(new Comparison(tag + "script, ms", base.scriptMs(), mine.scriptMs()));
                    figures.add(new Comparison(tag + "layout, ms", base.layoutMs(), mine.layoutMs()));
                }
                report.addRound(figures);
            }
        }
        report.note("Command: `" + cmd + "` (bash's RANDOM seeded, so that the last line and the last WARN message are "
                + "known before the run); case `disk at (?P<p>9\\d)%`, WARN, message `Disk {p}%`; [no case]: the same "
                + "command on a runner without cases.");
        report.note("Shown after finished: from the `finished` event received by the benchmark's own event-stream "
                + "client (connected straight to the server) to the first animation frame whose DOM holds the exact "
                + "last line, the last case message and no running state; the run is started by POST /api/run, the "
                + "same for both pages. n/a: not shown within the timeout, or no original checkout given.");
        report.note("Main thread CPU, script and layout: Chromium's own counters of the page (CDP Performance.getMetrics "
                + "ThreadTime, ScriptDuration, LayoutDuration) from the run's start to that frame; CPU time does not "
                + "grow when other processes load the machine, the wall times above do.");
        report.note("A page that answers no script when its time is up counts as not shown (n/a); its longest frame gap "
                + "is then at least the time since its last answer (the progress lines say so).");
        report.note("Longest frame gap of the idle page: the same page, loaded and settled, watched for " + IDLE_MS
                + " ms before the run starts; what the machine's other work alone does to the frames.");
        report.note("Before the first round, the server runs each runner " + WARM_UP_RUNS + " times with an "
                + "event-stream client reading along, and no page open: the pages are measured against a server "
                + "whose line pipeline is compiled, as after a while in use (before, the JIT compiler threads of the "
                + "fresh server took about a third of a core during the first measured runs).");
        report.note("Frame gaps and long tasks are counted from the run's start to that frame. Both pages drive the "
                + "same mcr server; the original's page is served by a same-origin proxy in the benchmark (JDK "
                + "HttpServer) that forwards /api/* (the event stream as a stream). Browser, proxy, server and command "
                + "share the machine's cores.");
        return report;
    }

    /**
     * Runs each runner {@link #WARM_UP_RUNS} times with an event-stream client reading along, before anything is
     * measured: a server that has run for a while has its line pipeline compiled. Without this, the JIT compiler
     * threads of the fresh server took about a third of a core during the first measured runs, on a machine of two
     * cores, and the browser's frames waited for it.
     */
    private static void warmUp(ServerProcess server, PrintStream log) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            for (String rid : List.of(CASE_RUNNER, PLAIN_RUNNER)) {
                try (SseClient sse = new SseClient(server.port(), rid, false, "ui-speed-warm-up")) {
                    sse.awaitConnected(30);
                    server.post("/api/run", "{\"runner_id\": \"" + rid + "\"}");
                    if (!sse.awaitFinished(120)) {
                        throw new IllegalStateException("The warm-up run of " + rid + " did not finish within 120 s.");
                    }
                }
            }
        }
        log.printf("ui-speed: server warmed up, %d runs of each runner in %.1f s%n", WARM_UP_RUNS,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Runs the command the way the server does, here, to know its output. */
    static List<String> expectedOutput(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-lc", cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("The benchmark command failed here: " + cmd);
        }
        return List.of(new String(out, StandardCharsets.UTF_8).split("\n"));
    }

    private static void configure(ServerProcess server, String cmd) throws IOException, InterruptedException {
        ObjectNode state = JSON.createObjectNode();
        state.putArray("notify_profiles");
        ArrayNode runners = state.putArray("runners");
        ObjectNode withCase = runner(CASE_RUNNER, "Chatty disk (case)", cmd);
        ObjectNode c = ((ArrayNode) withCase.get("cases")).addObject();
        c.put("id", "case_disk");
        c.put("pattern", "disk at (?P<p>9\\d)%");
        c.put("message_template", "Disk {p}%");
        c.put("state", "WARN");
        runners.add(withCase);
        runners.add(runner(PLAIN_RUNNER, "Chatty disk (no case)", cmd));
        state.putArray("runner_groups");
        ArrayNode layout = state.putArray("runner_layout");
        for (String id : List.of(CASE_RUNNER, PLAIN_RUNNER)) {
            layout.addObject().put("type", "runner").put("id", id);
        }
        server.post("/api/state", JSON.writeValueAsString(state));
    }

    private static ObjectNode runner(String id, String name, String cmd) {
        ObjectNode r = EventStreamBench.runner(id, cmd);
        r.put("name", name);
        r.put("logging_enabled", false);
        return r;
    }

    /**
     * One measurement that never ends the benchmark: a page or browser that fails (a frozen page past every
     * timeout, a browser that crashed) gives no figures (n/a) and the table is printed all the same.
     */
    private static Measure measureOrNone(Options o, Path dir, ServerProcess server, Page page, String url, String rid,
                                         String lastLine, String msg, PrintStream log) throws InterruptedException {
        try {
            return measure(o, dir, server, page, url, rid, lastLine, msg, log);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.printf("ui-speed: %s page, runner %s: no figures (%s: %s)%n", page.name(), rid,
                    e.getClass().getSimpleName(), String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return Measure.NONE;
        }
    }

    /**
     * One page watching one run, in a browser of its own: a page that is still frozen when the measurement ends
     * would hold up the next page's navigation; quitting the browser ends it.
     */
    private static Measure measure(Options o, Path dir, ServerProcess server, Page page, String url, String rid,
                                   String lastLine, String msg, PrintStream log) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(o.chromedriver().toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(o.chromium().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1280,900", "--lang=en-US",
                "--user-data-dir=" + profile.toAbsolutePath());
        // A frozen page answers no command: the client gives up after 90 s and asks again (not after 3 minutes).
        ChromeDriver driver = new ChromeDriver(service, options, ClientConfig.defaultConfig().readTimeout(Duration.ofSeconds(90)));
        try {
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", instrument()));
            Path cpuProfile = o.profileDir() == null ? null
                    : o.profileDir().resolve(page.name() + "-" + rid + "-" + System.currentTimeMillis() + ".cpuprofile");
            return measure(driver, server, page, url, rid, lastLine, msg, o.timeout(), cpuProfile, log);
        } finally {
            try {
                driver.quit();
            } catch (RuntimeException e) {
                log.printf("ui-speed: the browser did not quit cleanly (%s)%n", e.getClass().getSimpleName());
            }
            service.stop();
            Main.deleteTree(profile);
        }
    }

    private static Measure measure(ChromeDriver driver, ServerProcess server, Page page, String url, String rid,
                                   String lastLine, String msg, Duration timeout, Path profile, PrintStream log)
            throws Exception {
        log.printf("ui-speed: %s page, runner %s (load %.1f) ...%n", page.name(), rid, MachineInfo.loadAverage());
        driver.get(url);
        waitFor(driver, "return (" + page.live() + ") && !!document.querySelector(arguments[0])",
                Duration.ofSeconds(30), page.name() + " page to load", page.ready().replace("RID", rid));
        // The page's own first requests and renders settle before the run starts.
        TimeUnit.MILLISECONDS.sleep(500);
        // What the machine alone does to frames: the longest gap of the idle page, before the run.
        driver.executeScript("Object.assign(window.__bench, {idleGap: 0, idle: true});");
        TimeUnit.MILLISECONDS.sleep(IDLE_MS);
        double idleGap = num(driver.executeScript("window.__bench.idle = false; return window.__bench.idleGap;"));
        driver.executeScript("Object.assign(window.__bench, {line: arguments[0], msg: arguments[1], running: arguments[2],"
                + " runningClass: arguments[3], lastLine: arguments[4], stateText: arguments[5], started: false,"
                + " doneAt: 0, maxGap: 0, frames: 0, longTasks: 0, longTaskMs: 0, armed: true});",
                lastLine, msg, page.running().replace("RID", rid), page.runningClass(),
                page.lastLine().replace("RID", rid), page.stateText().replace("RID", rid));
        driver.executeCdpCommand("Performance.enable", Map.of());
        Map<String, Double> before = metrics(driver);
        if (profile != null) {
            driver.executeCdpCommand("Profiler.enable", Map.of());
            driver.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", 100));
            driver.executeCdpCommand("Profiler.start", Map.of());
        }
        long offsetMs = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        double finishedAt;
        try (SseClient sse = new SseClient(server.port(), rid, false, "ui-speed-sse")) {
            sse.awaitConnected(30);
            server.post("/api/run", "{\"runner_id\": \"" + rid + "\"}");
            if (!sse.awaitFinished(120)) {
                throw new IllegalStateException("The run of " + rid + " did not finish within 120 s.");
            }
            finishedAt = TimeUnit.NANOSECONDS.toMicros(sse.endNanos()) / 1000.0 + offsetMs;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> b = Map.of();
        long lastAnswer = System.nanoTime();
        boolean answering = true;
        while (true) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> read = (Map<String, Object>) driver.executeScript("const b = window.__bench;"
                        + " return {doneAt: b.doneAt, maxGap: b.maxGap, frames: b.frames, longTasks: b.longTasks,"
                        + " longTaskMs: b.longTaskMs, error: b.error || ''}");
                b = read;
                lastAnswer = System.nanoTime();
                answering = true;
            } catch (org.openqa.selenium.WebDriverException e) {
                // A frozen page answers no script either (the script timeout, or the client's read timeout): it is
                // still busy. Until the deadline: ask again; then it counts as not shown.
                answering = false;
                log.printf("ui-speed: %s page busy (no answer to a script for %.0f s)%n", page.name(),
                        (System.nanoTime() - lastAnswer) / 1e9);
            }
            if (!String.valueOf(b.getOrDefault("error", "")).isEmpty()) {
                throw new IllegalStateException("The " + page.name() + " page's check failed: " + b.get("error"));
            }
            double doneAt = num(b.get("doneAt"));
            if (doneAt > 0 || System.nanoTime() > deadline) {
                // A page that answered nothing for the last T seconds had no frame for at least T.
                double frozenMs = answering ? 0 : (System.nanoTime() - lastAnswer) / 1e6;
                Map<String, Double> after = metrics(driver);
                if (profile != null && answering) {
                    saveProfile(driver, profile);
                    log.printf("ui-speed: CPU profile in %s%n", profile);
                }
                double gap = b.containsKey("maxGap") ? Math.max(num(b.get("maxGap")), frozenMs) : Double.NaN;
                if (!answering) {
                    gap = Double.isNaN(gap) ? frozenMs : gap;
                }
                Measure m = new Measure(doneAt > 0 ? doneAt - finishedAt : Double.NaN, gap,
                        num(b.get("longTasks")), num(b.get("longTaskMs")), num(b.get("frames")),
                        delta(before, after, "ThreadTime"), delta(before, after, "ScriptDuration"),
                        delta(before, after, "LayoutDuration"), idleGap);
                log.printf("ui-speed: %s page, runner %s: %s, longest frame gap %s%.0f ms (idle page: %.0f ms), %.0f long "
                        + "tasks (%.0f ms), main thread CPU %.0f ms (script %.0f, layout %.0f)%n", page.name(), rid,
                        doneAt > 0 ? String.format(java.util.Locale.ROOT, "shown %.0f ms after finished", m.shownMs())
                                : "not shown within " + timeout.toSeconds() + " s (> " + timeout.toSeconds() + " s)",
                        answering ? "" : "at least ", m.maxGapMs(), m.idleGapMs(), m.longTasks(), m.longTaskMs(),
                        m.cpuMs(), m.scriptMs(), m.layoutMs());
                return m;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Stops the page's CPU profiler and writes its profile (a DevTools {@code .cpuprofile}). */
    private static void saveProfile(ChromeDriver driver, Path file) throws IOException {
        Object p;
        try {
            p = driver.executeCdpCommand("Profiler.stop", Map.of()).get("profile");
        } catch (org.openqa.selenium.WebDriverException e) {
            return; // a page that answers nothing has no profile to give
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writeValueAsString(p));
    }

    /** Chromium's counters of the page (seconds): CPU time of its main thread, script and layout time. */
    private static Map<String, Double> metrics(ChromeDriver driver) {
        Map<String, Double> out = new java.util.HashMap<>();
        try {
            Object list = driver.executeCdpCommand("Performance.getMetrics", Map.of()).get("metrics");
            if (list instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && m.get("value") instanceof Number n) {
                        out.put(String.valueOf(m.get("name")), n.doubleValue());
                    }
                }
            }
        } catch (org.openqa.selenium.WebDriverException e) {
            // a page that answers nothing has no figures
        }
        return out;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        Double a = before.get(name);
        Double b = after.get(name);
        return a == null || b == null ? Double.NaN : (b - a) * 1000;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static void waitFor(ChromeDriver driver, String script, Duration max, String what, Object... args)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!Boolean.TRUE.equals(driver.executeScript(script, args))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out waiting for the " + what + ".");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * The script put into every document before its own: counts event-stream messages, measures the gaps between
     * animation frames and the long tasks while armed, and checks once per frame whether the page shows the end.
     */
    static String instrument() {
        return String.join("\n",
                "(() => {",
                "  const b = window.__bench = {messages: 0, armed: false, doneAt: 0, maxGap: 0, frames: 0,",
                "    longTasks: 0, longTaskMs: 0};",
                "  const $ = (sel) => document.querySelector(sel);",
                "  // Our page shows compact rows by default: the runners' rows open, so that the output pane is on screen",
                "  // as for a user who watches the run (the original's page does not read this key).",
                "  try { localStorage.setItem('mcr.rows', JSON.stringify({mode: 'expanded', expanded: {}})); } catch (_) { /* none */ }",
                "  // Done: the run was seen running, runs no more, the state shows the last message, the pane the last line.",
                "  const check = () => {",
                "    const r = $(b.running);",
                "    const running = !!r && r.classList.contains(b.runningClass);",
                "    if (!b.started) { b.started = running; return false; }",
                "    if (running) return false;",
                "    const st = $(b.stateText);",
                "    if (b.msg && !(st && st.textContent.includes(b.msg))) return false;",
                "    const out = $(b.lastLine);",
                "    if (!out) return false;",
                "    return out.tagName === 'PRE' ? out.textContent.endsWith(b.line + '\\n') : out.textContent === b.line + '\\n';",
                "  };",
                "  const ES = window.EventSource;",
                "  window.EventSource = class extends ES {",
                "    constructor(...a) { super(...a); this.addEventListener('message', () => { b.messages += 1; }); }",
                "  };",
                "  try {",
                "    new PerformanceObserver((list) => {",
                "      if (!b.armed) return;",
                "      for (const e of list.getEntries()) { b.longTasks += 1; b.longTaskMs += e.duration; }",
                "    }).observe({type: 'longtask'});",
                "  } catch (_) { /* no long task timing */ }",
                "  let last = 0;",
                "  const frame = (now) => {",
                "    if (b.armed && !b.doneAt) {",
                "      if (last) b.maxGap = Math.max(b.maxGap, now - last);",
                "      b.frames += 1;",
                "      try {",
                "        if (check()) { b.doneAt = performance.timeOrigin + performance.now(); b.armed = false; }",
                "      } catch (e) { b.error = String(e); }",
                "    }",
                "    if (b.idle && last) b.idleGap = Math.max(b.idleGap, now - last);",
                "    last = now;",
                "    requestAnimationFrame(frame);",
                "  };",
                "  requestAnimationFrame(frame);",
                "})();");
    }
}
