package dev.mcr.model;

import java.time.Duration;

/**
 * The pause between the end of one run and the start of the next.
 *
 * @param hours   hours, not negative
 * @param minutes minutes, not negative
 * @param seconds seconds, not negative
 */
public record Schedule(int hours, int minutes, int seconds) {

    /** No repetition: the runner runs once per start. */
    public static final Schedule NONE = new Schedule(0, 0, 0);

    /** Validates that no part is negative. */
    public Schedule {
        if (hours < 0 || minutes < 0 || seconds < 0) {
            throw new IllegalArgumentException("Schedule parts must not be negative; use 0 for no repetition.");
        }
    }

    /** Returns the interval in seconds: hours·3600 + minutes·60 + seconds. */
    public long intervalSeconds() {
        return hours * 3600L + minutes * 60L + seconds;
    }

    /** Returns the interval as a duration. */
    public Duration interval() {
        return Duration.ofSeconds(intervalSeconds());
    }

    /** Returns whether the runner repeats after a run. */
    public boolean repeats() {
        return intervalSeconds() > 0;
    }

    /**
     * Splits a duration into hours, minutes and seconds (sub-second parts are dropped).
     *
     * @param interval a non-negative duration
     * @return the schedule
     */
    public static Schedule of(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("The interval must not be negative; use Duration.ZERO for no repetition.");
        }
        long s = interval.getSeconds();
        long h = s / 3600;
        if (h > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The interval is too long; keep it below " + Integer.MAX_VALUE + " hours.");
        }
        return new Schedule((int) h, (int) ((s % 3600) / 60), (int) (s % 60));
    }
}
