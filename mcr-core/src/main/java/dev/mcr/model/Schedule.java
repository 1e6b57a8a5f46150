package dev.mcr.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When a runner runs again after a run: the {@code schedule} of a runner.
 *
 * <p>Like db-scheduler's {@code Schedule}, a schedule answers one question, {@link #nextRun(Instant)}: given the
 * end of a run, when is the next one due? There are two kinds: {@link FixedDelay} (the original tool's
 * {@code {hours, minutes, seconds}} after each run) and {@link Cron} (due times from a cron expression in a time
 * zone, armed without a start request). The interface is sealed, so every {@code instanceof} over the kinds is found
 * by the compiler when a kind is added.
 *
 * <pre>{@code
 * Schedule every5min = Schedule.every(Duration.ofMinutes(5));
 * Optional<Instant> next = every5min.nextRun(finishedAt);   // finishedAt + 5 min
 * Schedule.NONE.nextRun(finishedAt);                        // empty: runs once per start
 * Schedule nightly = Schedule.cron("0 3 * * *", ZoneId.of("Europe/Berlin"));
 * nightly.nextRun(now, serverZone);                         // the next 03:00 in Berlin
 * }</pre>
 */
public sealed interface Schedule permits Schedule.FixedDelay, Schedule.Cron {

    /** No repetition: the runner runs once per start (all parts 0). */
    Schedule NONE = new FixedDelay(0, 0, 0);

    /**
     * Returns when the next run is due after a run that ended at {@code finishedAt}.
     *
     * @param finishedAt the end of the run
     * @return the due time, or empty when the schedule does not repeat
     */
    Optional<Instant> nextRun(Instant finishedAt);

    /**
     * Returns when the next run is due after {@code after}, for a schedule whose time zone may be the server's.
     *
     * @param after      the end of the run (or the moment the schedule is armed)
     * @param serverZone the zone that stands for "the server's zone"
     * @return the due time, or empty when the schedule does not repeat
     */
    default Optional<Instant> nextRun(Instant after, ZoneId serverZone) {
        return nextRun(after);
    }

    /** Returns whether the runner runs again a while after a run ends (a cron schedule is armed instead). */
    boolean repeats();

    /**
     * Returns the unknown JSON keys of the {@code schedule} object, kept so that keys a newer client wrote (for
     * example those of a later kind of schedule) survive a save of a client that does not know them.
     *
     * @return plain Java values by key, unmodifiable
     */
    Map<String, Object> extra();

    /**
     * Returns a fixed delay of this duration after each run.
     *
     * @param interval the pause after each run; whole seconds count, {@link Duration#ZERO} means no repetition
     * @return the schedule, split into hours, minutes and seconds
     * @throws IllegalArgumentException when the interval is negative or longer than {@link Integer#MAX_VALUE} hours
     */
    static FixedDelay every(Duration interval) {
        return FixedDelay.of(interval);
    }

    /**
     * Returns a cron schedule with the defaults: enabled, one catch-up run after a downtime ({@link Misfire#RUN_ONCE}),
     * a due time skipped while the previous run still runs ({@link Overlap#SKIP}).
     *
     * @param expression 5 fields ({@code minute hour day-of-month month day-of-week}), 6 with seconds first, or one of
     *                   {@code @hourly @daily @weekly @monthly @yearly}
     * @param zone       the time zone of the expression, {@code null} for the server's zone
     * @return the schedule
     * @throws IllegalArgumentException when the expression is not valid, with a sentence that says why
     */
    static Cron cron(String expression, ZoneId zone) {
        CronRule.parse(expression);
        return new Cron(expression, zone == null ? "" : zone.getId(), true, Misfire.RUN_ONCE, Overlap.SKIP,
                FixedDelay.ZERO, Map.of());
    }

    /** What a cron schedule does with due times that passed while mcr was not running ({@code schedule.misfire}). */
    enum Misfire {
        /** One catch-up run at start-up for any number of missed due times ({@code run_once}, the default). */
        RUN_ONCE,
        /** Missed due times are dropped; the next run is at the next due time ({@code skip}). */
        SKIP;

        /** Returns the JSON word: {@code run_once} or {@code skip}. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Reads the JSON word.
         *
         * @param word {@code run_once} or {@code skip} (trimmed, any case)
         * @return the value, or empty for anything else
         */
        public static Optional<Misfire> parse(String word) {
            return Schedule.parseWord(values(), word);
        }
    }

