package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Python regex translation. Every expectation in the MATCHES and ERRORS tables was taken from Python 3.11
 * ({@code re.compile(p, re.MULTILINE).finditer(line)}, {@code str(error)}); the cross-check test re-runs the
 * tables through python3 when it is installed.
 */
class PythonRegexTest {

    /** A pattern, an output line (as the runner hands it over, with its \n) and every whole match Python finds. */
    record MatchRow(String pattern, String line, List<String> matches) {
        @Override
        public String toString() {
            return show(pattern) + " on " + show(line) + " -> " + matches.stream().map(PythonRegexTest::show).toList();
        }
    }

    /** A pattern Python rejects and str() of the exception Python raises. */
    record ErrorRow(String pattern, String message) {
        @Override
        public String toString() {
            return show(pattern) + " -> " + message;
        }
    }

    static String show(String s) {
        return MessageTemplate.pyRepr(s, true);
    }

    private static MatchRow m(String pattern, String line, String... matches) {
        return new MatchRow(pattern, line, List.of(matches));
    }

    static final List<MatchRow> MATCHES = List.of(
            // ping
            m("(\\d+) packets transmitted, (\\d+) (?:packets )?received",
                    "3 packets transmitted, 3 received, 0% packet loss, time 2003ms\n", "3 packets transmitted, 3 received"),
            m("(?P<loss>\\d+(?:\\.\\d+)?)% packet loss", "3 packets transmitted, 0 received, 100% packet loss\n", "100% packet loss"),
            m("rtt min/avg/max/mdev = (?P<min>[\\d.]+)/(?P<avg>[\\d.]+)/",
                    "rtt min/avg/max/mdev = 0.045/0.061/0.078/0.013 ms\n", "rtt min/avg/max/mdev = 0.045/0.061/"),
            m("Destination Host Unreachable|Request timeout", "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n",
                    "Destination Host Unreachable"),
            // HTTP status
            m("HTTP/\\d(?:\\.\\d)? (?P<status>[45]\\d\\d)", "HTTP/1.1 503 Service Unavailable\n", "HTTP/1.1 503"),
            m("\\b[45]\\d{2}\\b", "GET /x 200 1.2ms; GET /y 404 0.3ms\n", "404"),
            // disk usage, several matches in one line
            m("(?P<disk_use>\\d+)%", "/dev/sda1  50G  47G  3G  94% /\n", "94%"),
            m("\\d+%", "sda 94% sdb 12%\n", "94%", "12%"),
            m("(?P<fs>/dev/\\S+)\\s+.*?(?P<pct>9\\d|100)%", "/dev/sda1 50G 47G 3G 94% /\n", "/dev/sda1 50G 47G 3G 94%"),
            // log levels
            m("ERROR|FATAL", "ERROR: disk FATAL\n", "ERROR", "FATAL"),
            m("(?i)error|fatal", "Error fatal\n", "Error", "fatal"),
            m("(?i)(?-i:a)B", "aB Ab ab\n", "aB", "ab"),
            m("^(?:WARN|ERROR)\\b", "ERROR boot\n", "ERROR"),
            // named groups and back-references
            m("(?P<word>\\w+) (?P=word)", "the the cat\n", "the the"),
            m("(\\w)\\1", "hello\n", "ll"),
            m("(?P<a_b>x)(?P<ab>y)(?P=a_b)", "xyx\n", "xyx"),
            // anchors: the line ends with \n
            m("\\Z", "x\n", ""),
            m("x\\Z", "x\n"),
            m("\\n\\Z", "x\n", "\n"),
            m("x$", "x\n", "x"),
            m("^", "a\n", "", ""),
            m("$", "a\n", "", ""),
            m("^.*$", "hello\n", "hello", ""),
            m("^\\s*$", "abc\n", ""),
            m("(?-m:^b)", "b\n", "b"),
            // empty matches, Python 3.7+ finditer rules
            m("^|\\w+", "ab\n", "", "ab", ""),
            m("\\w*", "ab cd\n", "ab", "", "cd", "", ""),
            m("a|", "ba\n", "", "a", "", ""),
            // braces Python takes literally, and {,n}
            m("a{", "a{\n", "a{"),
            m("{foo}", "{foo}\n", "{foo}"),
            m("x{1,", "x{1,\n", "x{1,"),
            m("a{}", "a{}\n", "a{}"),
            m("a{,3}", "aaaa\n", "aaa", "a", "", ""),
            m("a{,}", "aa\n", "aa", "", ""),
            m("\\d{2,}", "1 22 333\n", "22", "333"),
            // Unicode classes as Python defines them
            m("\\d+", "\u0663\u0664 12\n", "\u0663\u0664", "12"),
            m("(?a)\\d+", "\u0663\u0664 12\n", "12"),
            m("\\w+", "gr\u00f6\u00dfe 42 \u00bd nai\u0308ve \u00b2\n", "gr\u00f6\u00dfe", "42", "\u00bd", "nai", "ve", "\u00b2"),
            m("\\s+", "a\u00a0b\u001fc\n", "\u00a0", "\u001f", "\n"),
            m("\\bfoo\\b", "\uD835\uDC00foo foo-\n", "foo"),
            m("(?<=\\w)x", "\uD835\uDC00x\n", "x"),
            m("(?i)stra\u00dfe", "STRASSE Stra\u00dfe\n", "Stra\u00dfe"),
            // character sets
            m("[]a]+", "]a]\n", "]a]"),
            m("[^\\W\\d]+", "ab12cd\n", "ab", "cd"),
            m("[\\d.]+", "v1.2.3\n", "1.2.3"),
            m("[\\w-]+", "a-b c\n", "a-b", "c"),
            m("[a&&b]+", "a&&b\n", "a&&b"),
            m("[[a]+", "[a\n", "[a"),
            // escapes
            m("\\x41\\101\\u0042\\U00000043\\N{LATIN SMALL LETTER D}", "AABCd\n", "AABCd"),
            m("\\v", "a\u000bb\n", "\u000b"),
            m("\\$\\d+", "cost $42\n", "$42"),
            m("(?<=\\$)\\d+", "cost $42\n", "42"),
            m("(?<!-)\\b\\d+", "-5 7\n", "7"),
            // verbose mode, comments, DOTALL, possessive and atomic
            m("(?x) \\d+ \\s* % # percent", "93 %\n", "93 %"),
            m("(?x)[ ]", "a b\n", " "),
            m("a(?#comment)b", "ab\n", "ab"),
            m("(?s)c.", "abc\n", "c\n"),
            m("c.", "abc\n"),
            m("a*+a", "aaa\n"),
            m("(?>a+)a", "aaa\n"),
            m("a*+", "aaa\n", "aaa", "", ""),
            // case-insensitivity, negated classes, ASCII mode, anchors inside look-behind, verbose escapes
            m("(?i)[a-z]+", "K\u212a\u017fs\n", "K\u212a\u017fs"),
            m("(?i)\u212a", "kK\n", "k", "K"),
            m("(?i)(a)\\1", "aA\n", "aA"),
            m("(?i:A)a", "aa Aa aA\n", "aa", "Aa"),
            m("(?i)[^a]", "A\n", "\n"),
            m("\\D+", "a\u0663b\n", "a", "b\n"),
            m("\\W+", "a-b\n", "-", "\n"),
            m("[\\s\\S]+", "a b\n", "a b\n"),
            m("(?a)\\s+", "a\u00a0b \n", " \n"),
            m("(?a)\\bfoo", "\u00e9foo\n", "foo"),
            m("\\bfoo", "\u00e9foo\n"),
            m("(?a:\\w+)-\\w+", "\u00e9-\u00e9 a-\u00e9\n", "a-\u00e9"),
            m("\\Bb", "ab b\n", "b"),
            m("\\b", "ab\n", "", ""),
            m("\\B", "ab\n", "", ""),
            m("(?<=^a)b", "ab ab\n", "b"),
            m("(?<!^)x", "xx\n", "x"),
            m("(?x) [ a ] +", "a a\n", "a a"),
            m("(?x)a\\ b", "a b\n", "a b"),
            m("(?x)a\\#b", "a#b\n", "a#b"),
            m("a\\-b\\:c\\<\\>", "a-b:c<>\n", "a-b:c<>"),
            m("\\\u00e9", "\u00e9\n", "\u00e9"));

