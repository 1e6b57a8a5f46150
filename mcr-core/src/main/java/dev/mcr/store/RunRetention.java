package dev.mcr.store;

import java.time.Duration;

/**
 * How much run history is kept.
 *
 * @param maxRunsPerRunner the newest this many records per runner are kept
 * @param maxAge           records of runs started longer ago are deleted
 * @param maxOutputBytes   the kept output of all runs together is at most this many bytes; the oldest goes first
 */
public record RunRetention(int maxRunsPerRunner, Duration maxAge, long maxOutputBytes) {

    /** The defaults: 1000 runs per runner, 90 days, 1 GiB of output. */
    public static final RunRetention DEFAULTS = new RunRetention(1000, Duration.ofDays(90), 1L << 30);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a bound is not positive
     */
    public RunRetention {
        if (maxRunsPerRunner < 1 || maxAge == null || maxAge.isNegative() || maxAge.isZero() || maxOutputBytes < 0) {
            throw new IllegalArgumentException("Run history needs at least 1 run per runner, a positive age and a "
                    + "non-negative output size.");
        }
    }
}