    /** What a cron schedule does with a due time while the previous run still runs ({@code schedule.overlap}). */
    enum Overlap {
        /** The due time is skipped and announced by a {@code schedule_skipped} event ({@code skip}, the default). */
        SKIP,
        /** The run starts as soon as the previous one ends; at most one run waits ({@code queue}). */
        QUEUE;

        /** Returns the JSON word: {@code skip} or {@code queue}. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Reads the JSON word.
         *
         * @param word {@code skip} or {@code queue} (trimmed, any case)
         * @return the value, or empty for anything else
         */
        public static Optional<Overlap> parse(String word) {
            return Schedule.parseWord(values(), word);
        }
    }

    /** The constant whose lower-case name is the word (trimmed, any case). */
    private static <E extends Enum<E>> Optional<E> parseWord(E[] values, String word) {
        String w = word == null ? "" : word.strip();
        for (E e : values) {
            if (e.name().equalsIgnoreCase(w)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Due times from a cron expression in a time zone. Unlike a {@link FixedDelay}, a cron schedule is armed without
     * a start request while it is {@code enabled}, its due times do not depend on when a run ended, and every run of
     * it is a session of its own runs (the runner's {@code max_runs} does not limit it).
     *
     * <p>Daylight-saving changes follow the wall clock: a due time that does not exist that day (in the hour the clock
     * skips) runs once at the first instant after the gap; a due time that exists twice (in the hour the clock
     * repeats) runs once, at its first occurrence.
     *
     * @param expression the cron expression as entered (validated when saved: {@link #check(String, String)})
     * @param timeZone   an IANA zone name, {@code ""} for the server's zone (validated when saved)
     * @param enabled    whether it is armed; {@code false} keeps the expression but nothing fires
     * @param misfire    what happens with due times missed while mcr was not running
     * @param overlap    what happens with a due time while the previous run still runs
     * @param interval   the {@code hours, minutes, seconds} of the same {@code schedule} object, kept for clients that
     *                   only know the interval and for when the expression is cleared; unused while the cron is set
     * @param extra      unknown JSON keys of the {@code schedule} object (plain Java values)
     */
    record Cron(String expression, String timeZone, boolean enabled, Misfire misfire, Overlap overlap,
                FixedDelay interval, Map<String, Object> extra) implements Schedule {

        /** Validates that nothing is {@code null} and that the expression is not blank; copies the extra keys. */
        public Cron {
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(timeZone, "timeZone");
            Objects.requireNonNull(misfire, "misfire");
            Objects.requireNonNull(overlap, "overlap");
            Objects.requireNonNull(interval, "interval");
            if (expression.isBlank()) {
                throw new IllegalArgumentException("A cron schedule needs an expression; use a FixedDelay for none.");
            }
            extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        /**
         * Checks an expression and a time zone as a save does.
         *
         * @param expression the cron expression
         * @param timeZone   an IANA zone name, or {@code ""} for the server's zone
         * @throws IllegalArgumentException with a sentence that says what is wrong
         */
        public static void check(String expression, String timeZone) {
            CronRule.parse(expression);
            zoneOf(timeZone, ZoneId.of("UTC"));
        }

        /**
         * Returns the zone the expression is read in.
         *
         * @param serverZone the server's zone, used when {@link #timeZone()} is empty
         * @return the zone
         * @throws IllegalArgumentException when the zone name is unknown
         */
        public ZoneId zone(ZoneId serverZone) {
            return zoneOf(timeZone, serverZone);
        }

        private static ZoneId zoneOf(String name, ZoneId serverZone) {
            if (name.isBlank()) {
                return serverZone;
            }
            try {
                return ZoneId.of(name.strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + name + "' is not a known time zone; use an IANA name such as "
                        + "Europe/Berlin, or leave it empty for the server's zone.");
            }
        }

        /**
         * Returns false: a cron schedule does not repeat a run after it ends, it is armed at its due times while it is
         * {@link #enabled()}.
         */
        @Override
        public boolean repeats() {
            return false;
        }

        /** Returns the next due time in UTC, the zone of an empty {@link #timeZone()}. */
        @Override
        public Optional<Instant> nextRun(Instant after) {
            return nextRun(after, ZoneId.of("UTC"));
        }

        /**
         * Returns the first due time strictly after {@code after}; empty when the expression or the zone is not
         * valid (a stored schedule from before a check) or when it has no further due time.
         */
        @Override
        public Optional<Instant> nextRun(Instant after, ZoneId serverZone) {
            List<Instant> next = nextRuns(after, serverZone, 1);
            return next.isEmpty() ? Optional.empty() : Optional.of(next.get(0));
        }

        /**
         * Returns the next due times strictly after {@code after}, in order (for previews).
         *
         * @param after      the moment to count from
         * @param serverZone the server's zone, used when {@link #timeZone()} is empty
         * @param count      how many, at most
         * @return at most {@code count} instants; empty when the expression or the zone is not valid
         */
        public List<Instant> nextRuns(Instant after, ZoneId serverZone, int count) {
            CronRule rule;
            ZoneId zone;
            try {
                rule = CronRule.parse(expression);
                zone = zone(serverZone);
            } catch (IllegalArgumentException e) {
                return List.of();
            }
            List<Instant> out = new ArrayList<>(Math.max(0, count));
            Instant from = after;
            for (int i = 0; i < count; i++) {
                Optional<Instant> next = rule.next(from, zone);
                if (next.isEmpty()) {
                    break;
                }
                out.add(next.get());
                from = next.get();
            }
            return out;
        }

        /**
         * Returns a copy that is switched on or off.
         *
         * @param on whether it is armed
         * @return the copy
         */
        public Cron withEnabled(boolean on) {
            return new Cron(expression, timeZone, on, misfire, overlap, interval, extra);
        }

        /**
         * Returns a copy with other settings for misfires and overlaps.
         *
         * @param newMisfire what happens with due times missed while mcr was not running
         * @param newOverlap what happens with a due time while the previous run still runs
         * @return the copy
         */
        public Cron with(Misfire newMisfire, Overlap newOverlap) {
            return new Cron(expression, timeZone, enabled, newMisfire, newOverlap, interval, extra);
        }
    }

    /**
     * The pause between the end of one run and the start of the next, as the original writes it: hours, minutes
     * and seconds, kept as given (90 minutes stay 90 minutes, so a client's document is written back as it was
     * sent).
     *
     * @param hours   hours, not negative
     * @param minutes minutes, not negative
     * @param seconds seconds, not negative
     * @param extra   unknown JSON keys of the {@code schedule} object (plain Java values)
     */
    record FixedDelay(int hours, int minutes, int seconds, Map<String, Object> extra) implements Schedule {

        /** No pause, no repetition. */
        public static final FixedDelay ZERO = new FixedDelay(0, 0, 0);

        /** Validates that no part is negative; copies the extra keys. */
        public FixedDelay {
            if (hours < 0 || minutes < 0 || seconds < 0) {
                throw new IllegalArgumentException("Schedule parts must not be negative; use 0 for no repetition.");
            }
            extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        /**
         * A fixed delay without unknown keys.
         *
         * @param hours   hours, not negative
         * @param minutes minutes, not negative
         * @param seconds seconds, not negative
         */
        public FixedDelay(int hours, int minutes, int seconds) {
            this(hours, minutes, seconds, Map.of());
        }

        /**
         * Splits a duration into hours, minutes and seconds (a fraction of a second is dropped).
         *
         * @param interval a non-negative duration
         * @return the schedule
         * @throws IllegalArgumentException when the interval is negative or longer than {@link Integer#MAX_VALUE}
         *                                  hours
         */
        public static FixedDelay of(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("The interval must not be negative; use Duration.ZERO for no "
                        + "repetition.");
            }
            long s = interval.getSeconds();
            long h = s / 3600;
            if (h > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("The interval is too long; keep it below " + Integer.MAX_VALUE
                        + " hours.");
            }
            return new FixedDelay((int) h, (int) ((s % 3600) / 60), (int) (s % 60));
        }

        /** Returns the pause in seconds: hours·3600 + minutes·60 + seconds. */
        public long intervalSeconds() {
            return hours * 3600L + minutes * 60L + seconds;
        }

        /** Returns the pause as a duration. */
        public Duration interval() {
            return Duration.ofSeconds(intervalSeconds());
        }

        @Override
        public boolean repeats() {
            return intervalSeconds() > 0;
        }

        @Override
        public Optional<Instant> nextRun(Instant finishedAt) {
            return repeats() ? Optional.of(finishedAt.plusSeconds(intervalSeconds())) : Optional.empty();
        }

        /**
         * Returns a copy with other unknown keys.
         *
         * @param newExtra the keys
         * @return the copy
         */
        public FixedDelay withExtra(Map<String, Object> newExtra) {
            return new FixedDelay(hours, minutes, seconds, newExtra);
        }
    }
}
