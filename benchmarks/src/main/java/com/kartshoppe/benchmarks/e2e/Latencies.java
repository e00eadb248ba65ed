package com.kartshoppe.benchmarks.e2e;

import java.util.stream.LongStream;
import org.HdrHistogram.Histogram;

/**
 * Latency samples as an HdrHistogram: recorded in microseconds with three significant digits (an
 * error below 0.1%), read back in milliseconds.
 *
 * <pre>{@code
 * Histogram h = Latencies.ofNanos(latencies);
 * double p99 = Latencies.millis(h, 99);
 * }</pre>
 */
final class Latencies {

    private Latencies() {}

    /** A histogram of {@code nanos}, each at least 0. */
    static Histogram ofNanos(LongStream nanos) {
        Histogram h = new Histogram(3);
        nanos.forEach(n -> h.recordValue(Math.max(0, n) / 1_000));
        return h;
    }

    /**
     * The value at {@code percentile} (0 to 100; 100 is the maximum) in milliseconds, 0 if empty.
     */
    static double millis(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) {
            return 0;
        }
        long micros = percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
        return micros / 1_000.0;
    }
}
