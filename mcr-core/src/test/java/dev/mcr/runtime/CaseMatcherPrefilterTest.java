package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The required-literal prefilter: which literal each pattern requires (or none), that a line without it never runs
 * the regex, and, against the real python3, that skipping such lines loses no match.
 */
class CaseMatcherPrefilterTest {

    private static List<String> req(String pattern) {
        return PythonRegex.requiredLiterals(pattern);
    }

    @Test
    void the_benchmark_cases_require_their_longest_certain_literal() {
        assertThat(req("ERROR|FATAL|CRITICAL")).containsExactly("ERROR", "FATAL", "CRITICAL");
        assertThat(req("(?i)\\bwarn(ing)?\\b")).isEmpty();
        assertThat(req("[Cc]onnection (refused|reset|timed out)")).containsExactly("onnection ");
        assertThat(req("disk usage (?P<pct>\\d+)%")).containsExactly("disk usage ");
        assertThat(req("^(\\d{4})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2})")).containsExactly("-");
        assertThat(req("HTTP/1\\.[01]\" (?P<status>5\\d\\d) ")).containsExactly("HTTP/1.");
        assertThat(req("took (\\d+(?:\\.\\d+)?) ?ms")).containsExactly("took ");
        assertThat(req("OutOfMemoryError|StackOverflowError|Segmentation fault"))
                .containsExactly("OutOfMemoryError", "StackOverflowError", "Segmentation fault");
        assertThat(req("^(?P<n>\\d*777)$")).containsExactly("777");
        assertThat(req("(?P<round>\\d+)00000$")).containsExactly("00000");
    }

    @Test
    void ignorecase_anywhere_near_the_literal_gives_no_literal() {
        assertThat(req("(?i)error")).isEmpty();
        assertThat(req("(?i)Kelvin")).isEmpty();
        assertThat(req("(?i)(?-i:abc)")).isEmpty();
        assertThat(req("(?i:foo)")).isEmpty();
        // A scoped (?i:...) only hides its own content; the plain literal next to it still counts.
        assertThat(req("(?i:foo)barbaz")).containsExactly("barbaz");
        assertThat(req("ab(?i:s)cd")).containsExactly("ab");
    }

    @Test
    void optional_and_alternative_parts_give_no_literal() {
        assertThat(req("foo|")).isEmpty();
        assertThat(req("|foo")).isEmpty();
        assertThat(req("(?:foo)?")).isEmpty();
        assertThat(req("(?:foo)?bar")).containsExactly("bar");
        assertThat(req("a*")).isEmpty();
        assertThat(req("a*bc")).containsExactly("bc");
        assertThat(req("fo*o")).containsExactly("f");
        assertThat(req("x{0}yz")).containsExactly("yz");
        assertThat(req("(?:abc){0}")).isEmpty();
        assertThat(req("(?:abc){0,3}d")).containsExactly("d");
        assertThat(req("err(or|)")).containsExactly("err");
        assertThat(req("(?:ab|cd)*ef")).containsExactly("ef");
        assertThat(req("ab?c")).containsExactly("a");
        assertThat(req("\\d+")).isEmpty();
        assertThat(req("[ab]c")).containsExactly("c");
        assertThat(req("a.c")).containsExactly("a");
    }

    @Test
    void required_repeats_groups_and_branches_contribute_their_literals() {
        assertThat(req("(?:abc)+d")).containsExactly("abc");
        assertThat(req("(?:ab){2}cd")).containsExactly("ab");
        assertThat(req("(foo)bar")).containsExactly("foobar");
        assertThat(req("(?P<w>fo)(?:o)(?>bar)")).containsExactly("foobar");
        assertThat(req("x(?#note)yz")).containsExactly("xyz");
        assertThat(req("ab(?:cd|ef)gh")).containsExactly("ab");
        assertThat(req("(?:ERROR|ERRORS|FAIL)")).containsExactly("ERROR", "FAIL");
        assertThat(req("(?:abc|de)(?:fgh|ij)")).containsExactly("abc", "de");
        assertThat(req("(?:abcd|e)xyz")).containsExactly("xyz");
        assertThat(req("a|b|c|d|e|f|g|h|i")).as("more than eight alternatives").isEmpty();
        assertThat(req("\\^foo\\$")).containsExactly("^foo$");
        assertThat(req("(?s)a.b(?m:cd)")).containsExactly("bcd");
        assertThat(req("(?a)\\bword\\b")).containsExactly("word");
    }

