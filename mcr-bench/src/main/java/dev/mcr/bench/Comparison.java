package dev.mcr.bench;

import java.util.Objects;

/**
 * One figure of a benchmark: the same metric measured for a bare baseline and for mcr in the same run.
 *
 * @param metric   what was measured, for example {@code "lines/s"}
 * @param baseline the baseline's value
 * @param mcr      mcr's value
 */
public record Comparison(String metric, double baseline, double mcr) {

    /**
     * Validates the metric name.
     *
     * @param metric   what was measured
     * @param baseline the baseline's value
     * @param mcr      mcr's value
     */
    public Comparison {
        Objects.requireNonNull(metric, "metric");
    }

    /**
     * Returns mcr's value divided by the baseline's ({@code NaN} when the baseline is zero).
     *
     * @return the ratio mcr / baseline
     */
    public double ratio() {
        return baseline == 0 ? Double.NaN : mcr / baseline;
    }
}
