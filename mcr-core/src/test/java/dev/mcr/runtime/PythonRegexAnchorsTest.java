package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cheap translations of {@code ^}, {@code \b} and {@code \B} (Java's {@code ^} where no match can sit at the
 * end of the line, one look-around where the pattern puts a word character on one side): every pattern here runs
 * on every line, through the runner's matcher and through python3's {@code re}, and the matches must be the same.
 */
class PythonRegexAnchorsTest {

    static final List<String> PATTERNS = List.of(
            // ^: Java's own anchor where something must follow, the look-behind where nothing need
            "^", "^$", "^\\s*$", "^a", "^x", "^.*", "^.", "^(?:x|)", "(^|-)x", "(?:^a|b)+", "^\\n?", "(?-m:^)x", "x|^",
            "(?=^)", "(?=^x)", "(?<=^a)b", "(?<!^)x", "^(\\d*777)$", "^(?P<n>\\d*777)$", "^\\d{4}", "(?:^)?a", "^(a|)",
            "(?m:^a)", "^a|^", "^(?=a)",
            // \b and \B with a word character known on one side, on both, or on neither
            "(?i)\\bwarn(ing)?\\b", "\\bwarn", "warn\\b", "\\b\\w", "\\w\\b", "\\b\\d+\\b", "\\d+\\b", "\\b[a-z]+",
            "(?i)\\b[a-z]+\\b", "(?a)\\bwarn\\b", "(?a)\\b\\w+\\b", "(?a:\\bwarn)", "\\Bwarn", "warn\\B", "a\\Bb", "a\\bb",
            "(warn|err)\\b", "\\b(?:warn|x)", "x?\\bwarn", "\\bx?warn", "(?:\\bw)+", "\\b_", "_\\b", "(?i)\\bk",
            "(?i)s\\b", "(?i)\\bi", "\\b", "\\B", "\\b\\B", "(?:a|\\d)\\b", "[\\w-]\\b", "\\b(?=w)\\w+", "(?>\\w+)\\b",
            "\\b\\w+?\\b", "\\b$", "\\b\\Z", "\\b(?<=n)", "(?:warn)?\\b", "\\b(?:warn)?", "\\b[5-9]", "[0-9]\\B",
            "(?i)\\B[a-z]", "(?i:\\bWARN)", "\\b(?i:warn)", "\\b\u00e9", "\u00e9\\b", "\\b(?:[a-z]|\\d)+\\b",
            // patterns that can match the empty string must not find one inside a surrogate pair
            "x*", "$", "a|", "\\Z", "(?:x)?$", "\\d*", "(?=n)|w");

    static final List<String> LINES = List.of(
            "", "\n", "a\n", "x\n", "ab\n", "a b\n", "warn\n", "warning: disk\n", "WARN warn_x xwarn 2warn \u00b2warn\n",
            "e\u0301warn warn\u0301 \u0301warn\n", "\uD835\uDC00warn \uD83D\uDE00warn warn\uD835\uDC00 warn\uD83D\uDE00\n",
            "\u212awarn K\u212a \u017fs s\u017f\n", "x\nx\n", "x\n\n", "1777\n", "777\n\n", "2024-01-02 x\n",
            "foo-bar_baz 42 \u0663\u0664 \u00bdx x\u00bd\n", "\t\n", "\u0130i \u0131I i\u0130\n", "-x x-x\n",
            "\u00e9t\u00e9 \u00e9 caf\u00e9\n", "\u2160warn warn\u2160 \u2168\n", "a\u0345 \u0345a\n", "ba\n", "warn");

    @Test
    void anchors_and_word_boundaries_find_what_python3_finds_on_every_line(@TempDir Path dir) throws Exception {
        Optional<String> unavailable = PythonCrossCheck.unavailableReason();
        assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
        List<PythonCrossCheck.Finds> finds = PythonCrossCheck.finditer(PATTERNS, LINES, false, dir);
        List<String> mismatches = new ArrayList<>();
        int nonEmpty = 0;
        for (PythonCrossCheck.Finds f : finds) {
            String pattern = f.pattern();
            String line = f.line();
            List<String> python = f.python();
            List<String> ours = PythonRegexTest.findAll(pattern, line);
            if (!ours.equals(python)) {
                mismatches.add(PythonRegexTest.show(pattern) + " on " + PythonRegexTest.show(line) + ": Python "
                        + python.stream().map(PythonRegexTest::show).toList() + ", ours "
                        + ours.stream().map(PythonRegexTest::show).toList() + " (Java: " + PythonRegex.translate(pattern) + ")");
            }
            nonEmpty += python.isEmpty() ? 0 : 1;
        }
        assertThat(mismatches).isEmpty();
        // The table is only worth something if Python finds matches in a good part of it.
        assertThat(nonEmpty).isGreaterThan(finds.size() / 4);
    }

    @Test
    void caret_becomes_javas_anchor_only_where_a_character_must_follow() {
        assertThat(PythonRegex.translate("^a")).isEqualTo("^a");
        assertThat(PythonRegex.translate("^(?P<n>\\d*777)$")).isEqualTo("^(?<n>\\p{Nd}*777)$");
        assertThat(PythonRegex.translate("(^|-)x")).isEqualTo("(^|\\-)x");
        assertThat(PythonRegex.translate("^")).isEqualTo("(?<![^\\n])(?:\uD835\uDC00){0}");
        assertThat(PythonRegex.translate("^\\s*$")).startsWith("(?<![^\\n])");
        assertThat(PythonRegex.translate("^(?:x|)")).startsWith("(?<![^\\n])");
        assertThat(PythonRegex.translate("(?=^)x")).isEqualTo("(?=(?<![^\\n]))x");
        assertThat(PythonRegex.translate("(?-m:^a)")).isEqualTo("(?-m:\\Aa)");
    }

    @Test
    void word_boundary_next_to_a_known_word_character_tests_only_the_other_side() {
        String w = "[\\p{L}\\p{N}_]";
        assertThat(PythonRegex.translate("(?i)\\bwarn(ing)?\\b"))
                .isEqualTo("(?i)(?=w)(?<!" + w + ")warn(ing)?(?!" + w + ")(?:\uD835\uDC00){0}");
        assertThat(PythonRegex.translate("\\d+\\b")).isEqualTo("\\p{Nd}+(?!" + w + ")");
        assertThat(PythonRegex.translate("\\b\\d+")).isEqualTo("(?<!" + w + ")\\p{Nd}+(?:\uD835\uDC00){0}");
        assertThat(PythonRegex.translate("a\\Bb")).isEqualTo("a(?:)b");
        assertThat(PythonRegex.translate("a\\bb")).isEqualTo("a(?!)b");
        assertThat(PythonRegex.translate("(?a)x\\b")).isEqualTo("(?-u)x(?![a-zA-Z0-9_])");
        assertThat(PythonRegex.translate("\\b\u00e9")).startsWith("(?:(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + "))");
    }
}
