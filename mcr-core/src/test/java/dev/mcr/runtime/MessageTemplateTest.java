package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Template rendering. Every expectation was taken from Python 3.11 running the original's
 * {@code render_template_message} on the first match; the cross-check re-runs the table through python3.
 */
class MessageTemplateTest {

    /** Pattern, line, template, and what the original sends for the first match. */
    record Row(String pattern, String line, String template, String expected) {
        @Override
        public String toString() {
            return PythonRegexTest.show(template) + " for " + PythonRegexTest.show(pattern) + " -> "
                    + PythonRegexTest.show(expected);
        }
    }

    private static Row r(String pattern, String line, String template, String expected) {
        return new Row(pattern, line, template, expected);
    }

    /** The template comes back unchanged: Python raised. */
    private static Row raw(String pattern, String line, String template) {
        return new Row(pattern, line, template, template);
    }

    static final List<Row> ROWS = List.of(
            // every placeholder kind
            r("(?P<disk_use>\\d+)%", "use 93%\n", "Disk at {disk_use}% ({match})", "Disk at 93% (93%)"),
            r("(\\d+)/(\\d+)", "3/4\n", "{g1} of {g2}", "3 of 4"),
            r("(?P<disk_use>\\d+)", "7\n", "{g1}/{disk_use}", "7/7"),
            r("(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)", "0123456789\n", "{g10}{g1}", "90"),
            r("(?P<gr\u00f6\u00dfe>\\d+)", "5\n", "size {gr\u00f6\u00dfe}", "size 5"),
            r("passwort:\\s*(?P<pw>\\S+)", "passwort: beispielpasswort\n", "Passwort: {pw}", "Passwort: beispielpasswort"),
            r("OK", "OK\n", "192.168.3.1 ist erreichbar", "192.168.3.1 ist erreichbar"),
            // a group that did not take part is None, and a named group wins over match/gN
            r("(a)|(b)", "b\n", "{g1}-{g2}", "None-b"),
            r("(?P<match>x)?y", "y\n", "{match}", "None"),
            r("(?P<g1>x)(y)", "xy\n", "{g1}{g2}", "xy"),
            // escapes
            r("x", "x\n", "{{literal}} {match}", "{literal} x"),
            r("x", "x\n", "a}}b{{c {match}", "a}b{c x"),
            // conversions, format specs, nesting, indexing: all work in Python
            r("(\\d+)", "42\n", "{g1!r}", "'42'"),
            r("(\\d+)", "42\n", "{g1!s}", "42"),
            r("(\\d+)", "42\n", "{g1!r:}", "'42'"),
            r("(\\S+)", "\u00e9\u200b\n", "{g1!r}", "'\u00e9\\u200b'"),
            r("(\\S+)", "\u00e9\u200b\n", "{g1!a}", "'\\xe9\\u200b'"),
            r("(.*)", "it's\n", "{g1!r}", "\"it's\""),
            r("(\\d+)", "42\n", "{g1:>5}", "   42"),
            r("(\\d+)", "42\n", "{g1:*^6}", "**42**"),
            r("(\\d+)", "42\n", "{g1:05}", "42000"),
            r("(\\d+)", "42\n", "{g1:s}", "42"),
            r("(\\d+)", "42\n", "{g1:\u00e9>4}", "\u00e9\u00e942"),
            r("(\\w+)", "hello\n", "{g1:.3}", "hel"),
            r("(\\w+)", "hello\n", "{g1:7.3}|", "hel    |"),
            r("(\\d+)", "42\n", "{g1:{g1}}|", "42" + " ".repeat(40) + "|"),
            r("(\\w+)", "hello\n", "{match[0]}{match[4]}", "ho"),
            r("(\\w+)", "h\uD835\uDC00llo\n", "{match[1]}", "\uD835\uDC00"),
            r("(a)?b", "b\n", "{g1!s:>5}", " None"),
            r("(a)?b", "b\n", "{g1!r}", "None"),
            r("(a)?b", "b\n", "{g1:}", "None"),
            // whatever Python rejects gives the raw template
            raw("x", "x\n", "{unknown}"),
            raw("x", "x\n", "{g1}"),
            raw("x", "x\n", "{"),
            raw("x", "x\n", "}"),
            raw("x", "x\n", "value {match"),
            raw("x", "x\n", "{}"),
            raw("x", "x\n", "{0}"),
            raw("x", "x\n", "{ match}"),
            raw("x", "x\n", "{G1}"),
            raw("(x)", "x\n", "{g01}"),
            raw("x", "x\n", "{match!x}"),
            raw("x", "x\n", "{match!}"),
            raw("x", "x\n", "{match!r "),
            raw("x", "x\n", "{match:{match:{match}}}"),
            raw("(\\d+)", "42\n", "{g1:+}"),
            raw("(\\d+)", "42\n", "{g1:#}"),
            raw("(\\d+)", "42\n", "{g1:=5}"),
            raw("(\\d+)", "42\n", "{g1:,}"),
            raw("(\\d+)", "42\n", "{g1:d}"),
            raw("(\\d+)", "42\n", "{g1:z}"),
            raw("(\\d+)", "42\n", "{g1:.}"),
            raw("(a)?b", "b\n", "{g1:>3}"),
            raw("(a)?b", "b\n", "{g1[0]}"),
            raw("(\\w+)", "hello\n", "{match[9]}"),
            raw("(\\w+)", "hello\n", "{match[-1]}"),
            raw("(\\w+)", "hello\n", "{match[x]}"),
            raw("(\\w+)", "hello\n", "{match[]}"),
            raw("(\\w+)", "hello\n", "{match[0]x}"),
            raw("(\\w+)", "hello\n", "{match[0}"),
            raw("x", "x\n", "{ma{tch}"),
            raw("x", "x\n", "{match:}}"));