    @Test
    void zero_width_items_keep_literals_adjacent_and_their_own_content_out() {
        assertThat(req("(?<=ab)cd")).containsExactly("cd");
        assertThat(req("(?<!abcdef)cd")).containsExactly("cd");
        assertThat(req("(?=abcdef)ab")).containsExactly("ab");
        assertThat(req("(?<=x)")).isEmpty();
        assertThat(req("^abc$")).containsExactly("abc");
        assertThat(req("foo\\b bar")).containsExactly("foo bar");
        assertThat(req("\\Aab\\Z")).containsExactly("ab");
    }

    @Test
    void backreferences_and_conditionals_end_a_literal_and_add_nothing() {
        assertThat(req("(a)b\\1")).containsExactly("ab");
        assertThat(req("(?P<w>x)(?P=w)yz")).containsExactly("yz");
        assertThat(req("(\\w+) \\1")).containsExactly(" ");
        assertThat(req("(a)?(?(1)bcdef|ghijk)")).isEmpty();
        assertThat(req("(a)?(?(1)bcdef|ghijk)xy")).containsExactly("xy");
    }

    @Test
    void escapes_and_one_member_classes_are_their_code_point() {
        assertThat(req("\\.log")).containsExactly(".log");
        assertThat(req("a\\nb")).containsExactly("a\nb");
        assertThat(req("a\\tb")).containsExactly("a\tb");
        assertThat(req("\\x41BC")).containsExactly("ABC");
        assertThat(req("\\u00e9t\\u00e9")).containsExactly("\u00e9t\u00e9");
        assertThat(req("\\U0001F600 x")).containsExactly("\uD83D\uDE00 x");
        assertThat(req("\\N{EM DASH}x")).containsExactly("\u2014x");
        assertThat(req("\\101B")).containsExactly("AB");
        assertThat(req("\\0x")).containsExactly("\0x");
        assertThat(req("[.]txt")).containsExactly(".txt");
        assertThat(req("[a]bc")).containsExactly("abc");
        assertThat(req("[\\n]x")).containsExactly("\nx");
        assertThat(req("[^a]bc")).containsExactly("bc");
        assertThat(req("[a-a]bc")).containsExactly("bc");
        assertThat(req("\\\\path")).containsExactly("\\path");
        assertThat(req("\\ud800x")).as("a lone surrogate ends the run").containsExactly("x");
    }

    @Test
    void verbose_mode_drops_unescaped_whitespace_and_comments_like_python() {
        assertThat(req("(?x) foo \\  bar  # a comment")).containsExactly("foo bar");
        assertThat(req("(?x)f o o")).containsExactly("foo");
        assertThat(req("(?x)a[ ]b")).containsExactly("a b");
        assertThat(req("(?x)ab # c\n cd")).containsExactly("abcd");
        assertThat(req("(?x:a b)c")).containsExactly("abc");
    }

