package dev.mcr.runtime;

import dev.mcr.event.CaseMatched;
import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;

/**
 * The compiled cases of one runner: finds every case match in an output line and renders its message,
 * and produces the last-line message at the end of a run (SPEC §3, the original's {@code compile_runner_cfg}
 * and {@code _match_line_and_notify}).
 *
 * <p>Compilation follows the original: pattern and template are stripped of Python whitespace; a case with
 * both empty turns on the last-line case; a case with only one of them is ignored silently; a pattern Python
 * rejects is reported once through {@code onError} as {@code "Invalid regex: <Python's re.error text>"} and the
 * case is skipped, the other cases still work.
 *
 * <p>Matching follows Python's {@code finditer} on the line as given (with its trailing {@code \n}): every
 * match counts, including empty ones, in case order and then match order.
 *
 * <p>A pattern with catastrophic backtracking must not freeze a runner: each case gets a time budget per line
 * (default {@link #DEFAULT_MATCH_BUDGET}). When it runs out, the matches found so far on that line are kept,
 * the rest of the line is skipped for that case, and {@code onError} receives a sentence saying so. After
 * {@link #MAX_TIMEOUTS_PER_CASE} such timeouts the case is disabled for the life of this matcher (a new
 * {@code compile}, e.g. when the runner's cases are saved or the runner starts again, enables it again), so a
 * runner with a bad pattern and a long output does not spend the budget on every line. The same applies when
 * the Java regex engine runs out of stack on a long line (Python's engine has no such limit).
 *
 * <p>Most lines match none of a runner's cases, so a case whose pattern requires a literal (derived from the
 * parsed pattern, see {@code PythonRegex.requiredLiterals}) runs its regex only on lines that contain it; the
 * other lines cannot match, so skipping them changes no result and spends none of the time budget.
 *
 * <p>Not thread-safe: {@link #match(String)} reuses one {@link Matcher} per case, so call it from one thread at
 * a time (the runner's output reader). {@code onError} is called on the thread that calls
 * {@code compile} or {@code match}. {@link #lastLineHit(String)} and {@link #hasLastLineCase()} may be called
 * from any thread.
 */
public final class CaseMatcher {

    /** The last-line message when a run printed nothing but whitespace. */
    public static final String NO_OUTPUT_MESSAGE = "(no output)";
    /** The prefix of the message reported for a pattern Python rejects. */
    public static final String INVALID_REGEX_PREFIX = "Invalid regex: ";
    /** Default time one case may spend on one line. */
    public static final Duration DEFAULT_MATCH_BUDGET = Duration.ofMillis(250);
    /** Timeouts after which a case is disabled for the life of the matcher. */
    public static final int MAX_TIMEOUTS_PER_CASE = 3;
    /**
     * Longest case pattern a save accepts, in characters. Java compiles a long literal in time that grows with the
     * square of its length (300 000 characters take about 30 s of CPU), and no real case needs more than this.
     */
    public static final int MAX_PATTERN_LENGTH = 4096;

    private static final int CHECK_INTERVAL = 1024;
    private static final long MAX_BUDGET_NANOS = Long.MAX_VALUE / 4;

    private final List<Entry> entries;
    private final CaseRule lastLineRule;
    private final BiConsumer<CaseRule, String> onError;
    private final Duration budget;
    private final DeadlineText text;

    private static final class Entry {
        final CaseRule rule;
        final String pattern;
        final String template;
        final CompiledPattern compiled;
        /** One of these is in every line the pattern can match (see PythonRegex.requiredLiterals); null: no test. */
        final String[] required;
        final Matcher plain;
        final Matcher nonEmpty;
        int failures;
        boolean disabled;

        Entry(CaseRule rule, String pattern, String template, CompiledPattern compiled, List<String> required,
              DeadlineText text) {
            this.rule = rule;
            this.pattern = pattern;
            this.template = template;
            this.compiled = compiled;
            this.required = required.isEmpty() ? null : required.toArray(new String[0]);
            this.plain = compiled.pattern().matcher(text);
            // Python's finditer, after an empty match at p, accepts a non-empty match starting at p; Java's
            // find() skips p entirely. This variant refuses only the empty match at the search start (\G).
            this.nonEmpty = java.util.regex.Pattern
                    .compile("(?:" + compiled.pattern().pattern() + ")(?!\\G)", compiled.pattern().flags())
                    .matcher(text);
        }

        /** False only when the line lacks every required literal, so the pattern certainly cannot match it. */
        boolean mayMatch(String line) {
            if (required == null) {
                return true;
            }
            for (String literal : required) {
                if (line.indexOf(literal) >= 0) {
                    return true;
                }
            }
            return false;
        }
    }

    private CaseMatcher(List<Entry> entries, CaseRule lastLineRule, BiConsumer<CaseRule, String> onError,
                        Duration budget, DeadlineText text) {
        this.entries = entries;
        this.lastLineRule = lastLineRule;
        this.onError = onError;
        this.budget = budget;
        this.text = text;
    }

