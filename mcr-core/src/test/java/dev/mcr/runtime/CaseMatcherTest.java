package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CaseMatcherTest {

    private final List<Map.Entry<CaseRule, String>> errors = new ArrayList<>();
    private final BiConsumer<CaseRule, String> onError = (rule, message) -> errors.add(Map.entry(rule, message));

    private static CaseRule rule(String id, String pattern, String template, CaseState state) {
        return new CaseRule(id, pattern, template, state);
    }

    /** A monotonic clock that moves one millisecond every time it is read: budgets run out after a fixed number of checks. */
    private static LongSupplier steppingClock() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        return () -> now.addAndGet(1_000_000L);
    }

    /*
     * Java 17 memoizes failed positions in greedy loops, so the classic (a+)+$ finishes in milliseconds here;
     * a counted repetition of a greedy .* still backtracks for years on this line, in Java as in Python.
     */
    private static final String BOMB = "(.*a){12}$";
    private static final String BOMB_LINE = "a".repeat(40) + "!\n";

    @Test
    void every_match_in_a_line_counts_in_case_order_then_match_order() {
        CaseRule disk = rule("case_disk", "(?P<disk_use>\\d+)%", "use {disk_use}", CaseState.WARN);
        CaseRule level = rule("case_level", "ERROR|FATAL", "{match}!", CaseState.DOWN);
        CaseMatcher matcher = CaseMatcher.compile(List.of(disk, level), onError);

        List<CaseHit> hits = matcher.match("ERROR 94% 12% FATAL\n");

        assertThat(hits).extracting(CaseHit::rule, CaseHit::pattern, CaseHit::message, CaseHit::state, CaseHit::lastLine)
                .containsExactly(
                        tuple(disk, "(?P<disk_use>\\d+)%", "use 94", CaseState.WARN, false),
                        tuple(disk, "(?P<disk_use>\\d+)%", "use 12", CaseState.WARN, false),
                        tuple(level, "ERROR|FATAL", "ERROR!", CaseState.DOWN, false),
                        tuple(level, "ERROR|FATAL", "FATAL!", CaseState.DOWN, false));
        assertThat(errors).isEmpty();
    }

    @Test
    void line_without_a_match_gives_an_empty_unmodifiable_list() {
        CaseMatcher matcher = CaseMatcher.compile(List.of(rule("c", "ERROR", "x", CaseState.NONE)), onError);
        List<CaseHit> hits = matcher.match("all good\n");
        assertThat(hits).isEmpty();
        assertThatThrownBy(() -> hits.add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> matcher.match("ERROR\n").clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void invalid_regex_is_reported_once_at_compile_and_the_other_cases_keep_matching() {
        CaseRule bad = rule("case_bad", "  (?P<disk_use>\\d+  ", "x", CaseState.DOWN);
        CaseRule good = rule("case_good", "OK", "reachable", CaseState.UP);
        CaseMatcher matcher = CaseMatcher.compile(List.of(bad, good), onError);

        assertThat(errors).containsExactly(
                Map.entry(bad, "Invalid regex: missing ), unterminated subpattern at position 0"));
        for (int i = 0; i < 3; i++) {
            assertThat(matcher.match("OK\n")).extracting(CaseHit::message).containsExactly("reachable");
        }
        assertThat(errors).hasSize(1);
    }

    @Test
    void pattern_and_template_are_stripped_of_python_whitespace_like_the_original() {
        CaseRule r = rule("c", "\u00a0 \\d+\u001f\n", "\t n={match} \u0085", CaseState.NONE);
        List<CaseHit> hits = CaseMatcher.compile(List.of(r), onError).match("x 5\n");
        assertThat(hits).extracting(CaseHit::pattern, CaseHit::message).containsExactly(tuple("\\d+", "n=5"));
    }

    @Test
    void failing_template_sends_the_raw_template() {
        CaseMatcher matcher = CaseMatcher.compile(List.of(rule("c", "(\\d+)", "value {missing} of {g1}", CaseState.NONE)), onError);
        assertThat(matcher.match("42\n")).extracting(CaseHit::message).containsExactly("value {missing} of {g1}");
    }

    @Test
    void case_with_only_a_pattern_or_only_a_template_is_ignored_silently() {
        CaseMatcher matcher = CaseMatcher.compile(List.of(
                rule("c1", "OK", "  ", CaseState.NONE),
                rule("c2", "", "message", CaseState.NONE),
                rule("c3", "(", "", CaseState.NONE)), onError);
        assertThat(matcher.match("OK message (\n")).isEmpty();
        assertThat(matcher.hasLastLineCase()).isFalse();
        assertThat(matcher.lastLineHit("anything")).isEmpty();
        assertThat(errors).isEmpty();
    }

    @Test
    void last_line_case_sends_the_last_non_empty_line_or_no_output() {
        CaseRule lastLine = rule("case_last", "", "", CaseState.DOWN);
        CaseRule another = rule("case_last2", " ", "\u00a0", CaseState.UP);
        CaseMatcher matcher = CaseMatcher.compile(List.of(rule("c", "x", "y", CaseState.NONE), lastLine, another), onError);

        assertThat(matcher.hasLastLineCase()).isTrue();
        assertThat(matcher.lastLineHit("backup done: 42 files")).hasValueSatisfying(hit -> {
            assertThat(hit.rule()).isEqualTo(lastLine);
            assertThat(hit.pattern()).isEqualTo("__on_finish__");
            assertThat(hit.message()).isEqualTo("backup done: 42 files");
            assertThat(hit.state()).isEqualTo(CaseState.NONE);
            assertThat(hit.lastLine()).isTrue();
        });
        assertThat(matcher.lastLineHit("  result \n")).map(CaseHit::message).hasValue("result");
        assertThat(matcher.lastLineHit("")).map(CaseHit::message).hasValue("(no output)");
        assertThat(matcher.lastLineHit(" \u00a0\n")).map(CaseHit::message).hasValue("(no output)");
        assertThat(matcher.lastLineHit(null)).map(CaseHit::message).hasValue("(no output)");
        assertThat(matcher.match("line\n")).isEmpty();
    }

    @Test
    void strip_like_python_removes_what_python_counts_as_whitespace() {
        assertThat(CaseMatcher.stripLikePython("\u00a0\u001f x y \u0085\u3000\n")).isEqualTo("x y");
        assertThat(CaseMatcher.stripLikePython("\u200b x")).isEqualTo("\u200b x");
        assertThat(" \u00a0x".strip()).as("Java's own strip differs").isEqualTo("\u00a0x");
    }

    @Test
    void regex_bomb_is_stopped_by_the_budget_and_the_next_case_still_matches() {
        CaseRule bomb = rule("case_bomb", BOMB, "never", CaseState.DOWN);
        CaseRule bang = rule("case_bang", "!", "bang", CaseState.NONE);
        CaseMatcher matcher = CaseMatcher.compile(List.of(bomb, bang), onError, Duration.ofMillis(250), steppingClock());

        List<CaseHit> hits = matcher.match(BOMB_LINE);

        assertThat(hits).extracting(CaseHit::message).containsExactly("bang");
        assertThat(errors).containsExactly(Map.entry(bomb,
                "Regex timed out after 250 ms on a line of 42 characters; the rest of the line is skipped for this case."));
    }

    @Test
    void matches_found_before_the_budget_ran_out_are_kept() {
        CaseRule r = rule("c", "x|" + BOMB, "{match}", CaseState.NONE);
        CaseMatcher matcher = CaseMatcher.compile(List.of(r), onError, Duration.ofMillis(50), steppingClock());
        assertThat(matcher.match("xx" + BOMB_LINE)).extracting(CaseHit::message).containsExactly("x", "x");
        assertThat(errors).hasSize(1);
    }

    @Test
    void case_that_times_out_three_times_is_disabled_until_compiled_again() {
        CaseRule bomb = rule("case_bomb", "ok|" + BOMB, "{match}", CaseState.NONE);
        List<CaseRule> cases = List.of(bomb);
        CaseMatcher matcher = CaseMatcher.compile(cases, onError, Duration.ofMillis(20), steppingClock());
        assertThat(matcher.match("ok\n")).extracting(CaseHit::message).containsExactly("ok");

        for (int i = 0; i < 4; i++) {
            matcher.match(BOMB_LINE);
        }

        assertThat(errors).extracting(Map.Entry::getValue).containsExactly(
                "Regex timed out after 20 ms on a line of 42 characters; the rest of the line is skipped for this case.",
                "Regex timed out after 20 ms on a line of 42 characters; the rest of the line is skipped for this case.",
                "Regex timed out after 20 ms on a line of 42 characters; this happened 3 times, so the case is disabled"
                        + " until the runner's cases are compiled again.");
        assertThat(matcher.match("ok\n")).isEmpty();
        assertThat(CaseMatcher.compile(cases, onError, Duration.ofMillis(20), steppingClock()).match("ok\n")).hasSize(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void regex_bomb_returns_on_the_real_clock_and_reports_the_timeout() {
        CaseRule bomb = rule("case_bomb", BOMB, "never", CaseState.DOWN);
        CaseMatcher matcher = CaseMatcher.compile(List.of(bomb), onError, Duration.ofMillis(100), System::nanoTime);
        String line = BOMB_LINE;

        assertThat(matcher.match(line)).isEmpty();
        assertThat(errors).extracting(Map.Entry::getValue).containsExactly(
                "Regex timed out after 100 ms on a line of " + line.length()
                        + " characters; the rest of the line is skipped for this case.");
    }

    @Test
    void regex_that_exhausts_the_java_stack_is_reported_instead_of_killing_the_reader() throws Exception {
        // No required literal (a line without one would not run the regex at all): \d ends the pattern.
        CaseRule deep = rule("case_deep", "(?:a|b)*\\d", "{match}", CaseState.NONE);
        CaseRule simple = rule("case_simple", "b$", "end", CaseState.NONE);
        CaseMatcher matcher = CaseMatcher.compile(List.of(deep, simple), onError);
        String line = "ab".repeat(30_000) + "\n";
        AtomicReference<List<CaseHit>> hits = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // A small stack makes the overflow certain whatever the JVM's default thread stack size is.
        Thread reader = new Thread(null, () -> {
            try {
                hits.set(matcher.match(line));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "mcr-test-small-stack", 128 * 1024);
        reader.start();
        reader.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(failure.get()).isNull();
        assertThat(hits.get()).extracting(CaseHit::message).containsExactly("end");
        assertThat(errors).extracting(Map.Entry::getValue).containsExactly(
                "Regex needed more stack than the thread has on a line of 60001 characters;"
                        + " the rest of the line is skipped for this case.");
    }

    @Test
    void ordinary_lines_are_matched_without_reading_the_clock() {
        AtomicLong reads = new AtomicLong();
        LongSupplier counting = () -> {
            reads.incrementAndGet();
            return 1_000_000_000L;
        };
        CaseRule level = rule("case_level", "ERROR|FATAL", "{match}", CaseState.DOWN);
        CaseRule word = rule("case_word", "(?i)\\bwarn(ing)?\\b", "warn", CaseState.WARN);
        CaseMatcher matcher = CaseMatcher.compile(List.of(level, word), onError, Duration.ofMillis(250), counting);

        assertThat(matcher.match("ERROR: warning, 94% used\n")).extracting(CaseHit::message).containsExactly("ERROR", "warn");
        assertThat(matcher.match("x".repeat(120) + "\n")).isEmpty();

        assertThat(reads.get()).isZero();
        assertThat(errors).isEmpty();
    }

    @Test
    void budget_starts_at_the_first_check_and_stops_the_bomb_after_exactly_the_budget() {
        AtomicLong reads = new AtomicLong();
        AtomicLong now = new AtomicLong(1_000_000_000L);
        LongSupplier stepping = () -> {
            reads.incrementAndGet();
            return now.addAndGet(1_000_000L);
        };
        CaseRule bomb = rule("case_bomb", BOMB, "never", CaseState.DOWN);
        CaseMatcher matcher = CaseMatcher.compile(List.of(bomb), onError, Duration.ofMillis(20), stepping);

        assertThat(matcher.match(BOMB_LINE)).isEmpty();

        // One read arms the deadline 20 ms ahead, each later check moves the clock 1 ms: the 20th of them times out.
        assertThat(reads.get()).isEqualTo(21);
        assertThat(errors).extracting(Map.Entry::getValue).containsExactly(
                "Regex timed out after 20 ms on a line of 42 characters; the rest of the line is skipped for this case.");

        // The next line gets a fresh budget, armed again at its own first check.
        reads.set(0);
        assertThat(matcher.match(BOMB_LINE)).isEmpty();
        assertThat(reads.get()).isEqualTo(21);
        assertThat(errors).hasSize(2);
    }

    @Test
    void bad_arguments_are_refused_with_a_sentence() {
        assertThatThrownBy(() -> CaseMatcher.compile(null, onError))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(".");
        assertThatThrownBy(() -> CaseMatcher.compile(List.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CaseMatcher.compile(List.of(), onError, Duration.ZERO, System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("The match budget must be positive, not PT0S.");
        List<CaseRule> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> CaseMatcher.compile(withNull, onError))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("The case list must not contain null.");
        assertThatThrownBy(() -> CaseMatcher.compile(List.of(), onError).match(null)).isInstanceOf(NullPointerException.class);
    }
}