    private static ErrorRow e(String pattern, String message) {
        return new ErrorRow(pattern, message);
    }

    static final List<ErrorRow> ERRORS = List.of(
            e("(", "missing ), unterminated subpattern at position 0"),
            e("(?P<disk_use>\\d+", "missing ), unterminated subpattern at position 0"),
            e(")", "unbalanced parenthesis at position 0"),
            e("[a", "unterminated character set at position 0"),
            e("a**", "multiple repeat at position 2"),
            e("*a", "nothing to repeat at position 0"),
            e("{1}", "nothing to repeat at position 0"),
            e("a{2}{3}", "multiple repeat at position 4"),
            e("a{3,2}", "min repeat greater than max repeat at position 2"),
            e("a{99999999999}", "the repetition number is too large"),
            e("\\p{L}", "bad escape \\p at position 0"),
            e("\\z", "bad escape \\z at position 0"),
            e("\\", "bad escape (end of pattern) at position 0"),
            e("\\x4", "incomplete escape \\x4 at position 0"),
            e("\\400", "octal escape value \\400 outside of range 0-0o377 at position 0"),
            e("\\N{NO SUCH NAME}", "undefined character name 'NO SUCH NAME' at position 0"),
            e("(?<name>x)", "unknown extension ?<n at position 1"),
            e("(?z)", "unknown extension ?z at position 1"),
            e("(?i", "missing -, : or ) at position 3"),
            e("(?L)a", "bad inline flags: cannot use 'L' flag with a str pattern at position 3"),
            e("(?a)(?u)x", "ASCII and UNICODE flags are incompatible"),
            e("a(?i)b", "global flags not at the start of the expression at position 1"),
            e("(?P<1a>x)", "bad character in group name '1a' at position 4"),
            e("(?P<a-b>x)", "bad character in group name 'a-b' at position 4"),
            e("(?P=missing)", "unknown group name 'missing' at position 4"),
            e("(?P<a>x)(?P<a>y)", "redefinition of group name 'a' as group 2; was group 1 at position 12"),
            e("(a)\\2", "invalid group reference 2 at position 4"),
            e("(a\\1)", "cannot refer to an open group at position 2"),
            e("(?#abc", "missing ), unterminated comment at position 0"),
            e("[z-a]", "bad character range z-a at position 1"),
            e("[\\d-z]", "bad character range \\d-z at position 1"),
            e("(?<=a+)b", "look-behind requires fixed-width pattern"),
            e("(?<=(a)|bc)x", "look-behind requires fixed-width pattern"),
            e("a\n(", "missing ), unterminated subpattern at position 2 (line 2, column 1)"),
            e("(?x)a#c\n(", "missing ), unterminated subpattern at position 8 (line 2, column 1)"));