    private static long budgetNanos(Duration budget) {
        return budget.compareTo(Duration.ofNanos(MAX_BUDGET_NANOS)) > 0 ? MAX_BUDGET_NANOS : budget.toNanos();
    }

    /**
     * Compiles a runner's cases with the default time budget and the system's monotonic clock.
     *
     * @param cases   the runner's cases, in order
     * @param onError receives {@code (case, sentence)} for an invalid pattern (at once) and for a regex that runs
     *                out of time while matching (later, from {@link #match(String)})
     * @return the matcher
     * @throws IllegalArgumentException when an argument is {@code null}
     */
    public static CaseMatcher compile(List<CaseRule> cases, BiConsumer<CaseRule, String> onError) {
        return compile(cases, onError, DEFAULT_MATCH_BUDGET, System::nanoTime);
    }

    /**
     * Compiles a runner's cases.
     *
     * @param cases       the runner's cases, in order
     * @param onError     receives {@code (case, sentence)} for an invalid pattern (at once) and for a regex that
     *                    runs out of time while matching (later, from {@link #match(String)})
     * @param matchBudget time one case may spend on one line; positive
     * @param nanoTime    the monotonic clock measuring it, in nanoseconds (e.g. {@code System::nanoTime})
     * @return the matcher
     * @throws IllegalArgumentException when an argument is {@code null} or the budget is not positive
     */
    public static CaseMatcher compile(List<CaseRule> cases, BiConsumer<CaseRule, String> onError, Duration matchBudget,
                                      LongSupplier nanoTime) {
        if (cases == null || onError == null || matchBudget == null || nanoTime == null) {
            throw new IllegalArgumentException("Cases, error callback, match budget and clock must all be given.");
        }
        if (matchBudget.isZero() || matchBudget.isNegative()) {
            throw new IllegalArgumentException("The match budget must be positive, not " + matchBudget + ".");
        }
        DeadlineText text = new DeadlineText(nanoTime, budgetNanos(matchBudget));
        List<Entry> entries = new ArrayList<>();
        CaseRule lastLine = null;
        for (CaseRule rule : cases) {
            if (rule == null) {
                throw new IllegalArgumentException("The case list must not contain null.");
            }
            String pattern = MessageTemplate.pyStrip(rule.pattern());
            String template = MessageTemplate.pyStrip(rule.messageTemplate());
            if (pattern.isEmpty() && template.isEmpty()) {
                if (lastLine == null) {
                    lastLine = rule;
                }
                continue;
            }
            if (pattern.isEmpty() || template.isEmpty()) {
                continue;
            }
            CompiledPattern compiled;
            List<String> required;
            try {
                compiled = PythonRegex.compile(pattern);
                required = PythonRegex.requiredLiterals(pattern);
            } catch (IllegalArgumentException e) {
                onError.accept(rule, INVALID_REGEX_PREFIX + e.getMessage());
                continue;
            }
            entries.add(new Entry(rule, pattern, template, compiled, required, text));
        }
        return new CaseMatcher(List.copyOf(entries), lastLine, onError, matchBudget, text);
    }

