package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.Mcr;
import dev.mcr.server.McrServer;
import dev.mcr.server.ServerConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Shared set-up of the browser tests: one headless Chromium per test class, and per test a real {@link Mcr}
 * on a fresh temp folder behind a real {@link McrServer} on a free port.
 *
 * <p>Chromium and ChromeDriver come from the system ({@value #CHROMIUM}, {@value #CHROMEDRIVER}); Selenium
 * Manager is never used. When they are missing the tests fail, unless {@code -Dmcr.ui.skip=true} is given.
 */
abstract class BrowserTestBase {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    static ChromeDriver driver;
    static ChromeDriverService service;
    static Path profile;

    @TempDir
    Path dataDir;
    Mcr mcr;
    McrServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startBrowser() throws IOException {
        startBrowser(options -> { });
    }

    /**
     * Starts the class's Chromium. A test class that needs more switches, preferences or logs hides
     * {@link #startBrowser()} with its own {@code @BeforeAll static void startBrowser()} that calls this.
     *
     * @param customize changes the options last, just before Chromium starts
     */
    static void startBrowser(Consumer<ChromeOptions> customize) throws IOException {
        Assumptions.assumeFalse(Boolean.getBoolean("mcr.ui.skip"), "Browser tests skipped by -Dmcr.ui.skip=true.");
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            Assertions.fail("The browser tests need Chromium at " + CHROMIUM + " and ChromeDriver at " + CHROMEDRIVER
                    + " (Debian/Ubuntu: apt-get install chromium chromium-driver). "
                    + "Run with -Dmcr.ui.skip=true to skip them.");
        }
        profile = Files.createTempDirectory("mcr-ui-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1280,900", "--lang=en-US",
                "--user-data-dir=" + profile.toAbsolutePath());
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.ACCEPT);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        customize.accept(options);
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
        if (service != null) {
            service.stop();
            service = null;
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            profile = null;
        }
    }

    @BeforeEach
    void startServer() {
        ServerConfig config = config(0);
        mcr = config.applyTo(Mcr.builder()).seedDemo(false).build();
        server = McrServer.start(mcr, config);
    }

    /** The test configuration: this test's data folder, a fixed secret key, the given port (0 = any). */
    ServerConfig config(int port) {
        Map<String, String> env = new java.util.HashMap<>(extraEnv());
        env.put("DATA_DIR", dataDir.toString());
        env.put("PORT", String.valueOf(port));
        env.put("MULTI_COMMAND_RUNNER_SECRET_KEY", "browser-test-passphrase");
        return ServerConfig.fromEnv(env);
    }

    /** More server environment for a test class (none by default). */
    Map<String, String> extraEnv() {
        return Map.of();
    }

    @AfterEach
    void stopServer() {
        List<String> scriptErrors = List.of();
        try {
            if (driver != null) {
                // Failed requests are logged by the browser too; they are expected where a test provokes them.
                scriptErrors = consoleErrors().stream()
                        .filter(m -> !m.contains("Failed to load resource") && !m.contains("net::ERR_"))
                        .collect(Collectors.toList());
                // Leave the page first so that its event stream does not hold the server open.
                driver.get("about:blank");
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (mcr != null) {
                mcr.close();
            }
        }
        assertThat(scriptErrors).as("script errors in the browser console").isEmpty();
    }

    // ----- page helpers ------------------------------------------------------------------

    /**
     * Whether this test's pages start with every runner row expanded, as for a user who chose "expand all" (the
     * page's own default is compact rows; a test class about that default says false). Most tests work in the cards'
     * fields.
     */
    boolean rowsStartExpanded() {
        return true;
    }

    /** The browser whose new documents get the "expand all" choice (once per browser; each test has its own origin). */
    private static Object rowsExpandedIn;

    /** Opens the page and waits until the state is shown and the live stream is connected. */
    void openPage() {
        consoleErrors();
        if (rowsStartExpanded() && rowsExpandedIn != driver) {
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "try { if (!localStorage.getItem('mcr.rows')) localStorage.setItem('mcr.rows',"
                    + " JSON.stringify({mode: 'expanded', expanded: {}})); } catch (_) { /* no storage */ }"));
            rowsExpandedIn = driver;
        }
        driver.get(server.url().toString());
        waitUntil(d -> {
            WebElement main = d.findElement(By.id("main"));
            return main.isDisplayed() && !d.findElements(By.cssSelector("#conn.open")).isEmpty();
        }, "the page to load and connect its live stream");
    }

    <T> T waitUntil(Function<org.openqa.selenium.WebDriver, T> condition, String what) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50))
                .withMessage(() -> "waiting for " + what)
                // An element found in one poll may be replaced before it is read (a re-render): poll again.
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    WebElement runnerCard(String runnerId) {
        return driver.findElement(By.id("runner-" + runnerId));
    }

    WebElement groupCard(String groupId) {
        return driver.findElement(By.id("group-" + groupId));
    }

    static WebElement act(WebElement card, String action) {
        return card.findElement(By.cssSelector("[data-act='" + action + "']"));
    }

    static WebElement field(WebElement card, String name) {
        return card.findElement(By.cssSelector("[data-field='" + name + "']"));
    }

    /** Clicks like a user, after bringing the element into the middle of the viewport (the header is sticky). */
    void click(WebElement el) {
        js("arguments[0].scrollIntoView({block: 'center'})", el);
        el.click();
    }

    /** Replaces the text of an input like a user would (select all, type). */
    void type(WebElement el, String text) {
        js("arguments[0].scrollIntoView({block: 'center'})", el);
        el.clear();
        el.sendKeys(text);
    }

    /** Chooses the option with the given value of a select. */
    void choose(WebElement select, String value) {
        js("arguments[0].scrollIntoView({block: 'center'})", select);
        new org.openqa.selenium.support.ui.Select(select).selectByValue(value);
    }

    /** Answers the page's confirm dialog with OK. */
    void confirm() {
        WebElement ok = waitUntil(d -> {
            WebElement b = d.findElement(By.id("confirmOk"));
            return b.isDisplayed() ? b : null;
        }, "the confirm dialog");
        ok.click();
    }

    String text(WebElement el) {
        return String.valueOf(js("return arguments[0].textContent", el));
    }

    boolean hasClass(WebElement el, String cls) {
        return Boolean.TRUE.equals(js("return arguments[0].classList.contains(arguments[1])", el, cls));
    }

    String flashText() {
        return String.valueOf(js("return document.getElementById('flash').hidden ? '' : document.getElementById('flashText').textContent"));
    }

    /** Severe console entries (script errors, failed loads) since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .collect(Collectors.toList());
    }

    void screenshot(String name) throws IOException {
        Path dir = Path.of("target", "ui-screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }

    // ----- API helpers -------------------------------------------------------------------

    HttpResponse<String> api(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20));
        String user = extraEnv().get("MULTI_COMMAND_RUNNER_AUTH_USER");
        String password = extraEnv().get("MULTI_COMMAND_RUNNER_AUTH_PASSWORD");
        if (user != null && password != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Saves a whole state through the API (the way another client would). */
    void saveState(String json) {
        HttpResponse<String> r = api("POST", "/api/state", json);
        assertThat(r.statusCode()).as("saving the state: %s", r.body()).isEqualTo(200);
    }

    /** The stored state as the API shows it (secrets masked); with the Basic credentials of {@link #extraEnv()}. */
    JsonNode state() {
        HttpResponse<String> r = api("GET", "/api/state", null);
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r.body());
    }

    JsonNode storedRunner(String id) {
        for (JsonNode r : state().path("runners")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        return null;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    /** A runner as JSON with the given id, name and command and every other field at its default. */
    static String runner(String id, String name, String command) {
        return runner(id, name, command, "[]");
    }

    static String runner(String id, String name, String command, String casesJson) {
        try {
            return "{\"id\":\"" + id + "\",\"name\":" + JSON.writeValueAsString(name) + ",\"command\":"
                    + JSON.writeValueAsString(command) + ",\"logging_enabled\":true,"
                    + "\"schedule\":{\"hours\":0,\"minutes\":0,\"seconds\":0},\"max_runs\":1,"
                    + "\"alert_cooldown_s\":300,\"alert_escalation_s\":1800,\"failure_pause_threshold\":5,"
                    + "\"cases\":" + casesJson + ",\"notify_profile_ids\":[],\"notify_profile_updates_only\":[]}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A state with the given runners (JSON objects) at the top level and no groups or services. */
    static String stateOf(String... runners) {
        String layout = Stream.of(runners)
                .map(r -> "{\"type\":\"runner\",\"id\":\"" + json(r).path("id").asText() + "\"}")
                .collect(Collectors.joining(","));
        return "{\"notify_profiles\":[],\"runners\":[" + String.join(",", runners) + "],\"runner_groups\":[],"
                + "\"runner_layout\":[" + layout + "]}";
    }

    // ----- accessibility (axe-core) --------------------------------------------------------

    /** axe-core's script (a test resource, see {@code axe/README.md}); read once per JVM. */
    private static String axeSource;

    /**
     * Runs axe-core on the page as it is now and fails on every {@code serious} or {@code critical} violation,
     * listing rule, impact, targets and axe's summary. The script is injected through WebDriver (not through the
     * page), so the page's Content-Security-Policy stays as strict as it is.
     *
     * @param context what the page shows now, for the failure message (e.g. "main page with an expanded card")
     */
    void assertNoSeriousAxeViolations(String context) {
        if (axeSource == null) {
            try (var in = BrowserTestBase.class.getResourceAsStream("/axe/axe.min.js")) {
                assertThat(in).as("axe-core on the test class path").isNotNull();
                axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!Boolean.TRUE.equals(js("return typeof window.axe === 'object'"))) {
            js(axeSource + "\n;return true;");
        }
        Object result = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "window.axe.run(document, {resultTypes: ['violations']})"
                        + ".then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                        + ".map(v => v.id + ' (' + v.impact + '): ' + v.help + '\\n' + v.nodes.map(n => '    '"
                        + " + JSON.stringify(n.target) + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')"
                        + ").join('\\n'))))"
                        + ".catch(e => done(['axe failed: ' + e]));");
        @SuppressWarnings("unchecked")
        List<String> violations = (List<String>) result;
        assertThat(violations).as("serious or critical axe-core violations on the %s", context).isEmpty();
    }
}
