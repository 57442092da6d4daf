package org.jukibus.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds and their percentiles (nearest-rank). */
public final class Latencies {

    private long[] samples = new long[1024];
    private int count;

    public synchronized void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    public synchronized int count() {
        return count;
    }

    /** Nearest-rank percentile, in milliseconds; NaN when there are no samples. */
    public synchronized double percentileMillis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return percentile(sorted, p) / 1e6;
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or below it. */
    static long percentile(long[] sorted, double p) {
        if (p <= 0) {
            return sorted[0];
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
    }

    /** "p50 / p95 / p99" in ms. */
    public String summary() {
        return String.format("%.1f / %.1f / %.1f", percentileMillis(50), percentileMillis(95), percentileMillis(99));
    }
}