    @Test
    void a_line_without_the_literal_does_not_run_the_regex() {
        AtomicLong reads = new AtomicLong();
        LongSupplier counting = () -> {
            reads.incrementAndGet();
            return 1_000_000_000L;
        };
        List<String> errors = new ArrayList<>();
        CaseRule disk = new CaseRule("case_disk", "disk usage (?P<pct>\\d+)%", "{pct}", CaseState.WARN);
        CaseMatcher matcher = CaseMatcher.compile(List.of(disk), (r, e) -> errors.add(e), Duration.ofMillis(250),
                counting);
        // The regex reads the text through the time-budget wrapper, which reads the clock every 1024 characters:
        // a regex scanning 300 000 characters reads it many times, a skipped line never.
        String longLine = "disk usag ".repeat(30_000);

        assertThat(matcher.match(longLine + "\n")).isEmpty();
        assertThat(reads.get()).isZero();

        assertThat(matcher.match(longLine + "disk usage 93%\n")).extracting(CaseHit::message).containsExactly("93");
        assertThat(reads.get()).as("the same line with the literal runs the regex").isPositive();
        assertThat(errors).isEmpty();
    }

    @Test
    void a_pattern_without_a_literal_runs_on_every_line() {
        AtomicLong reads = new AtomicLong();
        LongSupplier counting = () -> {
            reads.incrementAndGet();
            return 1_000_000_000L;
        };
        CaseRule warn = new CaseRule("case_warn", "(?i)disk usage (?P<pct>\\d+)%", "{pct}", CaseState.WARN);
        CaseMatcher matcher = CaseMatcher.compile(List.of(warn), (r, e) -> { }, Duration.ofMillis(250), counting);

        assertThat(matcher.match("disk usag ".repeat(30_000) + "\n")).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(matcher.match("DISK USAGE 5%\n")).extracting(CaseHit::message).containsExactly("5");
    }

    @Test
    void a_bomb_whose_literal_is_in_the_line_still_runs_into_its_budget() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<String> errors = new ArrayList<>();
        CaseRule bomb = new CaseRule("case_bomb", "(.*a){12}!\\d", "never", CaseState.DOWN);
        CaseMatcher matcher = CaseMatcher.compile(List.of(bomb), (r, e) -> errors.add(e), Duration.ofMillis(20),
                () -> now.addAndGet(1_000_000L));

