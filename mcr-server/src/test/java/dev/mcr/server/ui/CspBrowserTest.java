package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The web UI under the server's Content-Security-Policy: the everyday flows run without a single violation
 * (the inline import map is allowed by its hash, nothing else inline is needed), and the policy is strict
 * (no {@code 'unsafe-inline'} scripts, no framing).
 */
class CspBrowserTest extends BrowserTestBase {

    /** Collects violations from the first byte of every document; CDP scripts are not subject to the page's policy. */
    static final String VIOLATION_RECORDER = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
            + "e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '?') + ':'"
            + " + e.lineNumber + ' (' + (e.sample || '') + ')'));";

    @Test
    void the_everyday_flows_cause_no_content_security_policy_violation() {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", VIOLATION_RECORDER));
        saveState(stateOf(runner("runner_a", "Disk report", "echo disk ok")));
        List<String> violations = new ArrayList<>();

        openPage();
        WebElement stored = runnerCard("runner_a");
        assertThat(text(stored.findElement(By.cssSelector(".card-title")))).isEqualTo("Disk report");

        // create and save a runner
        click(driver.findElement(By.id("addRunner")));
        WebElement card = waitUntil(d -> d.findElements(By.cssSelector("article.runner")).stream()
                .filter(c -> !"runner_a".equals(c.getAttribute("data-runner-id"))).findFirst().orElse(null),
                "the new runner card");
        String id = card.getAttribute("data-runner-id");
        type(field(card, "name"), "Greeter");
        type(field(card, "command"), "echo hello from csp");
        click(act(card, "save"));
        waitUntil(d -> !hasClass(card, "dirty"), "the save to finish");
        assertThat(storedRunner(id).path("command").asText()).isEqualTo("echo hello from csp");

        // run it and watch the live output
        click(act(card, "run"));
        waitUntil(d -> text(card.findElement(By.cssSelector(".last-exit"))).startsWith("last exit code 0"),
                "the run to finish");
        assertThat(text(card.findElement(By.cssSelector("pre.output")))).contains("hello from csp");

        // open its log in a new tab (a new target: the recorder is not in it, the console still is)
        String main = driver.getWindowHandle();
        click(act(card, "open-log"));
        String logTab = waitUntil(d -> d.getWindowHandles().stream().filter(h -> !h.equals(main)).findFirst()
                .orElse(null), "the log tab");
        driver.switchTo().window(logTab);
        waitUntil(d -> d.getCurrentUrl().contains("/api/log/") && d.findElement(By.tagName("body")).getText()
                .contains("hello from csp"), "the log text");
        driver.close();
        driver.switchTo().window(main);

        // the journal section: fold, unfold, clear
        WebElement journalToggle = driver.findElement(By.id("journalToggle"));
        click(journalToggle);
        waitUntil(d -> "false".equals(journalToggle.getAttribute("aria-expanded")), "the journal to fold");
        click(journalToggle);
        waitUntil(d -> "true".equals(journalToggle.getAttribute("aria-expanded")), "the journal to unfold");
        click(driver.findElement(By.id("clearJournal")));
        confirm();
        waitUntil(d -> !flashText().isEmpty(), "the journal to be cleared");

        // switch the language and back
        for (String lang : List.of("de", "en")) {
            choose(driver.findElement(By.id("langSel")), lang);
            waitUntil(d -> String.valueOf(js("return document.documentElement.lang")).startsWith(lang),
                    "the switch to " + lang);
        }
        assertThat(driver.findElements(By.cssSelector("#conn.open"))).as("the live stream is still open").isNotEmpty();

        violations.addAll(recordedViolations("page"));
        List<String> console = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Refused to") || m.contains("Content Security Policy")
                        || m.contains("Content-Security-Policy"))
                .collect(Collectors.toList());
        assertThat(violations).as("securitypolicyviolation events").isEmpty();
        assertThat(console).as("CSP messages in the browser console").isEmpty();

        // Without a policy the lists above are empty for nothing: the page must have been served under one.
        assertThat(api("GET", "/", null).headers().firstValue("Content-Security-Policy"))
                .as("the policy the page ran under").isPresent();
    }

    @Test
    void the_page_forbids_inline_scripts_and_framing() {
        HttpResponse<String> page = api("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        String csp = page.headers().firstValue("Content-Security-Policy").orElse(null);
        assertThat(csp).as("Content-Security-Policy of GET /").isNotNull();
        Map<String, List<String>> policy = directives(csp);
        SoftAssertions soft = new SoftAssertions();
        List<String> scripts = policy.getOrDefault("script-src", policy.get("default-src"));
        soft.assertThat(scripts).as("script-src (or default-src) in %s", csp).isNotNull();
        if (scripts != null) {
            soft.assertThat(scripts).as("script sources in %s", csp).doesNotContain("'unsafe-inline'", "*");
            soft.assertThat(scripts)
                    .as("script sources in %s: the inline import map is allowed by a hash (or nonce)", csp)
                    .anyMatch(s -> s.startsWith("'sha") || s.startsWith("'nonce-"));
        }
        soft.assertThat(policy.get("frame-ancestors")).as("frame-ancestors in %s", csp).containsExactly("'none'");
        soft.assertThat(page.headers().firstValue("X-Frame-Options").orElse("")).as("X-Frame-Options")
                .isEqualToIgnoringCase("DENY");
        soft.assertThat(page.headers().firstValue("X-Content-Type-Options").orElse("")).as("X-Content-Type-Options")
                .isEqualToIgnoringCase("nosniff");
        for (String path : List.of("/api/state", "/static/app.js", "/no-such-page")) {
            HttpResponse<String> r = api("GET", path, null);
            soft.assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                    .as("Content-Security-Policy of GET %s (%d)", path, r.statusCode())
                    .contains("frame-ancestors 'none'");
        }
        soft.assertAll();
    }

    private List<String> recordedViolations(String where) {
        Object v = js("return window.__cspViolations || ['the violation recorder did not run']");
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            list.forEach(x -> out.add(where + ": " + x));
        }
        return out;
    }

    /** The directives of a policy, names lower case, each with its source list. */
    private static Map<String, List<String>> directives(String csp) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String part : csp.split(";")) {
            String[] words = part.trim().split("\\s+");
            if (words.length > 0 && !words[0].isEmpty()) {
                out.putIfAbsent(words[0].toLowerCase(Locale.ROOT),
                        Arrays.asList(words).subList(1, words.length));
            }
        }
        return out;
    }
}
