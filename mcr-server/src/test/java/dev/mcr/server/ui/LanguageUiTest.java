package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The language switch: complete dictionaries, every visible label translated, nothing re-rendered. */
class LanguageUiTest extends BrowserTestBase {

    private static final List<String> LANGS = List.of("en", "de", "fr", "zh");

    /** Labels that differ in all four languages, by CSS selector. */
    private static final Map<String, String> KEY_ELEMENTS = new LinkedHashMap<>();

    static {
        KEY_ELEMENTS.put("services heading", "#servicesTitle [data-i18n]");
        KEY_ELEMENTS.put("journal heading", "#journalTitle [data-i18n]");
        KEY_ELEMENTS.put("events heading", "#eventsTitle [data-i18n]");
        KEY_ELEMENTS.put("sort button", "#runnersSort");
        KEY_ELEMENTS.put("add group", "#addGroup");
        KEY_ELEMENTS.put("export", "#exportBtn");
        KEY_ELEMENTS.put("run", "#runner-runner_a [data-act=run]");
        KEY_ELEMENTS.put("save", "#runner-runner_a [data-act=save]");
        KEY_ELEMENTS.put("clone", "#runner-runner_a [data-act=clone]");
        KEY_ELEMENTS.put("remove", "#runner-runner_a [data-act=remove]");
        KEY_ELEMENTS.put("open log", "#runner-runner_a [data-act=open-log]");
        KEY_ELEMENTS.put("clear log", "#runner-runner_a [data-act=clear-log]");
        KEY_ELEMENTS.put("copy", "#runner-runner_a [data-act=copy]");
        KEY_ELEMENTS.put("hours label", "#runner-runner_a label[for$='-h']");
        KEY_ELEMENTS.put("seconds label", "#runner-runner_a label[for$='-s']");
        KEY_ELEMENTS.put("cooldown label", "#runner-runner_a label[for$='-cool']");
        KEY_ELEMENTS.put("cooldown default", "#runner-runner_a [data-field=cool] option[value='300']");
        KEY_ELEMENTS.put("escalation off", "#runner-runner_a [data-field=esc] option[value='0']");
        KEY_ELEMENTS.put("auto-pause default", "#runner-runner_a [data-field=pause] option[value='5']");
        KEY_ELEMENTS.put("case state none", "#runner-runner_a [data-field=state] option[value='']");
        KEY_ELEMENTS.put("case help", "#runner-runner_a .case-msg");
        KEY_ELEMENTS.put("updates only", "#runner-runner_a .notify-row label span");
        KEY_ELEMENTS.put("service status", "#service-notify_x .svc-status");
        KEY_ELEMENTS.put("service test", "#service-notify_x [data-act=test]");
        KEY_ELEMENTS.put("secret placeholder", "#service-notify_x [data-field=user_key]@placeholder");
        KEY_ELEMENTS.put("group run", "#group-group_g [data-act=run]");
        KEY_ELEMENTS.put("member toggle", "#runner-runner_m [data-act=group-toggle]");
        KEY_ELEMENTS.put("collapse aria", "#runner-runner_a .collapse@aria-label");
        KEY_ELEMENTS.put("case pattern placeholder", "#runner-runner_a [data-field=pattern]@placeholder");
    }

    /** English words and phrases that must not show anywhere in the German page. */
    private static final List<String> ENGLISH = List.of("Save", "Remove", "Clone", "Notification services",
            "Notification journal", "Sort:", "Hours", "Seconds", "Number of runs", "Alert cooldown", "Updates only",
            "Open log", "Clear log", "Schedule after run end", "Output", "Copy", "Command", "running", "scheduled",
            "Pattern", "Message", "default", "failures", "unsaved", "Group run", "Events", "no state", "Show or hide",
            "Move", "Add", "Test", "Service", "sent", "active", "set", "Last-line", "Whether", "Delete", "Keep",
            "Language", "Skip", "live", "Runs", "custom", "Escalation", "Auto-pause", "Close", "About");

    private static final String STATE = "{\"notify_profiles\":[{\"id\":\"notify_x\",\"name\":\"Pager\","
            + "\"type\":\"pushover\",\"active\":true,\"config\":{\"user_key\":\"k1\",\"api_token\":\"t1\"}}],"
            + "\"runners\":[" + runner("runner_a", "Alpha", "echo alpha",
                    "[{\"id\":\"case_1\",\"pattern\":\"\",\"message_template\":\"\",\"state\":\"\"}]") + ","
            + runner("runner_m", "Member", "echo member") + "],"
            + "\"runner_groups\":[{\"id\":\"group_g\",\"name\":\"Nightly\",\"runner_ids\":[\"runner_m\"]}],"
            + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"runner_a\"},{\"type\":\"group\",\"id\":\"group_g\"}]}";