    /**
     * Checks a case pattern the way {@link #compile} compiles it (stripped like Python, translated by
     * {@link PythonRegex}), so that a save can refuse what a run would report as a {@code case_error}.
     *
     * @param pattern the pattern as stored; an empty or blank one (the last-line case) is valid
     * @return the reason it is not valid (Python's {@code re.error} text, what Java cannot run, or a length over
     *         {@link #MAX_PATTERN_LENGTH}), or empty
     */
    public static Optional<String> patternError(String pattern) {
        String stripped = MessageTemplate.pyStrip(pattern == null ? "" : pattern);
        if (stripped.isEmpty()) {
            return Optional.empty();
        }
        if (stripped.length() > MAX_PATTERN_LENGTH) {
            return Optional.of("it has " + stripped.length() + " characters, and at most " + MAX_PATTERN_LENGTH
                    + " are allowed");
        }
        try {
            PythonRegex.compile(stripped);
            PythonRegex.requiredLiterals(stripped);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Finds every case match in one output line.
     *
     * @param line the line as read, including its trailing {@code \n} if it has one
     * @return the hits in case order, then match order; empty (and shared) when nothing matched
     */
    public List<CaseHit> match(String line) {
        Objects.requireNonNull(line, "line");
        List<CaseHit> hits = null;
        int length = line.length();
        for (Entry e : entries) {
            if (e.disabled || !e.mayMatch(line)) {
                continue;
            }
            text.reset(line);
            int pos = 0;
            boolean mustAdvance = false;
            String failure = null;
            try {
                while (pos <= length) {
                    Matcher m = mustAdvance ? e.nonEmpty : e.plain;
                    if (!m.find(pos)) {
                        break;
                    }
                    String message = MessageTemplate.render(e.template, m, e.compiled);
                    if (hits == null) {
                        hits = new ArrayList<>(4);
                    }
                    hits.add(new CaseHit(e.rule, e.pattern, message, e.rule.state(), false));
                    mustAdvance = m.end() == m.start();
                    pos = m.end();
                }
            } catch (DeadlineText.TimedOut t) {
                failure = "Regex timed out after " + describe(budget) + " on a line of " + length + " characters";
            } catch (StackOverflowError so) {
                failure = "Regex needed more stack than the thread has on a line of " + length + " characters";
            }
            if (failure != null) {
                e.failures++;
                if (e.failures >= MAX_TIMEOUTS_PER_CASE) {
                    e.disabled = true;
                    onError.accept(e.rule, failure + "; this happened " + e.failures
                            + " times, so the case is disabled until the runner's cases are compiled again.");
                } else {
                    onError.accept(e.rule, failure + "; the rest of the line is skipped for this case.");
                }
            }
        }
        return hits == null ? List.of() : Collections.unmodifiableList(hits);
    }

    /**
     * Tells whether the runner has a last-line case.
     *
     * @return whether a case with both pattern and template empty asks for the last-line message
     */
    public boolean hasLastLineCase() {
        return lastLineRule != null;
    }

    /**
     * Produces the last-line message at the end of a run.
     *
     * @param lastNonEmptyLine the last output line that was not empty after stripping, or {@code null}/empty when
     *                         there was none; it is stripped of Python whitespace here too
     * @return the hit (pattern {@value CaseMatched#ON_FINISH}, message the line or {@value #NO_OUTPUT_MESSAGE},
     *         state {@link CaseState#NONE}), or empty when the runner has no last-line case
     */
    public Optional<CaseHit> lastLineHit(String lastNonEmptyLine) {
        if (lastLineRule == null) {
            return Optional.empty();
        }
        String line = lastNonEmptyLine == null ? "" : MessageTemplate.pyStrip(lastNonEmptyLine);
        return Optional.of(new CaseHit(lastLineRule, CaseMatched.ON_FINISH, line.isEmpty() ? NO_OUTPUT_MESSAGE : line,
                CaseState.NONE, true));
    }

    /**
     * Strips text like Python's {@code str.strip()}: Python's whitespace, which differs from
     * {@link String#strip()} (Python counts U+00A0, U+0085 and U+001C..U+001F, Java does not). The original uses
     * it for the remembered last line and for case patterns and templates.
     *
     * @param text any text
     * @return the stripped text
     */
    public static String stripLikePython(String text) {
        return MessageTemplate.pyStrip(Objects.requireNonNull(text, "text"));
    }

    private static String describe(Duration d) {
        long millis = d.toMillis();
        return millis > 0 ? millis + " ms" : d.toNanos() / 1000 + " µs";
    }

    /**
     * The line as the regex engine sees it: every {@value #CHECK_INTERVAL} character reads it checks the
     * deadline and aborts the match by throwing. Backtracking reads characters, so a runaway match always
     * reaches a check.
     *
     * <p>The clock is read only at the checks: the first check of a line arms the deadline (budget from now),
     * the later ones compare against it. A match that reads fewer than {@value #CHECK_INTERVAL} characters,
     * which is nearly every match on an ordinary line, never reads the clock at all; a runaway match gets its
     * budget from the moment it has made {@value #CHECK_INTERVAL} reads, which is microseconds against a
     * budget of milliseconds.
     */
    private static final class DeadlineText implements CharSequence {
        private final LongSupplier nanoTime;
        private final long budgetNanos;
        private final TimedOut timedOut = new TimedOut();
        private String line = "";
        private boolean armed;
        private long deadline;
        private int countdown;

        DeadlineText(LongSupplier nanoTime, long budgetNanos) {
            this.nanoTime = nanoTime;
            this.budgetNanos = budgetNanos;
        }

        /** Starts a new budget for one case on {@code newLine}; the clock is read only when the first check is due. */
        void reset(String newLine) {
            line = newLine;
            armed = false;
            countdown = CHECK_INTERVAL;
        }

        @Override
        public int length() {
            return line.length();
        }

        @Override
        public char charAt(int index) {
            if (--countdown < 0) {
                check();
            }
            return line.charAt(index);
        }

        private void check() {
            countdown = CHECK_INTERVAL;
            long now = nanoTime.getAsLong();
            if (!armed) {
                armed = true;
                deadline = now + budgetNanos;
            } else if (now - deadline >= 0) {
                throw timedOut;
            }
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return line.substring(start, end);
        }

        @Override
        public String toString() {
            return line;
        }

        private static final class TimedOut extends RuntimeException {
            private static final long serialVersionUID = 1L;

            TimedOut() {
                super("regex time budget exhausted", null, false, false);
            }
        }
    }
}