    static Stream<Row> rows() {
        return ROWS.stream();
    }

    static String renderFirstMatch(Row row) {
        CompiledPattern pattern = PythonRegex.compile(row.pattern());
        Matcher m = pattern.pattern().matcher(row.line());
        assertThat(m.find()).as("the pattern matches the line").isTrue();
        return MessageTemplate.render(row.template(), m, pattern);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void template_renders_like_the_originals_format_map(Row row) {
        assertThat(renderFirstMatch(row)).isEqualTo(row.expected());
    }

    @Test
    void attribute_access_gives_the_raw_template_where_python_would_print_an_object_address() {
        Row row = raw("(\\w+)", "hello\n", "{match.upper}");
        assertThat(renderFirstMatch(row)).isEqualTo("{match.upper}");
    }

    @Test
    void huge_field_width_gives_the_raw_template_instead_of_a_huge_message() {
        assertThat(renderFirstMatch(raw("x", "x\n", "{match:>99999999}"))).isEqualTo("{match:>99999999}");
        assertThat(renderFirstMatch(r("x", "x\n", "{match:>1048576}", " ".repeat(1048575) + "x"))).hasSize(1 << 20);
    }

    @Test
    void template_without_braces_is_returned_as_is() {
        String template = "Disk almost full";
        assertThat(renderFirstMatch(r("x", "x\n", template, template))).isSameAs(template);
    }

    private static final String RENDER_SCRIPT = """
            import json, re, sys
            def render_template_message(template, m):
                mapping = {"match": m.group(0)}
                for i, g in enumerate(m.groups(), start=1):
                    mapping[f"g{i}"] = g
                mapping.update(m.groupdict())
                try:
                    return template.format_map(mapping)
                except Exception:
                    return template
            rows = json.load(open(sys.argv[1], encoding="utf-8"))
            out = [render_template_message(r["template"], re.compile(r["pattern"], flags=re.MULTILINE).search(r["line"]))
                   for r in rows]
            json.dump(out, open(sys.argv[2], "w", encoding="utf-8"))
            """;

    @Test
    void table_agrees_with_python3_on_this_machine(@TempDir Path dir) throws Exception {
        Optional<String> unavailable = PythonCrossCheck.unavailableReason();
        assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
        List<Map<String, String>> input = new ArrayList<>();
        ROWS.forEach(r -> input.add(Map.of("pattern", r.pattern(), "line", r.line(), "template", r.template())));
        JsonNode out = PythonCrossCheck.run(RENDER_SCRIPT, input, dir);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < ROWS.size(); i++) {
            if (!ROWS.get(i).expected().equals(out.get(i).asText())) {
                mismatches.add(ROWS.get(i) + " but Python says " + PythonRegexTest.show(out.get(i).asText()));
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