    static Stream<MatchRow> matches() {
        return MATCHES.stream();
    }

    static Stream<ErrorRow> errors() {
        return ERRORS.stream();
    }

    /** Every match of a pattern in a line, found the way the runner finds them (Python's finditer). */
    static List<String> findAll(String pattern, String line) {
        List<String> errors = new ArrayList<>();
        CaseMatcher matcher = CaseMatcher.compile(List.of(new CaseRule("case_t", pattern, "{match}", CaseState.NONE)),
                (rule, error) -> errors.add(error));
        assertThat(errors).as("compile errors").isEmpty();
        return matcher.match(line).stream().map(CaseHit::message).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matches")
    void translated_pattern_finds_exactly_what_python_finds(MatchRow row) {
        assertThat(findAll(row.pattern(), row.line())).containsExactlyElementsOf(row.matches());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void pattern_python_rejects_is_rejected_with_pythons_message(ErrorRow row) {
        assertThatThrownBy(() -> PythonRegex.compile(row.pattern()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(row.message());
    }

    @Test
    void translation_uses_java_syntax_for_python_only_constructs() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("(?P<disk_use>\\d+)%", "(?<diskuse>\\p{Nd}+)\\%");
        expected.put("(?P<a>x)(?P=a)", "(?<a>x)\\k<a>");
        expected.put("(a)\\1", "(a)(?:\\1)");
        expected.put("x\\Z", "x\\z");
        expected.put("a{", "a\\{");
        expected.put("{foo}", "\\{foo\\}");
        expected.put("x{1,", "x\\{1\\,");
        expected.put("a{,3}", "a{0,3}(?:\uD835\uDC00){0}");
        expected.put("a{2,}?", "a{2,}?");
        expected.put("(?i)ERROR|FATAL", "(?i)ERROR|FATAL");
        expected.put("(?s)a.b", "(?s)a.b");
        expected.put("(?a)\\w", "(?-u)[a-zA-Z0-9_]");
        expected.put("(?x) a b # comment", "ab");
        expected.put("(?x)[ ]", "[ ]");
        expected.put("a(?#comment)b", "ab");
        expected.put("[]a]", "[\\]a]");
        expected.put("[a&&b]", "[a\\&\\&b]");
        expected.put("\\v", "\\x{b}");
        expected.put("\\U0001F600", "\uD83D\uDE00");
        expected.put("^a", "^a");
        expected.put("(?-m:^a$)", "(?-m:\\Aa$)");
        expected.put("\\s", "[\\x{9}-\\x{d}\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]");
        expected.forEach((python, java) -> assertThat(PythonRegex.translate(python)).as(python).isEqualTo(java));
    }

    @Test
    void word_boundary_and_lookbehind_get_the_marker_that_makes_java_read_supplementary_characters() {
        assertThat(PythonRegex.translate("\\bx")).endsWith("(?:\uD835\uDC00){0}");
        assertThat(PythonRegex.translate("(?<=a)x")).isEqualTo("(?<=a)x(?:\uD835\uDC00){0}");
        assertThat(PythonRegex.translate("(?=a)x")).isEqualTo("(?=a)x");
        assertThat(PythonRegex.translate("x\\b")).isEqualTo("x(?![\\p{L}\\p{N}_])");
        assertThat(PythonRegex.translate("^a")).isEqualTo("^a");
    }

    @Test
    void pattern_that_can_match_empty_gets_the_marker_so_no_match_starts_inside_an_emoji() {
        assertThat(PythonRegex.translate("x*")).isEqualTo("x*(?:\uD835\uDC00){0}");
        assertThat(PythonRegex.translate("a|")).isEqualTo("a|(?:\uD835\uDC00){0}");
        assertThat(findAll("x*", "\uD835\uDC00\n")).containsExactly("", "", "");
        assertThat(findAll("a|", "b\uD835\uDC00a\n")).containsExactly("", "", "a", "", "");
    }

    @Test
    void group_names_java_forbids_are_mapped_and_numbers_stay_the_same() {
        CompiledPattern p = PythonRegex.compile("(?P<disk_use>\\d+)(?P<diskuse>x)(?P<_1>y)(?P<gr\u00f6\u00dfe>z)(w)");
        assertThat(p.groupNames()).containsExactly(
                Map.entry("disk_use", "diskuse2"), Map.entry("diskuse", "diskuse"), Map.entry("_1", "g1"),
                Map.entry("gr\u00f6\u00dfe", "gre"));
        assertThat(p.groupIndexes()).containsExactly(
                Map.entry("disk_use", 1), Map.entry("diskuse", 2), Map.entry("_1", 3), Map.entry("gr\u00f6\u00dfe", 4));
        Matcher m = p.pattern().matcher("12xyzw");
        assertThat(m.find()).isTrue();
        assertThat(m.groupCount()).isEqualTo(5);
        assertThat(m.group("diskuse2")).isEqualTo("12");
        assertThat(m.group(5)).isEqualTo("w");
        assertThat(p.source()).isEqualTo("(?P<disk_use>\\d+)(?P<diskuse>x)(?P<_1>y)(?P<gr\u00f6\u00dfe>z)(w)");
    }

    @Test
    void conditional_groups_valid_in_python_are_reported_as_unsupported() {
        assertThatThrownBy(() -> PythonRegex.compile("(a)?(?(1)b|c)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conditional groups like (?(1)yes|no) are not supported by the Java regex engine at position 4");
    }

    @Test
    void null_pattern_is_refused() {
        assertThatThrownBy(() -> PythonRegex.compile(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void deeply_nested_pattern_is_rejected_instead_of_overflowing_the_stack() {
        String deep = "(".repeat(5000) + "a" + ")".repeat(5000);
        assertThatThrownBy(() -> PythonRegex.compile(deep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested too deeply");
    }

    private static final String FINDITER_SCRIPT = """
            import json, re, sys
            rows = json.load(open(sys.argv[1], encoding="utf-8"))
            out = []
            for r in rows:
                try:
                    rx = re.compile(r["pattern"], flags=re.MULTILINE)
                    out.append({"matches": [m.group(0) for m in rx.finditer(r["line"])]})
                except Exception as e:
                    out.append({"error": str(e)})
            json.dump(out, open(sys.argv[2], "w", encoding="utf-8"))
            """;

    @Test
    void tables_agree_with_python3_on_this_machine(@TempDir Path dir) throws Exception {
        Optional<String> unavailable = PythonCrossCheck.unavailableReason();
        assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
        List<Map<String, String>> input = new ArrayList<>();
        MATCHES.forEach(r -> input.add(Map.of("pattern", r.pattern(), "line", r.line())));
        ERRORS.forEach(r -> input.add(Map.of("pattern", r.pattern(), "line", "")));
        JsonNode out = PythonCrossCheck.run(FINDITER_SCRIPT, input, dir);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < MATCHES.size(); i++) {
            MatchRow row = MATCHES.get(i);
            List<String> python = new ArrayList<>();
            out.get(i).path("matches").forEach(n -> python.add(n.asText()));
            if (out.get(i).has("error") || !python.equals(row.matches())) {
                mismatches.add(row + " but Python says " + out.get(i));
            }
        }
        for (int i = 0; i < ERRORS.size(); i++) {
            ErrorRow row = ERRORS.get(i);
            JsonNode python = out.get(MATCHES.size() + i);
            if (!row.message().equals(python.path("error").asText(null))) {
                mismatches.add(row + " but Python says " + python);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void python_accepts_the_conditional_group_this_engine_refuses(@TempDir Path dir) throws Exception {
        Optional<String> unavailable = PythonCrossCheck.unavailableReason();
        assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
        JsonNode out = PythonCrossCheck.run(FINDITER_SCRIPT, List.of(Map.of("pattern", "(a)?(?(1)b|c)", "line", "ab c\n")), dir);
        assertThat(out.get(0).path("matches").toString()).isEqualTo("[\"ab\",\"c\"]");
    }
}
