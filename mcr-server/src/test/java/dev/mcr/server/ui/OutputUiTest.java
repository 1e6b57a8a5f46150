package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * Live output under load and the output pane: events applied once per frame into a bounded DOM, matched lines
 * marked in their state's colour, ANSI colours as classes, the full-screen view with search, the phone layout;
 * all under the server's Content-Security-Policy.
 */
class OutputUiTest extends BrowserTestBase {

    private static final String CHATTY = "for i in $(seq 1 30000); do echo \"line $i disk at $((RANDOM%100))%\"; done";
    private static final String DISK_CASE = "[{\"id\":\"case_disk\",\"pattern\":\"disk at (?P<p>9\\\\d)%\","
            + "\"message_template\":\"Disk {p}%\",\"state\":\"WARN\"}]";
    /** Lines the card's pane keeps in the DOM (output.js DOM_LINES); up to twice that while the user reads above. */
    private static final int DOM_LINES = 200;
    /** Blocks the events pane holds at most (panes.js MAX_CHUNKS: it fills 24, trimming drops whole ones). */
    private static final int MAX_EVENT_BLOCKS = 32;

    private static final String VIOLATION_RECORDER = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
            + "e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '?')));";

    /** Watches the page once per frame: the largest output and events DOM seen, and whether the card stayed. */
    private static final String WATCH = "const card = document.querySelector('#runner-runner_chatty');"
            + "const w = window.__watch = {card, maxLines: 0, maxEventNodes: 0, maxEventChars: 0, frames: 0};"
            + "const pane = card.querySelector('pre.output'); const ev = document.getElementById('events');"
            + "(function f() { w.frames++; w.maxLines = Math.max(w.maxLines, pane.childElementCount);"
            + " w.maxEventNodes = Math.max(w.maxEventNodes, ev.childNodes.length);"
            + " w.maxEventChars = Math.max(w.maxEventChars, ev.textContent.length);"
            + " if (!w.stop) requestAnimationFrame(f); })();";

