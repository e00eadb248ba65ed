package com.kartshoppe.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Sends lookups open loop at a fixed rate: lookup i is due {@code i / rate} seconds after the start
 * and sent then, whether or not earlier ones were answered, and its latency runs from that due time
 * to its answer, so a stall counts against every lookup due during it (no coordinated omission).
 * Lookups due in the warm-up are sent the same way but not measured; the schedule runs on from the
 * warm-up into the measured window without a gap.
 *
 * <pre>{@code
 * OpenLoop.Result r = OpenLoop.run(random -> store.lookup(random), 1_000,
 *         Duration.ofSeconds(3), Duration.ofSeconds(10), 1);
 * double p99 = r.millis(99);
 * }</pre>
 */
final class OpenLoop {

    /** The answer time {@code within_1s} counts against. */
    static final Duration ONE_SECOND = Duration.ofSeconds(1);

    /** Longest wait, after the last send, for the answers still outstanding. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private static final long UNANSWERED = -1;

    private OpenLoop() {}

    /** One lookup: completes with whether it got the right answer (all ids asked, with values). */
    interface Lookup {
        CompletableFuture<Boolean> send(Random random);
    }

    /**
     * Runs the schedule and waits for every answer, at most {@link #DRAIN_TIMEOUT} after the last
     * send; lookups still unanswered then count as timeouts.
     *
     * @param seed seeds the {@link Random} every lookup draws its ids from, so runs with the same
     *     seed, rate and duration ask for the same ids in the same order
     */
    static Result run(Lookup lookup, int rate, Duration warmUp, Duration measured, long seed)
            throws InterruptedException {
        int warm = (int) (rate * warmUp.toNanos() / 1_000_000_000L);
        int n = warm + (int) (rate * measured.toNanos() / 1_000_000_000L);
        double interval = 1e9 / rate;
        Random random = new Random(seed);
        AtomicLongArray latencies = new AtomicLongArray(n - warm);
        for (int i = 0; i < latencies.length(); i++) {
            latencies.set(i, UNANSWERED);
        }
        LongAdder answered = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder timeouts = new LongAdder();
        LongAdder withinOneSecond = new LongAdder();
        AtomicLong lastAnswer = new AtomicLong(Long.MIN_VALUE);
        CountDownLatch done = new CountDownLatch(n);
        Histogram sendLag = new Histogram(3);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * interval);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int slot = i - warm;
            if (slot >= 0) {
                sendLag.recordValue(Math.max(0, System.nanoTime() - due) / 1_000);
            }
            CompletableFuture<Boolean> answer;
            try {
                answer = lookup.send(random);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete(
                    (right, error) -> {
                        long now = System.nanoTime();
                        if (slot >= 0 && latencies.compareAndSet(slot, UNANSWERED, now - due)) {
                            if (error == null && right) {
                                answered.increment();
                                if (now - due <= ONE_SECOND.toNanos()) {
                                    withinOneSecond.increment();
                                }
                            } else if (timedOut(error)) {
                                timeouts.increment();
                            } else {
                                errors.increment();
                            }
                            lastAnswer.accumulateAndGet(now, Math::max);
                        }
                        done.countDown();
                    });
        }
        done.await(DRAIN_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        long deadline = System.nanoTime();
        for (int slot = 0; slot < latencies.length(); slot++) {
            long due = start + (long) ((slot + warm) * interval);
            if (latencies.compareAndSet(slot, UNANSWERED, deadline - due)) {
                timeouts.increment();
                lastAnswer.accumulateAndGet(deadline, Math::max);
            }
        }
        Histogram h = new Histogram(3);
        for (int slot = 0; slot < latencies.length(); slot++) {
            h.recordValue(Math.max(0, latencies.get(slot)) / 1_000);
        }
        long measuredStart = start + (long) (warm * interval);
        long span = lastAnswer.get() - measuredStart;
        return new Result(
                latencies.length(),
                answered.sum(),
                errors.sum(),
                timeouts.sum(),
                withinOneSecond.sum(),
                span > 0 ? latencies.length() * 1e9 / span : 0,
                Latencies.millis(sendLag, 99),
                Latencies.millis(sendLag, 100),
                h);
    }