        assertThat(PythonRegex.requiredLiterals("(.*a){12}!\\d")).containsExactly("a");
        assertThat(matcher.match("a".repeat(40) + "!\n")).isEmpty();
        assertThat(errors).singleElement().asString().startsWith("Regex timed out after 20 ms");
    }

    // ---------------------------------------------------------------------------------------------
    // Against python3

    static final List<String> PATTERNS = List.of(
            // the benchmark's cases
            "ERROR|FATAL|CRITICAL", "(?i)\\bwarn(ing)?\\b", "[Cc]onnection (refused|reset|timed out)",
            "disk usage (?P<pct>\\d+)%", "^(\\d{4})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2})",
            "HTTP/1\\.[01]\" (?P<status>5\\d\\d) ", "took (\\d+(?:\\.\\d+)?) ?ms",
            "OutOfMemoryError|StackOverflowError|Segmentation fault", "^(?P<n>\\d*777)$", "(?P<round>\\d+)00000$",
            // literals, optional parts, alternatives
            "foo", "foo|bar", "foo|", "(?:foo)?bar", "a*foo", "fo*o", "(foo)+bar", "(?:ab){0}cd", "x{0}yz",
            "err(or|)", "(?:ERROR|ERRORS)", "ab(?:cd|ef)gh", "(ab|cd)*ef", "(?:ab|cd)+ef", "a{2,}b", "ab?c", "a.c",
            "\\d+ms", "[Ee]rror", "a|b|c", "(?:abc|de)(?:fgh|ij)",
            // zero-width items and references
            "(?<=ab)cd", "(?<!ab)cd", "(?=abc)abc", "(?!abc)ab", "x\\b", "a\\Z", "\\Aabc", "^$", "foo\\b bar",
            "(a)b\\1", "(?P<w>ab)(?P=w)c", "(?>abc)d", "(\\w+) \\1",
            // case folding
            "(?i)foo", "(?i:foo)bar", "foo(?i:bar)", "(?i)Kelvin", "(?i:s)tring", "(?i)(?-i:abc)", "k", "(?i)k",
            // escapes, classes, unicode
            "\\.log", "a\\nb", "\\x41BC", "\\u00e9t\\u00e9", "caf\\u00e9", "\\N{EM DASH}x", "\\U0001F600",
            "\uD83D\uDE00 smile", "[a]bc", "[.]txt", "[^a]bc", "\\t", "\\0x", "\\101B", "\u00e9+", "\u00df",
            "\\\\path", "\\$\\d+",
            // flags
            "(?x) foo \\ bar # comment", "(?x)f o o", "(?x)[ ]x", "(?a)\\bword\\b", "(?s)a.b", "(?m)^start",
            "(?u)x", "x(?#comment)y", "(?:)abc");

    static final List<String> LINES = List.of(
            "\n", "foo\n", "bar\n", "foobar\n", "FOO BAR\n", "xfoo barx\n", "abcd abab abc\n", "ERROR: x\n",
            "FATAL\n", "crit CRITICAL\n", "Connection refused\n", "connection reset by peer\n", "disk usage 93%\n",
            "2024-01-02 03:04:05 x\n", "GET / HTTP/1.1\" 503 12\n", "took 12.5 ms\n", "took 7ms\n",
            "java.lang.OutOfMemoryError\n", "1777\n", "1700000\n", "a\nb\n", "caf\u00e9 \u00e9t\u00e9 \u00c9T\u00c9\n",
            "\u212Aelvin KELVIN kelvin\n", "\u017ftring string STRING\n", "foo \u2014 x \u2014x\n",
            "\uD83D\uDE00 smile \uD83D\uDE00\n", "ABC abc \\path\n", "x.log y.txt\n", "word words\n", "a\tb\n",
            "ab cd ef gh abcdgh abefgh\n", "error ERRORS err\n", "$42 $x\n", "aaab ac abc a-c\n", "\u0000x\n",
            "warning: WARN\n", "\u00df \u1e9e SS\n", "k K \u212a\n", "start\n", "abab abc abcd deij\n", "xy x y\n");

    @Test
    void with_the_prefilter_every_case_finds_what_python3_finds_on_every_line(@TempDir Path dir) throws Exception {
        Optional<String> unavailable = PythonCrossCheck.unavailableReason();
        assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
        List<PythonCrossCheck.Finds> finds = PythonCrossCheck.finditer(PATTERNS, LINES, true, dir);
        List<String> mismatches = new ArrayList<>();
        int matched = 0;
        int skippedByPrefilter = 0;
        int prefiltered = 0;
        for (String pattern : PATTERNS) {
            prefiltered += req(pattern).isEmpty() ? 0 : 1;
        }
        for (PythonCrossCheck.Finds f : finds) {
            String pattern = f.pattern();
            String line = f.line();
            List<String> python = f.python();
            List<String> required = req(CaseMatcher.stripLikePython(pattern));
            boolean lineHasLiteral = required.isEmpty() || required.stream().anyMatch(line::contains);
            if (!python.isEmpty() && !lineHasLiteral) {
                mismatches.add(PythonRegexTest.show(pattern) + " requires one of " + required + " but Python matches "
                        + PythonRegexTest.show(line));
            }
            List<String> ours = PythonRegexTest.findAll(pattern, line);
            if (!ours.equals(python)) {
                mismatches.add(PythonRegexTest.show(pattern) + " on " + PythonRegexTest.show(line) + ": Python "
                        + python.stream().map(PythonRegexTest::show).toList() + ", ours "
                        + ours.stream().map(PythonRegexTest::show).toList());
            }
            matched += python.isEmpty() ? 0 : 1;
            skippedByPrefilter += lineHasLiteral ? 0 : 1;
        }
        assertThat(mismatches).isEmpty();
        // The table is only worth something if most patterns get a literal, and both kinds of line occur often.
        assertThat(prefiltered).isGreaterThan(PATTERNS.size() * 2 / 3);
        assertThat(matched).isGreaterThan(finds.size() / 15);
        assertThat(skippedByPrefilter).isGreaterThan(finds.size() / 2);
    }
}
