package dev.mcr.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When a runner runs again after a run: the {@code schedule} of a runner.
 *
 * <p>Like db-scheduler's {@code Schedule}, a schedule answers one question, {@link #nextRun(Instant)}: given the
 * end of a run, when is the next one due? Today there is one kind, {@link FixedDelay} (the original tool's
 * {@code {hours, minutes, seconds}} after each run); the interface is sealed so that a later kind (a cron schedule)
 * is added here and every {@code instanceof} over the kinds is found by the compiler.
 *
 * <pre>{@code
 * Schedule every5min = Schedule.every(Duration.ofMinutes(5));
 * Optional<Instant> next = every5min.nextRun(finishedAt);   // finishedAt + 5 min
 * Schedule.NONE.nextRun(finishedAt);                        // empty: runs once per start
 * }</pre>
 */
public sealed interface Schedule permits Schedule.FixedDelay {

    /** No repetition: the runner runs once per start (all parts 0). */
    Schedule NONE = new FixedDelay(0, 0, 0);

    /**
     * Returns when the next run is due after a run that ended at {@code finishedAt}.
     *
     * @param finishedAt the end of the run
     * @return the due time, or empty when the schedule does not repeat
     */
    Optional<Instant> nextRun(Instant finishedAt);

    /** Returns whether the runner runs again after a run. */
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