    /**
     * Sends {@code count} lookups closed loop, at most {@code concurrency} outstanding, unmeasured:
     * a new JVM's first thousand requests run interpreted, and sent open loop they fell seconds
     * behind the schedule before the compiler caught up. Ids come from their own {@link Random}, so
     * the schedule's are unchanged.
     */
    static void prime(Lookup lookup, int count, int concurrency) throws InterruptedException {
        Semaphore outstanding = new Semaphore(concurrency);
        Random random = new Random(-1);
        for (int i = 0; i < count; i++) {
            outstanding.acquire();
            CompletableFuture<Boolean> answer;
            try {
                answer = lookup.send(random);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((right, error) -> outstanding.release());
        }
        outstanding.acquire(concurrency);
        outstanding.release(concurrency);
    }

    private static boolean timedOut(Throwable error) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        return cause instanceof TimeoutException;
    }

    /**
     * What one schedule measured, over the lookups due in its measured window.
     *
     * @param sent lookups sent
     * @param answered those answered right (status 200, every id with values)
     * @param errors those answered wrong or failed
     * @param timeouts those that timed out or were still unanswered {@link #DRAIN_TIMEOUT} after
     *     the last send
     * @param withinOneSecond those answered right within {@link #ONE_SECOND} of their due time
     * @param achievedRate completed lookups per second, from the first due time to the last answer
     * @param sendLagP99Ms how late the sender was at the 99th percentile: above a few milliseconds,
     *     the load generator itself fell behind the schedule
     * @param latencies microseconds from due time to completion (answered, failed or timed out)
     */
    record Result(
            long sent,
            long answered,
            long errors,
            long timeouts,
            long withinOneSecond,
            double achievedRate,
            double sendLagP99Ms,
            double sendLagMaxMs,
            Histogram latencies) {

        /** Lookups not answered right: errors and timeouts. */
        long missing() {
            return sent - answered;
        }

        double withinOneSecondShare() {
            return sent == 0 ? 0 : (double) withinOneSecond / sent;
        }

        /** The latency at {@code percentile} (100 is the maximum), in milliseconds. */
        double millis(double percentile) {
            return Latencies.millis(latencies, percentile);
        }

        /** The report keys of this result, percentiles in milliseconds. */
        void putFigures(ObjectNode json) {
            json.put("achieved_rate", achievedRate);
            json.put("requests", sent);
            json.put("answered", answered);
            json.put("missing", missing());
            json.put("errors", errors);
            json.put("timeouts", timeouts);
            json.put("within_1s", withinOneSecond);
            json.put("within_1s_share", withinOneSecondShare());
            json.put("p50_ms", millis(50));
            json.put("p90_ms", millis(90));
            json.put("p99_ms", millis(99));
            json.put("p999_ms", millis(99.9));
            json.put("max_ms", millis(100));
            json.put("send_lag_p99_ms", sendLagP99Ms);
            json.put("send_lag_max_ms", sendLagMaxMs);
        }

        /** The figures and the histogram itself (compressed, Base64), to be read by {@link #of}. */
        void put(ObjectNode json) {
            putFigures(json);
            ByteBuffer buffer = ByteBuffer.allocate(latencies.getNeededByteBufferCapacity());
            int length = latencies.encodeIntoCompressedByteBuffer(buffer);
            json.put(
                    "histogram",
                    Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length)));
        }

        /** The result {@link #put} wrote. */
        static Result of(JsonNode json) throws DataFormatException {
            Histogram h =
                    Histogram.decodeFromCompressedByteBuffer(
                            ByteBuffer.wrap(
                                    Base64.getDecoder().decode(json.get("histogram").asText())),
                            0);
            return new Result(
                    json.get("requests").asLong(),
                    json.get("answered").asLong(),
                    json.get("errors").asLong(),
                    json.get("timeouts").asLong(),
                    json.get("within_1s").asLong(),
                    json.get("achieved_rate").asDouble(),
                    json.get("send_lag_p99_ms").asDouble(),
                    json.get("send_lag_max_ms").asDouble(),
                    h);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%,d requests, %d missing (%d errors, %d timeouts), %,.0f/s achieved,"
                            + " %.2f%% within 1 s; p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms,"
                            + " max %.3f ms; send lag p99 %.3f ms",
                    sent,
                    missing(),
                    errors,
                    timeouts,
                    achievedRate,
                    100 * withinOneSecondShare(),
                    millis(50),
                    millis(99),
                    millis(99.9),
                    millis(100),
                    sendLagP99Ms);
        }
    }
}