    @Test
    void every_language_has_every_key_and_the_same_placeholders_as_english() {
        openPage();
        @SuppressWarnings("unchecked")
        List<String> problems = (List<String>) ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "import('/static/i18n.js').then(({ DICTS }) => {"
                + "  const out = []; const en = DICTS.en;"
                + "  const ph = (s) => (String(s).match(/\\{\\w+\\}/g) || []).sort().join(',');"
                + "  for (const [lang, d] of Object.entries(DICTS)) {"
                + "    for (const k of Object.keys(en)) {"
                + "      if (!(k in d)) { out.push(lang + ': missing ' + k); continue; }"
                + "      if (typeof en[k] === 'string' && ph(en[k]) !== ph(d[k])) out.push(lang + ': placeholders of ' + k);"
                + "      if (typeof en[k] === 'string' && k !== 'empty' && !String(d[k]).trim()) out.push(lang + ': empty ' + k);"
                + "    }"
                + "    for (const k of Object.keys(d)) if (!(k in en)) out.push(lang + ': unknown ' + k);"
                + "    if (JSON.stringify(en.guide.map(s => s[1].length)) !== JSON.stringify(d.guide.map(s => s[1].length)))"
                + "      out.push(lang + ': guide has other sections');"
                + "  }"
                + "  done(out);"
                + "}, (e) => done(['import failed: ' + e]));");
        assertThat(problems).isEmpty();
    }

    @Test
    void switching_the_language_translates_every_label_in_place_and_is_remembered() {
        saveState(STATE);
        openPage();
        WebElement cmd = field(runnerCard("runner_a"), "command");
        type(cmd, "echo typed but not saved");

        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        for (String lang : LANGS) {
            choose(driver.findElement(By.id("langSel")), lang);
            waitUntil(d -> lang.equals(String.valueOf(js("return document.documentElement.lang")).substring(0, 2)),
                    "the switch to " + lang);
            Map<String, String> texts = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : KEY_ELEMENTS.entrySet()) {
                texts.put(e.getKey(), labelOf(e.getValue()));
            }
            seen.put(lang, texts);
        }
        for (String key : KEY_ELEMENTS.keySet()) {
            Set<String> variants = new HashSet<>();
            List<String> all = new ArrayList<>();
            for (String lang : LANGS) {
                String t = seen.get(lang).get(key);
                assertThat(t).as("%s in %s", key, lang).isNotBlank();
                variants.add(t);
                all.add(lang + "=" + t);
            }
            assertThat(variants).as("%s should differ in every language: %s", key, all).hasSize(4);
        }
        assertThat(cmd.getAttribute("value")).as("typed text survives the switch").isEqualTo("echo typed but not saved");
        assertThat(hasClass(runnerCard("runner_a"), "dirty")).isTrue();

        choose(driver.findElement(By.id("langSel")), "de");
        assertNoEnglishLeftIn("de");
        openInfoDialogAndCheckGuide("Runner", "Zeitplan", "Gruppen", "Import und Export");

        // The choice is remembered (localStorage) across a reload.
        type(cmd, "echo alpha");
        openPage();
        assertThat(text(driver.findElement(By.cssSelector("#servicesTitle [data-i18n]"))))
                .isEqualTo("Benachrichtigungsdienste");
        assertThat(driver.findElement(By.id("langSel")).getAttribute("value")).isEqualTo("de");
    }

    private String labelOf(String selector) {
        String attr = null;
        String css = selector;
        int at = selector.indexOf('@');
        if (at > 0) {
            css = selector.substring(0, at);
            attr = selector.substring(at + 1);
        }
        WebElement el = driver.findElement(By.cssSelector(css));
        return attr == null ? text(el).trim() : el.getAttribute(attr);
    }

    private void assertNoEnglishLeftIn(String lang) {
        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>) js("const out = [document.body.innerText];"
                + "document.querySelectorAll('[title],[aria-label],[placeholder]').forEach(e => {"
                + "  for (const a of ['title', 'aria-label', 'placeholder']) if (e.getAttribute(a)) out.push(e.getAttribute(a)); });"
                + "document.querySelectorAll('option').forEach(o => out.push(o.textContent));"
                + "return out;");
        String page = String.join("\n", texts)
                // Names and commands typed by the user are not translated.
                .replace("Alpha", "").replace("Member", "").replace("Pager", "").replace("Nightly", "");
        for (String word : ENGLISH) {
            Pattern p = Pattern.compile("(?<![\\p{L}])" + Pattern.quote(word) + "(?![\\p{L}])");
            assertThat(p.matcher(page).find()).as("English \"%s\" left in %s:%n%s", word, lang, page).isFalse();
        }
    }

    private void openInfoDialogAndCheckGuide(String... headings) {
        WebElement brand = driver.findElement(By.id("brand"));
        click(brand);
        WebElement dialog = waitUntil(d -> {
            WebElement dlg = d.findElement(By.id("infoDialog"));
            return dlg.isDisplayed() ? dlg : null;
        }, "the info dialog");
        String body = dialog.getText();
        assertThat(body).contains("mcr 0.1.0").contains(headings);
        assertNoEnglishLeftIn("de (info dialog)");
        assertThat(js("return document.activeElement.id")).as("focus moves into the dialog").isEqualTo("infoClose");
        dialog.findElement(By.id("infoClose")).click();
        waitUntil(d -> !d.findElement(By.id("infoDialog")).isDisplayed(), "the dialog to close");
        assertThat(js("return document.activeElement.id")).as("focus returns to the opener").isEqualTo("brand");
    }
}