    @AfterEach
    void normalScreen() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }

    @Test
    void a_thirty_thousand_line_run_that_matches_often_ends_exact_in_a_bounded_dom_without_rebuilding_the_card()
            throws IOException {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", VIOLATION_RECORDER));
        saveState(stateOf(runner("runner_chatty", "Chatty disk", CHATTY, DISK_CASE)));
        openPage();
        js(WATCH);
        WebElement card = runnerCard("runner_chatty");
        click(act(card, "run"));
        waitUntil(d -> text(card.findElement(By.cssSelector(".last-exit"))).startsWith("last exit code 0"),
                "the run to finish");
        js("window.__watch.stop = true");

        JsonNode run = json(api("GET", "/api/runs?limit=1", null).body()).path("items").get(0);
        List<String> recorded = List.of(api("GET", "/api/runs/" + run.path("run_id").asText() + "/output", null)
                .body().split("\n"));
        assertThat(recorded).hasSize(30000);
        String lastLine = recorded.get(recorded.size() - 1);
        String lastWarn = null;
        Pattern disk = Pattern.compile("disk at (9\\d)%");
        for (String l : recorded) {
            Matcher m = disk.matcher(l);
            if (m.find()) {
                lastWarn = "Disk " + m.group(1) + "%";
            }
        }

        WebElement pane = card.findElement(By.cssSelector("pre.output"));
        waitUntil(d -> text(pane).endsWith(lastLine + "\n"), "the last line");
        assertThat(text(card.findElement(By.cssSelector(".last-case")))).endsWith(": " + lastWarn);
        assertThat(card.findElement(By.cssSelector(".last-case")).getAttribute("data-state")).isEqualTo("warn");

        @SuppressWarnings("unchecked")
        Map<String, Object> w = (Map<String, Object>) js("const w = window.__watch; return {connected: w.card.isConnected,"
                + " same: w.card === document.querySelector('#runner-runner_chatty'), maxLines: w.maxLines,"
                + " maxEventNodes: w.maxEventNodes, maxEventChars: w.maxEventChars, frames: w.frames}");
        assertThat(w.get("connected")).as("the card's root element stays in the page").isEqualTo(true);
        assertThat(w.get("same")).as("the card is never replaced").isEqualTo(true);
        assertThat(((Number) w.get("maxLines")).intValue()).as("line elements in the pane during the run")
                .isPositive().isLessThanOrEqualTo(DOM_LINES);
        assertThat(((Number) w.get("maxEventNodes")).intValue()).as("nodes of the events pane (the newest block"
                + " grows until full, the oldest goes whole)").isPositive().isLessThanOrEqualTo(MAX_EVENT_BLOCKS);
        assertThat(((Number) w.get("maxEventChars")).intValue()).as("characters of the events pane")
                .isLessThanOrEqualTo(120000);

        // Once the stream is quiet the pane holds its DOM_LINES again (during the burst only the newest lines), the
        // run's last ones in order. Matched lines carry their state's mark, each in an element of its own; the
        // others none (plain lines in a row share one element).
        String lines = "return Array.from(arguments[0].children).flatMap(l => l.textContent.split(/(?<=\\n)/)"
                + ".map(t => [t, l.classList.contains('mk-warn')]))";
        waitUntil(d -> ((List<?>) js(lines, pane)).size() == DOM_LINES, DOM_LINES + " lines in the pane");
        @SuppressWarnings("unchecked")
        List<List<Object>> shown = (List<List<Object>>) js(lines, pane);
        List<String> expected = recorded.subList(30000 - DOM_LINES, 30000);
        for (int i = 0; i < DOM_LINES; i++) {
            List<Object> l = shown.get(i);
            assertThat(l.get(0)).isEqualTo(expected.get(i) + "\n");
            assertThat(l.get(1)).as("mark of %s", l.get(0)).isEqualTo(disk.matcher((String) l.get(0)).find());
        }
        // Everything the run printed stays reachable: the pane links to the earlier lines.
        assertThat(text(act(card, "output-earlier"))).isEqualTo((30000 - DOM_LINES) + " earlier lines: show all");
        assertThat(js("return window.__cspViolations")).asList().isEmpty();
        assertThat(consoleErrors()).isEmpty();
        screenshot("output-desktop.png");
    }

    @Test
    void a_burst_shows_only_the_newest_lines_until_a_quiet_frame_fills_the_pane_and_a_late_match_splits_its_block() {
        openPage();
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "import('/static/output.js').then(m => {"
                + " const pre = document.createElement('pre'); pre.className = 'output'; document.body.append(pre);"
                + " const v = new m.OutputView(pre, {domLines: 300});"
                + " const lines = () => pre.textContent.split(/(?<=\\n)/);"
                + " for (let i = 1; i <= 1000; i += 1) v.append('line ' + i + '\\n', 'run_1');"
                + " v.flush(); const burst = lines();"
                + " v.flush(); const filled = lines();"
                + " const before = pre.childElementCount; v.mark('line 995\\n', 'WARN');"
                + " done({burst: burst.length, burstFirst: burst[0], filled: filled.length, first: filled[0],"
                + "  last: filled[filled.length - 1], blocksBefore: before, blocks: pre.childElementCount,"
                + "  marked: Array.from(pre.querySelectorAll('.mk-warn')).map(e => e.textContent),"
                + "  after: lines().join('') === filled.join(''), hidden: v.hiddenCount(), burstLines: m.BURST_LINES});"
                + "}).catch(e => done({error: String(e)}));");
        int burstLines = ((Number) got.get("burstLines")).intValue();
        assertThat(got.get("burst")).as("lines shown in the frame of the burst").isEqualTo((long) burstLines);
        assertThat(got.get("burstFirst")).isEqualTo("line " + (1000 - burstLines + 1) + "\n");
        assertThat(got.get("filled")).as("lines once a frame brings no new ones").isEqualTo(300L);
        assertThat(got.get("first")).isEqualTo("line 701\n");
        assertThat(got.get("last")).isEqualTo("line 1000\n");
        assertThat(got.get("hidden")).as("lines only the full-screen view shows").isEqualTo(700L);
        // Plain lines share blocks; the line a match names afterwards gets an element of its own, in its place.
        assertThat(((Number) got.get("blocksBefore")).intValue()).isLessThan(20);
        assertThat(got.get("marked")).isEqualTo(List.of("line 995\n"));
        assertThat(((Number) got.get("blocks")).intValue()).isEqualTo(((Number) got.get("blocksBefore")).intValue() + 2);
        assertThat(got.get("after")).as("the pane's text is unchanged by the mark").isEqualTo(true);
    }

    @Test
    void a_log_pane_adds_each_frame_to_its_newest_block_and_drops_whole_old_blocks_keeping_the_newest_entries() {
        openPage();
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "import('/static/panes.js').then(m => {"
                + " const pre = document.createElement('pre'); pre.className = 'output pane'; document.body.append(pre);"
                + " const p = new m.LogPane(pre, {maxLines: 48});"
                + " const firstBlocks = []; let n = 0; let maxBlocks = 0; let grew = 0;"
                + " for (let f = 0; f < 30; f += 1) {"
                + "  const before = pre.firstElementChild; const last = pre.lastElementChild;"
                + "  const lastText = last ? last.textContent : null;"
                + "  for (let i = 0; i < 5; i += 1) { n += 1; p.add({time: '', spec: ['entry ' + n]}); }"
                + "  p.flush();"
                + "  if (last && last.isConnected && last.textContent.startsWith(lastText)"
                + "   && last.textContent !== lastText) grew += 1;"
                + "  if (before && !before.isConnected) firstBlocks.push(before.textContent.split('\\n').length - 1);"
                + "  maxBlocks = Math.max(maxBlocks, pre.childElementCount);"
                + " }"
                + " const lines = pre.textContent.split('\\n').filter(Boolean);"
                + " const entries = p.entries.map(e => e.text.trim());"
                + " p.add({time: '', spec: ['late']}); p.add({time: '', spec: ['later']}); p.flush(); p.flush();"
                + " done({lines, entries, maxBlocks, grew, dropped: firstBlocks, blocks: pre.childElementCount,"
                + "  tail: pre.textContent.split('\\n').filter(Boolean).slice(-3)});"
                + "}).catch(e => done({error: String(e)}));");
        assertThat(got.get("error")).isNull();
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) got.get("lines");
        // 150 entries into a pane of 48 lines: the newest ones, in order, none twice; whole blocks of 2 were dropped.
        assertThat(lines).hasSizeBetween(46, 48).isEqualTo(got.get("entries"));
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo("entry " + (150 - lines.size() + 1 + i));
        }
        assertThat(((List<?>) got.get("dropped"))).isNotEmpty().allSatisfy(k -> assertThat(k).isEqualTo(2L));
        assertThat(((Number) got.get("maxBlocks")).intValue()).isLessThanOrEqualTo(MAX_EVENT_BLOCKS);
        // A frame with room in the newest block adds to it (here: a frame of 5 entries fills the block of 2 that had 1).
        assertThat(((Number) got.get("grew")).intValue()).isPositive();
        assertThat(got.get("tail")).isEqualTo(List.of("entry 150", "late", "later"));
    }

    @Test
    void ansi_colours_bold_italic_underline_become_classes_and_every_other_escape_sequence_is_dropped() {
        saveState(stateOf(runner("runner_a", "Colours", "echo x")));
        openPage();
        // input, expected text, expected pieces "text|classes" (none when the line has no style)
        Object[][] table = {
            {"plain\n", "plain\n", List.of()},
            {"\u001b[31mred\u001b[0m ok\n", "red ok\n", List.of("red|a-fg1", " ok\n|")},
            {"\u001b[1;4;92mbold\u001b[22m under\u001b[0m\n", "bold under\n",
                List.of("bold|a-b a-u a-fg10", " under|a-u a-fg10", "\n|")},
            {"\u001b[3mit\u001b[23m\n", "it\n", List.of("it|a-i", "\n|")},
            {"\u001b[44;97mbg\u001b[49;39m\n", "bg\n", List.of("bg|a-fg15 a-bg4", "\n|")},
            {"\u001b[38;5;9mnine\u001b[m\n", "nine\n", List.of("nine|a-fg9", "\n|")},
            {"\u001b[38;5;196mred256\u001b[0m\n", "red256\n", List.of("red256|a-fg-ff0000", "\n|")},
            {"\u001b[48;5;244mgrey\u001b[0m\n", "grey\n", List.of("grey|a-bg-808080", "\n|")},
            {"\u001b[38;2;10;20;30mtrue\u001b[0m\n", "true\n", List.of("true|a-fg-0a141e", "\n|")},
            {"\u001b[2J\u001b[Hcleared\u001b[K\n", "cleared\n", List.of()},
            {"\u001b]0;window title\u0007after osc\n", "after osc\n", List.of()},
            {"\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\\n", "link\n", List.of()},
            {"\u001b(Bcharset\u001b=\n", "charset\n", List.of()},
            {"50%\r100%\n", "100%\n", List.of()},
            {"bell\u0007 and back\bspace\n", "bell and backspace\n", List.of()},
            {"tab\tkept\n", "tab\tkept\n", List.of()},
        };
        List<String> failures = new ArrayList<>();
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            Map<String, Object> got = (Map<String, Object>) driver.executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                    + "import('/static/ansi.js').then(m => { const p = new m.AnsiParser().parse(arguments[0]);"
                    + " done({text: p.text, segs: p.segs ? p.segs.map(s => s[0] + '|' + s[1]) : []}); })"
                    + ".catch(e => done({text: 'error ' + e, segs: []}));", row[0]);
            if (!row[1].equals(got.get("text")) || !row[2].equals(got.get("segs"))) {
                failures.add(row[0].toString().replace("\u001b", "ESC") + " gave " + got);
            }
        }
        assertThat(failures).isEmpty();

        // The SGR state carries over to the next line, as in a terminal; a reset ends it.
        @SuppressWarnings("unchecked")
        List<Object> carried = (List<Object>) driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "import('/static/ansi.js').then(m => { const p = new m.AnsiParser();"
                + " done(['\\u001b[33mone\\n', 'two\\n', '\\u001b[0mthree\\n'].map(l => { const r = p.parse(l);"
                + " return r.segs ? r.segs.map(s => s[1]).join(',') : 'plain'; })); });");
        assertThat(carried).containsExactly("a-fg3", "a-fg3", "plain");

        // Through a real run: styled pieces are spans with classes, never style attributes.
        saveState(stateOf(runner("runner_a", "Colours",
                "printf '\\033[1;31mFAIL\\033[0m \\033[38;2;1;2;3mdeep\\033[0m done\\033]0;title\\007\\n'")));
        openPage();
        WebElement card = runnerCard("runner_a");
        click(act(card, "run"));
        WebElement pane = card.findElement(By.cssSelector("pre.output"));
        waitUntil(d -> text(pane).equals("FAIL deep done\n"), "the coloured line");
        assertThat(js("return Array.from(arguments[0].querySelectorAll('span span')).map(s => s.className + ':'"
                + " + s.textContent)", pane)).asList().containsExactly("a-b a-fg1:FAIL", "a-fg-010203:deep");
        assertThat(js("return arguments[0].querySelectorAll('[style]').length", pane)).isEqualTo(0L);
        assertThat(js("return getComputedStyle(arguments[0].querySelector('.a-fg-010203')).color", pane))
                .isEqualTo("rgb(1, 2, 3)");
    }

    @Test
    void the_full_screen_view_shows_every_line_searches_with_next_and_previous_copies_and_closes_with_escape()
            throws IOException {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", VIOLATION_RECORDER));
        saveState(stateOf(runner("runner_long", "Long", "seq -f 'row %g' 1 3000; echo 'row 1234 again'",
                "[{\"id\":\"c1\",\"pattern\":\"row 1234\",\"message_template\":\"hit\",\"state\":\"DOWN\"}]")));
        openPage();
        WebElement card = runnerCard("runner_long");
        click(act(card, "run"));
        waitUntil(d -> text(card.findElement(By.cssSelector(".last-exit"))).startsWith("last exit code 0"),
                "the run to finish");
        WebElement pane = card.findElement(By.cssSelector("pre.output"));
        waitUntil(d -> text(pane).endsWith("row 1234 again\n"), "the last line");
        assertThat(text(pane)).doesNotContain("row 1234\n");

        click(act(card, "output-search"));
        WebElement dialog = driver.findElement(By.id("outputFull"));
        WebElement search = dialog.findElement(By.id("outputFullSearch"));
        waitUntil(d -> Boolean.TRUE.equals(js("return document.activeElement === arguments[0]", search)),
                "the search field to have focus");
        WebElement rows = dialog.findElement(By.cssSelector(".vrows"));
        assertThat(((Number) js("return arguments[0].childElementCount", rows)).intValue())
                .as("only the lines in sight are in the DOM").isBetween(1, 200);

        search.sendKeys("row 1234");
        WebElement count = dialog.findElement(By.cssSelector(".search-count"));
        waitUntil(d -> text(count).equals("2 of 2"), "two hits, the newest current");
        click(dialog.findElement(By.cssSelector("[data-act=search-prev]")));
        waitUntil(d -> text(count).equals("1 of 2"), "the previous hit");
        WebElement current = waitUntil(d -> d.findElements(By.cssSelector("#outputFull .vrows .current")).stream()
                .findFirst().orElse(null), "the current hit in sight");
        assertThat(text(current)).isEqualTo("row 1234\n");
        assertThat(hasClass(current, "mk-down")).as("the matched line keeps its mark").isTrue();
        assertThat(text(current.findElement(By.tagName("mark")))).isEqualTo("row 1234");
        assertThat(js("const r = arguments[0].getBoundingClientRect(), b = arguments[1].getBoundingClientRect();"
                + " return r.top >= b.top && r.bottom <= b.bottom", current,
                dialog.findElement(By.cssSelector(".output.virtual")))).as("the hit is scrolled into sight").isEqualTo(true);
        search.sendKeys(Keys.ENTER);
        waitUntil(d -> text(count).equals("2 of 2"), "Enter goes to the next hit");
        // The first line is reachable too: the view holds every line of the run.
        js("arguments[0].scrollTop = 0", dialog.findElement(By.cssSelector(".output.virtual")));
        waitUntil(d -> text(rows).startsWith("row 1\nrow 2\n"), "the first lines");
        screenshot("output-full-screen.png");

        search.sendKeys(Keys.ESCAPE);
        waitUntil(d -> Boolean.FALSE.equals(js("return arguments[0].open", dialog)), "Esc to close the view");
        assertThat(js("return window.__cspViolations")).asList().isEmpty();
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void a_page_opened_after_a_run_shows_its_tail_and_the_full_screen_view_loads_every_recorded_line() {
        saveState(stateOf(runner("runner_done", "Done before", "seq -f 'old %g' 1 300")));
        assertThat(api("POST", "/api/run", "{\"runner_id\":\"runner_done\"}").statusCode()).isEqualTo(200);
        waitUntil(d -> {
            JsonNode items = json(api("GET", "/api/runs?runner_id=runner_done&limit=1", null).body()).path("items");
            return items.size() == 1 && !"running".equals(items.get(0).path("outcome").asText());
        }, "the run to be recorded");
        openPage();
        WebElement card = runnerCard("runner_done");
        WebElement pane = card.findElement(By.cssSelector("pre.output"));
        waitUntil(d -> text(pane).endsWith("old 300\n"), "the snapshot's tail");
        assertThat(text(pane)).as("a snapshot carries the last 200 lines").startsWith("old 101\n");

        click(act(card, "output-full"));
        WebElement dialog = driver.findElement(By.id("outputFull"));
        waitUntil(d -> text(dialog.findElement(By.cssSelector(".output-note"))).equals("The whole recorded run: 300 lines."),
                "the recorded run to load");
        WebElement box = dialog.findElement(By.cssSelector(".output.virtual"));
        js("arguments[0].scrollTop = 0", box);
        waitUntil(d -> text(dialog.findElement(By.cssSelector(".vrows"))).startsWith("old 1\nold 2\n"), "the first line");
        js("arguments[0].scrollTop = arguments[0].scrollHeight", box);
        waitUntil(d -> text(dialog.findElement(By.cssSelector(".vrows"))).endsWith("old 299\nold 300\n"),
                "the last line, once");
        click(dialog.findElement(By.cssSelector("[data-act=close-full]")));
        waitUntil(d -> Boolean.FALSE.equals(js("return arguments[0].open", dialog)), "the view to close");
    }

    @Test
    void on_a_phone_a_running_card_shows_its_output_right_below_its_actions() throws IOException {
        saveState(stateOf(runner("runner_slow", "Slow", "for i in $(seq 1 600); do echo \"tick $i\"; sleep 0.1; done")));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
        openPage();
        WebElement card = runnerCard("runner_slow");
        click(act(card, "run"));
        WebElement pane = card.findElement(By.cssSelector("pre.output"));
        waitUntil(d -> text(pane).contains("tick 3\n"), "output to stream");
        js("arguments[0].scrollIntoView({block: 'start'})", card.findElement(By.cssSelector(".card-head")));
        @SuppressWarnings("unchecked")
        Map<String, Object> pos = (Map<String, Object>) js("const a = arguments[0].querySelector('.card-head .actions')"
                + ".getBoundingClientRect(), o = arguments[1].getBoundingClientRect();"
                + " const fields = [...arguments[0].querySelectorAll('.card-body input, .card-body select, .card-body textarea')].filter(e => {"
                + " const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= a.bottom && r.top < o.top; }).length;"
                + " return {actionsBottom: a.bottom, outTop: o.top, vh: innerHeight, vw: innerWidth, fields}", card, pane);
        assertThat(((Number) pos.get("vw")).intValue()).isEqualTo(390);
        double gap = ((Number) pos.get("outTop")).doubleValue() - ((Number) pos.get("actionsBottom")).doubleValue();
        // Between them only the run strip, the state line (with its snooze control) and the output's own toolbar,
        // never one of the card's settings.
        assertThat(((Number) pos.get("fields")).intValue()).as("settings between the actions and the output: %s", pos)
                .isZero();
        assertThat(gap).as("between the actions and the output: %s", pos).isBetween(0.0, 140.0);
        assertThat(((Number) pos.get("outTop")).doubleValue()).as("the output's top in the viewport")
                .isLessThan(((Number) pos.get("vh")).doubleValue());
        screenshot("output-phone.png");

        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        js("arguments[0].scrollIntoView({block: 'start'})", card.findElement(By.cssSelector(".card-head")));
        screenshot("output-phone-dark.png");
        click(act(card, "run"));
        waitUntil(d -> !hasClass(card, "locked"), "the stop");
    }

    @Override
    void screenshot(String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }
}
