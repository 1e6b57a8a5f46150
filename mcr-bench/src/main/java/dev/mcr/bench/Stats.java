package dev.mcr.bench;

import java.util.Arrays;
import java.util.Collection;

/** Small statistics over samples: median and nearest-rank percentiles. */
public final class Stats {

    private Stats() {
    }

    /**
     * Returns the median of some values.
     *
     * @param values the samples; at least one
     * @return the median (the mean of the two middle values for an even count)
     * @throws IllegalArgumentException when there are no values
     */
    public static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("A median needs at least one value.");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /**
     * Returns a nearest-rank percentile.
     *
     * @param values  the samples; at least one
     * @param percent 0 to 100
     * @return the smallest sample with at least {@code percent} % of the samples at or below it
     * @throws IllegalArgumentException when there are no values or the percent is out of range
     */
    public static long percentile(Collection<Long> values, double percent) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("A percentile needs at least one value.");
        }
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("A percentile is between 0 and 100, not " + percent + ".");
        }
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(percent / 100.0 * v.length);
        return v[Math.max(0, rank - 1)];
    }
}
