package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mcr.server.ui.ChromiumNetworkLog.Sent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchFrameException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Pages of other origins attack a real mcr server through a real headless Chromium, and nothing may change on
 * the server: no state saved, no runner started or stopped, nothing imported, no command run, no run log written.
 * Every test runs once without auth and once with Basic auth ({@code ..._with_basic_auth}).
 *
 * <p><b>The attackers.</b>
 * <ul>
 *   <li><b>Another port</b>: a tiny JDK {@link HttpServer} on {@code 127.0.0.1:<attackerPort>} serves the attack
 *       pages. Same site, other origin: Chromium sends {@code Sec-Fetch-Site: same-site}, because a site ignores
 *       the port.</li>
 *   <li><b>Another host name</b>: the same pages at {@code http://evil.test:<attackerPort>/}; Chromium maps
 *       {@code evil.test} to 127.0.0.1 ({@code --host-resolver-rules}), so this is a cross-site attacker that
 *       Chromium's Local Network Access rules still let through (loopback to loopback).</li>
 *   <li><b>DNS rebinding</b>: the page lives at {@code http://rebind.test:<port>/} and its requests to
 *       {@code /api/...} are same-origin, so Origin and Sec-Fetch-Site checks cannot stop them; only the
 *       {@code Host} allow-list can (421). A real attack serves the page from the attacker's machine and then
 *       lets {@code rebind.test} resolve to 127.0.0.1. Navigating Chromium to mcr's own port under that name would
 *       give a page served by mcr (or, once fixed, mcr's 421), not the attacker's script; so a
 *       {@link RebindingRelay} plays the name: it answers the page path itself ("before the rebinding") and
 *       pipes every other connection byte for byte to mcr ("after"), which then sees
 *       {@code Host: rebind.test:<relayPort>}.</li>
 * </ul>
 *
 * <p><b>The attacks</b>, each against {@code /api/state} (save a planted runner), {@code /api/run} (with a state
 * whose runner writes a marker file), {@code /api/import} (import a runner) and {@code /api/stop} (stop a running
 * long runner): no-cors {@code fetch} with a Blob, a Uint8Array and a string (text/plain) body;
 * {@code navigator.sendBeacon} with a type-less and a text/plain Blob; text/plain form posts whose single field
 * {@code name='{"runners":[...],"x":"' value='"}'} makes the body valid JSON, into iframes and as top-level
 * navigations; an invisible full-window iframe of the UI with a click where its ▶ Run button would be
 * (clickjacking); and from the rebinding page same-origin reads, JSON posts and deletes.
 *
 * <p><b>Proof that the attacks are delivered.</b> ChromeDriver's "performance" log records the DevTools network
 * events; {@link ChromiumNetworkLog} reads the headers each attack request really carried and waits until mcr
 * answered it, so the checks never race the requests, and a test fails when an attack was never sent. With Basic
 * auth the browser first learns the credentials by opening {@code http://user:password@127.0.0.1:<port>/} (no
 * prompt: a prompt would hang headless Chromium), and every attack request must be seen carrying
 * {@code Authorization}; otherwise the auth test would prove nothing. Third-party cookies are allowed in this
 * browser (preferences), as in a default desktop profile: with them blocked Chromium sends cross-site subresource
 * requests without the cached credentials, which would hide the server's behaviour behind the browser's.
 *
 * <p><b>Nothing changes.</b> Each attack variant gets a tag; after mcr answered it (plus a grace period for
 * commands), the stored state must equal the one before, no marker file may exist, no run log may appear, the
 * long runner still runs and no other runner has run. Between variants anything an attack did is undone, so each
 * failure names the variant that caused it. The positive controls show the UI itself still saves and runs on its
 * own origin, with and without auth, so these tests cannot pass merely because everything is broken.
 */
class CrossOriginAttackBrowserTest extends BrowserTestBase {

    private static final String USER = "admin";
    private static final String PASSWORD = "attack-test-password";
    /**
     * How long a command an attack may have started gets to leave its marker file before the next variant (a run
     * shows in the status at once; the end of each test waits half a second more for late markers).
     */
    private static final Duration GRACE = Duration.ofMillis(100);
    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static final List<String> ENDPOINTS = List.of("state", "run", "import", "stop");

    private static HttpServer attacker;
    private static final Map<String, String> PAGES = new ConcurrentHashMap<>();

    /** The attacker origins that load pages from {@link #attacker}. */
    enum Origin {
        ANOTHER_PORT("127.0.0.1", "port"), ANOTHER_HOST("evil.test", "evil");

        final String host;
        final String tag;

        Origin(String host, String tag) {
            this.host = host;
            this.tag = tag;
        }
    }

    @TempDir
    Path markers;

    private final boolean basicAuth;
    private ChromiumNetworkLog network;
    private String beforeJson;
    private JsonNode before;

    CrossOriginAttackBrowserTest(TestInfo info) {
        this.basicAuth = info.getTestMethod().map(m -> m.getName().contains("with_basic_auth")).orElse(false);
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        BrowserTestBase.startBrowser(options -> {
            options.addArguments("--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1");
            options.setExperimentalOption("prefs",
                    Map.of("profile.cookie_controls_mode", 0, "profile.block_third_party_cookies", false));
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            logs.enable(LogType.PERFORMANCE, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
        });
        attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        attacker.createContext("/", exchange -> {
            String page = PAGES.get(exchange.getRequestURI().getPath());
            byte[] body = (page == null ? "" : page).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        attacker.start();
    }

    @AfterAll
    static void stopAttacker() {
        if (attacker != null) {
            attacker.stop(0);
            attacker = null;
        }
        PAGES.clear();
    }

    @Override
    Map<String, String> extraEnv() {
        return basicAuth
                ? Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", USER, "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", PASSWORD)
                : Map.of();
    }

    /**
     * The victim's set-up: a long runner that runs (the target of the stop attacks) and a stored runner whose
     * command leaves a marker (the target of the clickjacking); with auth, the browser knows the credentials.
     */
    @BeforeEach
    void prepareVictim() {
        network = new ChromiumNetworkLog(driver);
        beforeJson = stateOf(victimRunners());
        saveState(beforeJson);
        before = state();
        mcr.start("sleeper");
        waitUntil(d -> status().path("sleeper").path("running").asBoolean(), "the long runner to start");
        if (basicAuth) {
            driver.get("http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + server.port() + "/");
            // Only the document: the page's own requests fail while its URL holds credentials.
            assertThat(driver.getTitle()).as("the UI opened with the credentials from the URL").isEqualTo("mcr");
            driver.get("about:blank");
        }
    }

    /** The stored runner a click would start (first, so its card is in the first screen) and the long runner. */
    private String[] victimRunners() {
        return new String[] {
            runner("victim", "Backup", "echo clicked > " + markers.resolve("victim-ran"))
                    .replace("\"logging_enabled\":true", "\"logging_enabled\":false"),
            runner("sleeper", "Long job", "sleep 300")
                    .replace("\"logging_enabled\":true", "\"logging_enabled\":false")};
    }

    @AfterEach
    void forgetBrowserMessages() {
        // Attacks make Chromium log refused frames and failed loads; the base class would count them as script errors.
        consoleErrors();
    }

    // ------------------------------------------------------------------------------------ no-cors fetch

    @Test
    void no_cors_fetch_posts_with_blob_bytes_and_text_bodies_from_other_origins_change_nothing() {
        fetchAttacks();
    }

    @Test
    void no_cors_fetch_posts_with_blob_bytes_and_text_bodies_from_other_origins_change_nothing_with_basic_auth() {
        fetchAttacks();
    }

    private void fetchAttacks() {
        SoftAssertions soft = new SoftAssertions();
        for (Origin origin : Origin.values()) {
            for (String variant : List.of("blob", "bytes", "text")) {
                String tag = origin.tag + "-fetch-" + variant;
                String body = switch (variant) {
                    case "blob" -> "new Blob([json])";
                    case "bytes" -> "new TextEncoder().encode(json)";
                    default -> "json";
                };
                StringBuilder js = new StringBuilder("const body = (json) => " + body + ";\nPromise.all([\n");
                for (String endpoint : ENDPOINTS) {
                    js.append("  fetch(").append(jsString(target(endpoint)))
                            .append(", {method: 'POST', mode: 'no-cors', credentials: 'include', body: body(")
                            .append(jsString(payload(endpoint, tag)))
                            .append(")}).then(r => r.type, e => String(e)),\n");
                }
                js.append("]).then(r => { window.attackDone = r; });");
                attack(origin, tag, page(tag, "<script>\n" + js + "\n</script>"), ENDPOINTS.size(), soft);
            }
        }
        finish(soft);
    }

    // ------------------------------------------------------------------------------------ beacons

    @Test
    void beacons_with_typeless_and_text_plain_blobs_from_other_origins_change_nothing() {
        beaconAttacks();
    }

    @Test
    void beacons_with_typeless_and_text_plain_blobs_from_other_origins_change_nothing_with_basic_auth() {
        beaconAttacks();
    }

    private void beaconAttacks() {
        SoftAssertions soft = new SoftAssertions();
        for (Origin origin : Origin.values()) {
            for (String variant : List.of("blob", "text")) {
                String tag = origin.tag + "-beacon-" + variant;
                String options = variant.equals("text") ? ", {type: 'text/plain'}" : "";
                StringBuilder js = new StringBuilder("window.attackDone = [\n");
                for (String endpoint : ENDPOINTS) {
                    js.append("  navigator.sendBeacon(").append(jsString(target(endpoint))).append(", new Blob([")
                            .append(jsString(payload(endpoint, tag))).append("]").append(options).append(")),\n");
                }
                js.append("];");
                attack(origin, tag, page(tag, "<script>\n" + js + "\n</script>"), ENDPOINTS.size(), soft);
            }
        }
        finish(soft);
    }

    // ------------------------------------------------------------------------------------ text/plain forms

    @Test
    void text_plain_form_posts_into_iframes_from_other_origins_change_nothing() {
        iframeFormAttacks();
    }

    @Test
    void text_plain_form_posts_into_iframes_from_other_origins_change_nothing_with_basic_auth() {
        iframeFormAttacks();
    }

    private void iframeFormAttacks() {
        SoftAssertions soft = new SoftAssertions();
        for (Origin origin : Origin.values()) {
            String tag = origin.tag + "-form-iframe";
            StringBuilder html = new StringBuilder();
            for (int i = 0; i < ENDPOINTS.size(); i++) {
                html.append(textPlainForm(ENDPOINTS.get(i), tag, "sink" + i))
                        .append("<iframe name=\"sink").append(i).append("\"></iframe>\n");
            }
            html.append("<script>for (const f of document.forms) f.submit(); window.attackDone = true;</script>");
            attack(origin, tag, page(tag, html.toString()), ENDPOINTS.size(), soft);
        }
        finish(soft);
    }

    @Test
    void text_plain_form_posts_as_top_level_navigations_from_other_origins_change_nothing() {
        topLevelFormAttacks();
    }

    @Test
    void text_plain_form_posts_as_top_level_navigations_from_other_origins_change_nothing_with_basic_auth() {
        topLevelFormAttacks();
    }

    private void topLevelFormAttacks() {
        SoftAssertions soft = new SoftAssertions();
        for (Origin origin : Origin.values()) {
            for (String endpoint : ENDPOINTS) {
                String tag = origin.tag + "-form-top-" + endpoint;
                String html = textPlainForm(endpoint, tag, "_top")
                        + "<script>document.forms[0].submit();</script>";
                attack(origin, tag, page(tag, html), 1, soft);
            }
        }
        finish(soft);
    }

    // ------------------------------------------------------------------------------------ clickjacking

    @Test
    void the_ui_framed_by_other_origins_shows_nothing_and_a_click_on_its_run_button_runs_nothing() {
        clickjacking();
    }

    @Test
    void the_ui_framed_by_other_origins_shows_nothing_and_a_click_on_its_run_button_runs_nothing_with_basic_auth() {
        clickjacking();
    }

    private void clickjacking() {
        // Where the ▶ Run button of the stored runner is when the UI fills a 1280×900 window; the attacker's
        // frame fills the same window, so the button would be at the same place there.
        openPage();
        js("window.scrollTo(0, 0)");
        @SuppressWarnings("unchecked")
        Map<String, Object> rect = (Map<String, Object>) js("const r = document.querySelector("
                + "'#runner-victim [data-act=run]').getBoundingClientRect();"
                + "return {x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2), h: innerHeight};");
        int x = ((Number) rect.get("x")).intValue();
        int y = ((Number) rect.get("y")).intValue();
        assertThat(y).as("the Run button is in the first screen (%s)", rect)
                .isBetween(1, ((Number) rect.get("h")).intValue() - 1);
        driver.get("about:blank");

        SoftAssertions soft = new SoftAssertions();
        for (Origin origin : Origin.values()) {
            String tag = origin.tag + "-clickjacking";
            String html = "<style>body{margin:0} #decoy{position:absolute;left:" + (x - 60) + "px;top:" + (y - 15)
                    + "px;width:120px;height:30px}"
                    + " iframe{position:fixed;left:0;top:0;width:100vw;height:100vh;border:0;opacity:0.01}</style>"
                    + "<button id=\"decoy\">Claim your prize</button>"
                    + "<iframe id=\"victim\" name=\"victim\" src=\"" + mcrOrigin() + "/\""
                    + " onload=\"window.attackDone = true\"></iframe>";
            PAGES.put("/" + tag, page(tag, html));
            network.clear();
            driver.get(attackerOrigin(origin) + "/" + tag);
            waitUntil(d -> js("return window.attackDone === true") == Boolean.TRUE, "the framed UI to load");
            List<Sent> framed = network.await(s -> s.url.equals(mcrOrigin() + "/") && "Document".equals(s.type), 1,
                    DELIVERY, tag);
            report(tag, framed);
            if (basicAuth) {
                assertCarryCredentials(tag, framed);
            }
            boolean rendered = frameShowsUi();
            soft.assertThat(rendered).as("%s: the framed document shows the mcr UI", tag).isFalse();
            try {
                Thread.sleep(600); // Chromium may drop clicks on cross-origin frames that moved in the last 500 ms.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            new Actions(driver).moveToLocation(x, y).click().perform();
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < deadline && !Files.exists(markers.resolve("victim-ran"))
                    && status().path("victim").path("run_count").asInt() == 0) {
                pause(Duration.ofMillis(50));
            }
            checkNothingChanged(tag, soft);
            restore();
        }
        for (String path : List.of("/", "/api/state")) {
            HttpResponse<String> r = api("GET", path, null);
            soft.assertThat(r.headers().firstValue("X-Frame-Options").orElse(""))
                    .as("X-Frame-Options of GET %s", path).isEqualToIgnoringCase("DENY");
            soft.assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                    .as("Content-Security-Policy of GET %s", path).containsIgnoringCase("frame-ancestors 'none'");
        }
        finish(soft);
    }

    /**
     * Whether the attacker's frame renders the mcr UI. Selenium may enter a cross-origin frame (a page's script
     * may not); a frame Chromium refused to render holds its error page instead. When the UI is there, waits
     * until its Run button works, so the click that follows is a fair attack.
     */
    private boolean frameShowsUi() {
        try {
            driver.switchTo().frame("victim");
            boolean ui = !driver.findElements(By.id("main")).isEmpty();
            if (ui) {
                waitUntil(d -> {
                    List<WebElement> run = d.findElements(By.cssSelector("#runner-victim [data-act=run]"));
                    return !run.isEmpty() && run.get(0).isEnabled()
                            && !d.findElements(By.cssSelector("#conn.open")).isEmpty();
                }, "the framed UI to show the runner");
            }
            return ui;
        } catch (NoSuchFrameException e) {
            return false;
        } finally {
            driver.switchTo().defaultContent();
        }
    }

    // ------------------------------------------------------------------------------------ DNS rebinding

    @Test
    void a_dns_rebinding_page_gets_421_for_every_request_and_neither_reads_nor_changes_anything() throws IOException {
        rebinding();
    }

    @Test
    void a_dns_rebinding_page_gets_421_for_every_request_and_neither_reads_nor_changes_anything_with_basic_auth()
            throws IOException {
        rebinding();
    }

    private void rebinding() throws IOException {
        String tag = "rebind";
        // In parallel, each with a time limit: a 401 with a Basic challenge makes Chromium wait for a password
        // prompt that headless Chromium never shows.
        StringBuilder js = new StringBuilder("""
                const out = {};
                async function call(name, method, path, body) {
                  const init = {method, cache: 'no-store', credentials: 'include', signal: AbortSignal.timeout(3000)};
                  if (body !== undefined) { init.headers = {'Content-Type': 'application/json'}; init.body = body; }
                  try {
                    const r = await fetch(path, init);
                    out[name] = {status: r.status, challenge: r.headers.get('WWW-Authenticate'),
                                 body: (await r.text()).slice(0, 3000)};
                  } catch (e) {
                    out[name] = {status: 0, challenge: null, body: 'no answer: ' + e + ' (a password prompt?)'};
                  }
                }
                Promise.all([
                  call('GET /', 'GET', '/'),
                  call('GET /api/state', 'GET', '/api/state'),
                  call('GET /api/export', 'GET', '/api/export'),
                  call('GET /api/status', 'GET', '/api/status'),
                ]).then(() => Promise.all([
                  call('DELETE /api/log/victim', 'DELETE', '/api/log/victim'),
                  call('DELETE /api/notifications', 'DELETE', '/api/notifications'),
                """);
        for (String endpoint : ENDPOINTS) {
            js.append("  call('POST /api/").append(endpoint).append("', 'POST', '/api/").append(endpoint)
                    .append("', ").append(jsString(payload(endpoint, tag))).append("),\n");
        }
        js.append("])).then(() => { window.attackDone = out; });");
        try (RebindingRelay relay = new RebindingRelay(server.port(), "/innocent-page",
                page(tag, "<script>\n" + js + "\n</script>"))) {
            network.clear();
            driver.get("http://rebind.test:" + relay.port() + "/innocent-page");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> out = (Map<String, Map<String, Object>>) waitUntil(
                    d -> js("return window.attackDone || null"), "the rebinding page's requests");
            report(tag, network.read().stream().filter(s -> s.url != null && s.url.contains("/api/")).toList());
            SoftAssertions soft = new SoftAssertions();
            out.forEach((request, answer) -> {
                String body = String.valueOf(answer.get("body"));
                soft.assertThat(((Number) answer.get("status")).intValue()).as("%s from the rebinding page (%s)",
                        request, body.length() > 200 ? body.substring(0, 200) + "…" : body).isEqualTo(421);
                soft.assertThat(body).as("%s from the rebinding page shows no data", request)
                        .doesNotContain("Long job", "sleeper", "victim", "Backup", "importmap", "\"runners\"",
                                "run_count");
                soft.assertThat(answer.get("challenge")).as("%s from the rebinding page asks for no password "
                        + "(a prompt under the attacker's name invites the user to type it)", request).isNull();
            });
            pause(GRACE);
            checkNothingChanged(tag, soft);
            finish(soft);
        }
    }

    // ------------------------------------------------------------------------------------ positive controls

    @Test
    void the_ui_on_its_own_origin_still_saves_and_runs() {
        positiveControl();
    }

    @Test
    void the_ui_on_its_own_origin_still_saves_and_runs_with_basic_auth() {
        positiveControl();
    }

    private void positiveControl() {
        openPage();
        network.clear();
        String saved = stateOf(Stream.concat(Stream.of(victimRunners()),
                Stream.of(runner("control", "Saved by the UI", "echo saved"))).toArray(String[]::new));
        Object answer = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "import('/static/api.js').then(m => m.post('/api/state', JSON.parse(arguments[0])))"
                        + ".then(r => done(JSON.stringify(r)), e => done('failed: ' + e.status + ' ' + e.message));",
                saved);
        assertThat(answer).as("the page's own save").isEqualTo("{\"ok\":true}");
        assertThat(storedRunner("control")).as("the runner saved by the page").isNotNull();

        WebElement card = waitUntil(d -> d.findElements(By.id("runner-victim")).stream().findFirst().orElse(null),
                "the stored runner's card");
        click(act(card, "run"));
        waitUntil(d -> Files.exists(markers.resolve("victim-ran")), "the runner started from the UI to write its file");
        assertThat(status().path("victim").path("run_count").asInt()).isEqualTo(1);

        List<Sent> own = network.read().stream()
                .filter(s -> s.url != null && s.url.startsWith(mcrOrigin() + "/api/") && "POST".equals(s.method))
                .toList();
        report("own-origin", own);
        assertThat(own).as("the UI's own posts").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(s -> assertThat(s.header("Sec-Fetch-Site")).isEqualTo("same-origin"));
        if (basicAuth) {
            assertCarryCredentials("own-origin", own);
        }
        assertThat(consoleErrors()).as("script errors of the UI")
                .filteredOn(m -> !m.contains("Failed to load resource") && !m.contains("net::ERR_")).isEmpty();
    }

    // ------------------------------------------------------------------------------------ attack machinery

    /**
     * Opens an attack page at the attacker origin, waits until Chromium sent the expected requests to mcr and
     * mcr answered them, then checks that nothing changed and undoes what the attack did.
     */
    private void attack(Origin origin, String tag, String html, int requests, SoftAssertions soft) {
        PAGES.put("/" + tag, html);
        for (int attempt = 1; ; attempt++) {
            network.clear();
            driver.get(attackerOrigin(origin) + "/" + tag);
            List<Sent> sent = network.await(s -> "POST".equals(s.method) && s.url.startsWith(mcrOrigin() + "/api/"),
                    requests, DELIVERY, tag);
            report(tag, sent);
            pause(GRACE);
            checkNothingChanged(tag, soft);
            restore();
            boolean headersKnown = sent.stream().allMatch(Sent::headersKnown);
            if (basicAuth && !headersKnown && attempt < 3) {
                // Chromium's log missed what one request carried (ChromiumNetworkLog.await): deliver it again.
                System.out.println("[attack " + tag + ", basic auth] sent headers not recorded; attempt " + (attempt + 1));
                continue;
            }
            if (basicAuth) {
                assertCarryCredentials(tag, sent);
            }
            return;
        }
    }

    /** With auth on, an attack request without the credentials proves nothing: fail at once. */
    private static void assertCarryCredentials(String tag, List<Sent> sent) {
        assertThat(sent).as("%s: every request must carry the cached Basic credentials, else this test proves "
                + "nothing", tag).allSatisfy(s -> assertThat(s.header("Authorization")).startsWith("Basic "));
    }

    private void checkNothingChanged(String tag, SoftAssertions soft) {
        JsonNode now = state();
        soft.assertThat(runnerNames(now)).as("%s: the stored runners", tag).isEqualTo(runnerNames(before));
        soft.assertThat(now.equals(before)).as("%s: the stored state is exactly as before", tag).isTrue();
        soft.assertThat(listFiles(markers)).as("%s: files written by commands", tag).isEmpty();
        soft.assertThat(runLogs()).as("%s: run logs in the data folder", tag).isEmpty();
        JsonNode status = status();
        soft.assertThat(status.path("sleeper").path("running").asBoolean()).as("%s: the long runner still runs", tag)
                .isTrue();
        List<String> ran = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = status.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("sleeper")
                    && (e.getValue().path("run_count").asInt() > 0 || e.getValue().path("running").asBoolean())) {
                ran.add(e.getKey() + " " + e.getValue());
            }
        }
        soft.assertThat(ran).as("%s: runners that ran", tag).isEmpty();
    }

    /** Undoes whatever an attack did, so that the next variant starts from the same place. */
    private void restore() {
        mcr.status().forEach((id, s) -> {
            if (s.running() && !id.equals("sleeper")) {
                try {
                    mcr.stop(id);
                } catch (RuntimeException e) {
                    // already gone with the state it came with
                }
            }
        });
        if (!state().equals(before)) {
            saveState(beforeJson);
        }
        if (!mcr.status().get("sleeper").running()) {
            // A stopped long runner is started again; its run count then says it was stopped once.
            mcr.start("sleeper");
        }
        Stream.concat(listFiles(markers).stream().map(markers::resolve), runLogs().stream().map(dataDir::resolve))
                .forEach(p -> p.toFile().delete());
    }

    private void finish(SoftAssertions soft) {
        pause(Duration.ofMillis(500));
        soft.assertThat(listFiles(markers)).as("files written by commands in the end").isEmpty();
        soft.assertThat(state().equals(before)).as("the stored state is as before in the end").isTrue();
        soft.assertAll();
    }

    private void report(String tag, List<Sent> sent) {
        for (Sent s : sent) {
            System.out.println("[attack " + tag + (basicAuth ? ", basic auth" : "") + "] " + s);
        }
    }

    // ------------------------------------------------------------------------------------ pages and payloads

    private String mcrOrigin() {
        return "http://127.0.0.1:" + server.port();
    }

    private static String attackerOrigin(Origin origin) {
        return "http://" + origin.host + ":" + attacker.getAddress().getPort();
    }

    private String target(String endpoint) {
        return mcrOrigin() + "/api/" + endpoint;
    }

    /** The JSON an attack sends to an endpoint; everything it plants is named after the tag. */
    private String payload(String endpoint, String tag) {
        return switch (endpoint) {
            case "state" -> stateOf(runner("planted", "Planted by " + tag,
                    "echo planted > " + markers.resolve(tag + "-state")));
            case "run" -> "{\"state\":" + stateOf(runner("pwn", "Run by " + tag,
                    "echo pwned > " + markers.resolve(tag + "-run"))) + ",\"runner_id\":\"pwn\"}";
            case "import" -> "{\"runners\":[" + runner("imported", "Imported by " + tag,
                    "echo imported > " + markers.resolve(tag + "-import")) + "]}";
            case "stop" -> "{\"runner_id\":\"sleeper\"}";
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    /**
     * A form whose text/plain body is the endpoint's JSON: the one field's name is the JSON without its closing
     * brace plus {@code ,"x":"}, its value {@code "}}, and the browser puts {@code =} between them.
     */
    private String textPlainForm(String endpoint, String tag, String target) {
        String json = payload(endpoint, tag);
        String name = json.substring(0, json.length() - 1) + ",\"x\":\"";
        return "<form method=\"POST\" enctype=\"text/plain\" action=\"" + target(endpoint) + "\" target=\"" + target
                + "\"><input type=\"hidden\" name=\"" + attr(name) + "\" value=\"" + attr("\"}") + "\"></form>\n";
    }

    private static String page(String title, String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>"
                + "<h1>Cute cats</h1>\n" + body + "\n</body></html>";
    }

    private static String jsString(String s) {
        try {
            return JSON.writeValueAsString(s).replace("</", "<\\/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String attr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("'", "&#39;").replace("<", "&lt;")
                .replace(">", "&gt;");
    }

    // ------------------------------------------------------------------------------------ server side

    private JsonNode status() {
        HttpResponse<String> r = api("GET", "/api/status", null);
        assertThat(r.statusCode()).as("GET /api/status: %s", r.body()).isEqualTo(200);
        return json(r.body());
    }

    private static List<String> runnerNames(JsonNode state) {
        List<String> names = new ArrayList<>();
        state.path("runners").forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    private List<String> runLogs() {
        return listFiles(dataDir).stream().filter(n -> n.toLowerCase(Locale.ROOT).matches("run_.*\\.log"))
                .collect(Collectors.toList());
    }

    private static List<String> listFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
