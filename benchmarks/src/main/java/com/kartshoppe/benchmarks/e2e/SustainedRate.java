package com.kartshoppe.benchmarks.e2e;

import java.time.Duration;
import java.util.Locale;

/**
 * A job's capacity on live traffic: the live input rate is stepped up geometrically, each step a
 * fresh live run, until a step does not hold; the answer is the highest rate that held for a full
 * measurement window. A step holds when the load generator produced at least {@value
 * #PRODUCED_SHARE} of the asked rate, every measured record got its output (where every one should:
 * a rate-limited product view asks for no recommendation), the run's own checks passed, and the p99
 * latency stayed within the target: a job whose consumer lag grew during the window would see its
 * latency grow past any target, so bounded latency also means bounded lag.
 *
 * <pre>{@code
 * SustainedRate.Result max = SustainedRate.searchIfAsked(settings.search(), true,
 *         (step, rate) -> latency(kafka, conf(step), rate), report);
 * }</pre>
 *
 * @see JobOptions the options {@code --search-from}, {@code --search-steps}, {@code
 *     --search-p99-ms}
 */
final class SustainedRate {

    /** Share of the asked rate the load generator must reach for a step to count. */
    static final double PRODUCED_SHARE = 0.95;

    /** Each step asks for this many times the rate of the step before. */
    static final double STEP = 1.5;

    /** The floor of "50% of the sustained maximum" for latency figures. */
    static final double MIN_LATENCY_RATE = 2_000;

    /** The verdict of a step that held. */
    static final String HELD = "held";

    /** One live run, the {@code step}-th of the search (each on fresh topics), at a rate. */
    @FunctionalInterface
    interface LiveRun {
        LiveLatency.Window at(int step, double rate) throws Exception;
    }

    /**
     * @param recordsPerSecond the highest rate that held; 0 if even the first step did not
     * @param firstFailed the rate of the first step that did not hold; 0 if every step held
     */
    record Result(double recordsPerSecond, double firstFailed) {

        /** The rate for latency figures: half the sustained maximum, never below 2,000/s. */
        double latencyRate() {
            return Math.max(MIN_LATENCY_RATE, recordsPerSecond / 2);
        }
    }

    private SustainedRate() {}

    /**
     * The search {@code options} ask for, its result also in {@code report}; null if they ask for
     * none ({@code --search-from 0}).
     *
     * @param everyInputAnswered whether each measured input must get an output
     */
    static Result searchIfAsked(
            JobOptions.Search options, boolean everyInputAnswered, LiveRun run, Report report)
            throws Exception {
        if (options.from() <= 0) {
            return null;
        }
        Result result =
                search(
                        options.from(),
                        options.steps(),
                        options.p99Target(),
                        everyInputAnswered,
                        run);
        report.sustainedMax(result.recordsPerSecond());
        return result;
    }

    /**
     * Steps from {@code from} for at most {@code steps} runs.
     *
     * @param everyInputAnswered whether each measured input must get an output
     */
    static Result search(
            double from, int steps, Duration p99Target, boolean everyInputAnswered, LiveRun run)
            throws Exception {
        double held = 0;
        double rate = from;
        for (int step = 1; step <= steps; step++) {
            String verdict;
            try {
                LiveLatency.Window window = run.at(step, rate);
                window.print(
                        String.format(
                                Locale.ROOT,
                                "sustained-rate search, step %d, %,.0f/s",
                                step,
                                rate));
                verdict = verdict(window, p99Target, everyInputAnswered);
            } catch (IllegalStateException e) {
                // The run's own checks failed: requests left unanswered after the drain.
                verdict = "not held: " + e.getMessage();
            }
            System.out.printf(Locale.ROOT, "  step %d: %s%n", step, verdict);
            if (!HELD.equals(verdict)) {
                System.out.printf(Locale.ROOT, "sustained maximum: %,.0f input records/s%n", held);
                return new Result(held, rate);
            }
            held = rate;
            rate *= STEP;
        }
        System.out.printf(
                Locale.ROOT,
                "sustained maximum: at least %,.0f input records/s (every step held)%n",
                held);
        return new Result(held, 0);
    }

    /** {@value #HELD}, or why the step did not hold. */
    static String verdict(
            LiveLatency.Window window, Duration p99Target, boolean everyInputAnswered) {
        if (window.achievedRate() < PRODUCED_SHARE * window.targetRate()) {
            return String.format(
                    Locale.ROOT,
                    "not held: the load generator produced %,.0f/s of %,.0f/s",
                    window.achievedRate(),
                    window.targetRate());
        }
        int missing = window.measured() - window.outputs().size();
        if (everyInputAnswered && missing > 0) {
            return String.format(
                    Locale.ROOT,
                    "not held: %,d of %,d measured %s got no output",
                    missing,
                    window.measured(),
                    window.tracked().inputs());
        }
        double p99 = window.millis(99);
        if (p99 > p99Target.toMillis()) {
            return String.format(
                    Locale.ROOT, "not held: p99 %.1f ms > %d ms", p99, p99Target.toMillis());
        }
        return HELD;
    }
}
