package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.simulator.EventSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How long a running job takes to answer live input: the simulator produces to the job's input
 * topics at a capped rate, and the harness notes when each output arrives ({@link Output}: usually
 * a consumer reading the job's output topic from its start, {@link #topic}; or wherever else the
 * outputs end up, such as a store). An input record's latency is that time minus the moment the
 * record was handed to the producer (its Kafka timestamp), matched by the id of the output it
 * expects ({@link Tracked}). The first {@code warmUp} after the first output is not measured; the
 * tracked records sent in the next {@code measured} are.
 *
 * <pre>{@code
 * JobClient job = env.executeAsync("fraud job, at least once");
 * LiveLatency.Window window = LiveLatency.measure(kafka, conf,
 *         LiveLatency.topic(kafka.settings(), conf.get(Topics.FRAUD_DECISIONS), decoder),
 *         job, tracked, 500, Duration.ofSeconds(20), Duration.ofSeconds(60),
 *         LiveLatency.EVERY_MEASURED);
 * window.print("latency, scoring.batch-size 32");
 * }</pre>
 *
 * <p>Broker, producer, consumer and job share this JVM and its cores, like the playground.
 */
final class LiveLatency {

    /**
     * Input records per shopper and simulated hour at the simulator's defaults (measured: 11.0 in a
     * two-hour run of 5,000 shoppers); sizes the live population.
     */
    private static final double EVENTS_PER_SHOPPER_HOUR = 11;

    /** Simulated time runs at most this much faster than the wall clock in live traffic. */
    private static final double LIVE_SPEEDUP = 240;

    private static final Duration FIRST_OUTPUT_TIMEOUT = Duration.ofMinutes(3);

    /**
     * The live load generator's producer {@code linger.ms}: a shop producing for low latency sends
     * at once (1 ms lets records of the same moment share a request).
     */
    static final Duration PRODUCER_LINGER = Duration.ofMillis(1);

    /** Longest wait for the outputs of the measured records once the traffic stopped. */
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

    /**
     * Which input records expect an output, and how to read an output.
     *
     * @param inputs what the tracked inputs are, in the report: "orders"
     * @param outputs what the outputs are, in the report: "decisions"
     * @param stamp the name of the job's wall-clock stamp on an output: "decidedAt"
     * @param expects the id of the output a produced record expects, or null if it is not tracked
     */
    record Tracked(
            String inputs,
            String outputs,
            String stamp,
            Function<SpecificRecordBase, String> expects) {}

    /** Where the harness sees the job's outputs arrive. */
    interface Output {
        /** Starts reporting each output that arrives to {@code arrivals}, until stopped. */
        Watch watch(Arrivals arrivals);
    }

    /** Receives the outputs' arrivals, from any thread. */
    interface Arrivals {
        /**
         * @param id the output's id
         * @param nanos when it arrived ({@link System#nanoTime})
         * @param stampMillis the wall-clock time (epoch milliseconds) the job stamped on it
         */
        void arrived(String id, long nanos, long stampMillis);
    }

    /** Stops an {@link Output} reporting, and waits until it has. */
    interface Watch {
        void stop() throws InterruptedException;
    }

    /** Decodes an output record's id and stamp. */
    interface OutputDecoder {
        Arrival decode(byte[] value) throws DecodeException;
    }

    /** An output's id, and the wall-clock time (epoch milliseconds) the job stamped on it. */
    record Arrival(String id, long stampMillis) {}

    /** When a run has all the outputs it waits for. */
    interface Drained {
        /**
         * @param arrived ids of the outputs that arrived so far
         * @param measured ids the measured input records expect
         */
        boolean test(Set<String> arrived, List<String> measured);
    }

    /** Waits for an output for every measured record. */
    static final Drained EVERY_MEASURED = (arrived, measured) -> arrived.containsAll(measured);

    private LiveLatency() {}

    /**
     * The records of {@code topic}, read from its start by a consumer of its own: each arrives when
     * a poll returns it; {@code decoder} gives its id and the job's stamp.
     */
    static Output topic(KafkaSettings kafka, String topic, OutputDecoder decoder) {
        return arrivals -> {
            OutputReader reader = new OutputReader(kafka, topic, decoder, arrivals);
            Thread thread = new Thread(reader, "output-reader");
            thread.start();
            return () -> {
                reader.stop();
                thread.join();
            };
        };
    }

    /**
     * Feeds {@code job}'s input topics (names from {@code topics}) live at {@code rate} input
     * records per second, watches {@code output}, and measures the latency of the tracked records
     * sent in the window; then stops the traffic, waits up to {@link #DRAIN_TIMEOUT} until {@code
     * drained}, and cancels the job.
     *
     * @throws IllegalStateException if the job ends, or no output arrives within three minutes
     */
    static Window measure(
            EmbeddedKafka kafka,
            Configuration topics,
            Output output,
            JobClient job,
            Tracked tracked,
            double rate,
            Duration warmUp,
            Duration measured,
            Drained drained)
            throws Exception {
        Timings timings = new Timings(tracked);
        job.getJobExecutionResult().whenComplete((r, e) -> timings.jobEnded(e));
        Watch watch =
                output.watch((id, nanos, stamp) -> timings.arrived(id, new Arrived(nanos, stamp)));
        Duration planned = FIRST_OUTPUT_TIMEOUT.plus(warmUp).plus(measured);
        LiveTraffic traffic = new LiveTraffic(kafka, topics, rate, planned, timings);
        Thread producer = new Thread(traffic, "live-traffic");
        producer.start();
        try {
            long first = timings.awaitFirstOutput(FIRST_OUTPUT_TIMEOUT);
            long cutoff = first + warmUp.toNanos();
            long end = cutoff + measured.toNanos();
            // Pacing by the clock: the measured window is a span of wall time.
            TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
            traffic.stop();
            producer.join();
            traffic.throwIfFailed();
            List<String> window =
                    timings.sent.entrySet().stream()
                            .filter(e -> e.getValue().nanos() >= cutoff)
                            .map(Map.Entry::getKey)
                            .toList();
            timings.awaitDrained(drained, window, DRAIN_TIMEOUT);
            return timings.window(rate, traffic.achievedRate(), window, cutoff);
        } finally {
            traffic.stop();
            producer.join();
            watch.stop();
            if (!job.getJobExecutionResult().isDone()) {
                job.cancel().get();
            }
        }
    }

    /** When a tracked record was handed to the producer: {@link System#nanoTime} and wall clock. */
    private record Sent(long nanos, long millis) {}

    /** When an output reached the consumer ({@link System#nanoTime}), and the job's stamp. */
    private record Arrived(long nanos, long stampMillis) {}

    /** Send times of the tracked records, and when their outputs arrived. */
    private static final class Timings {
        final Tracked tracked;
        final Map<String, Sent> sent = new ConcurrentHashMap<>();
        private final Map<String, Arrived> arrived = new HashMap<>();
        private long duplicates;
        private long firstOutput = -1;
        private boolean jobEnded;
        private Throwable jobFailure;

        Timings(Tracked tracked) {
            this.tracked = tracked;
        }

        synchronized void arrived(String id, Arrived at) {
            if (arrived.putIfAbsent(id, at) != null) {
                duplicates++;
            }
            if (firstOutput < 0) {
                firstOutput = at.nanos();
            }
            notifyAll();
        }

        synchronized void jobEnded(Throwable failure) {
            jobEnded = true;
            jobFailure = failure;
            notifyAll();
        }

        /** Waits for the first output and returns when it arrived ({@link System#nanoTime}). */
        synchronized long awaitFirstOutput(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (firstOutput < 0) {
                checkRunning();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "No " + tracked.outputs() + " within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return firstOutput;
        }

        /**
         * Waits until {@code drained} holds, or the timeout passes. Checks at least every 200 ms,
         * as a condition may also depend on the job's metrics.
         */
        synchronized void awaitDrained(Drained drained, List<String> measured, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!drained.test(arrived.keySet(), measured)) {
                checkRunning();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(
                        this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }

        private void checkRunning() {
            if (jobEnded) {
                throw new IllegalStateException("The job ended", jobFailure);
            }
        }

        synchronized Window window(
                double rate, double achieved, List<String> measured, long cutoff) {
            List<Measured> outputs = new ArrayList<>();
            for (String id : measured) {
                Arrived at = arrived.get(id);
                if (at != null) {
                    Sent s = sent.get(id);
                    outputs.add(
                            new Measured(
                                    s.nanos() - cutoff,
                                    at.nanos() - s.nanos(),
                                    at.stampMillis() - s.millis()));
                }
            }
            return new Window(
                    tracked, rate, achieved, measured.size(), outputs, arrived.size(), duplicates);
        }
    }

    /**
     * One measured record with an output: when it was sent after the warm-up, its latency, and the
     * part of it until the job stamped the output (millisecond wall clock).
     */
    record Measured(long sentNanos, long latencyNanos, long untilStampMillis) {}

    /**
     * Latency figures of one live run.
     *
     * @param measured tracked records sent in the window
     * @param outputs those of them whose output arrived
     * @param arrived distinct outputs that arrived in the whole run, warm-up included
     * @param duplicates outputs that arrived again
     */
    record Window(
            Tracked tracked,
            double targetRate,
            double achievedRate,
            int measured,
            List<Measured> outputs,
            int arrived,
            long duplicates) {

        /** The latencies of the records with an output, in an HdrHistogram (microseconds). */
        Histogram histogram() {
            return Latencies.ofNanos(outputs.stream().mapToLong(Measured::latencyNanos));
        }

        /** The latency at percentile {@code p} (0 to 100), in milliseconds. */
        double millis(double p) {
            return Latencies.millis(histogram(), p);
        }

        /** The part of the latency until the job's stamp, at percentile {@code p}, in ms. */
        double untilStampMillis(double p) {
            return Latencies.millis(
                    Latencies.ofNanos(
                            outputs.stream().mapToLong(o -> o.untilStampMillis() * 1_000_000)),
                    p);
        }

        void print(String label) {
            Histogram total = histogram();
            Histogram stamped =
                    Latencies.ofNanos(
                            outputs.stream().mapToLong(o -> o.untilStampMillis() * 1_000_000));
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,.0f input records/s asked, %,.0f produced; %,d %s measured, %,d with"
                            + " %s, %,d duplicate %s; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                            + " p99.9 %.1f ms, max %.1f ms; until %s p50 %.0f ms, p99 %.0f ms%n",
                    label,
                    targetRate,
                    achievedRate,
                    measured,
                    tracked.inputs(),
                    total.getTotalCount(),
                    tracked.outputs(),
                    duplicates,
                    tracked.outputs(),
                    Latencies.millis(total, 50),
                    Latencies.millis(total, 90),
                    Latencies.millis(total, 99),
                    Latencies.millis(total, 99.9),
                    Latencies.millis(total, 100),
                    tracked.stamp(),
                    Latencies.millis(stamped, 50),
                    Latencies.millis(stamped, 99));
            // Stability over the window: p50 and p99 per 10 s of send time.
            StringBuilder line = new StringBuilder("  p50/p99 per 10 s of the window (ms):");
            outputs.stream()
                    .collect(
                            Collectors.groupingBy(
                                    o -> o.sentNanos() / 10_000_000_000L,
                                    TreeMap::new,
                                    Collectors.toList()))
                    .values()
                    .forEach(
                            slice -> {
                                Histogram h =
                                        Latencies.ofNanos(
                                                slice.stream().mapToLong(Measured::latencyNanos));
                                line.append(
                                        String.format(
                                                Locale.ROOT,
                                                " %.0f/%.0f",
                                                Latencies.millis(h, 50),
                                                Latencies.millis(h, 99)));
                            });
            System.out.println(line);
        }

        /**
         * @throws IllegalStateException unless every measured record got its output
         */
        void requireEveryOutput() {
            if (outputs.size() < measured) {
                throw new IllegalStateException(
                        (measured - outputs.size())
                                + " measured "
                                + tracked.inputs()
                                + " got no output within "
                                + DRAIN_TIMEOUT);
            }
        }
    }

    /** Consumes an output topic from its start and reports each output's arrival. */
    private static final class OutputReader implements Runnable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final OutputDecoder decoder;
        private final Arrivals arrivals;

        OutputReader(KafkaSettings kafka, String topic, OutputDecoder decoder, Arrivals arrivals) {
            // What a consumer of the job sees: an exactly-once job's outputs once committed, an
            // at-least-once job's (no transactions) as soon as they are written.
            Properties props = kafka.clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            this.consumer =
                    new KafkaConsumer<>(
                            props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.topic = topic;
            this.decoder = decoder;
            this.arrivals = arrivals;
        }

        @Override
        public void run() {
            try (consumer) {
                OutputTopics.assignFromStart(consumer, topic);
                while (true) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        Arrival a = decoder.decode(r.value());
                        arrivals.arrived(a.id(), now, a.stampMillis());
                    }
                }
            } catch (WakeupException stopped) {
                // stop() was called
            } catch (DecodeException e) {
                throw new IllegalStateException("Undecodable output on " + topic, e);
            }
        }

        void stop() {
            consumer.wakeup();
        }
    }

    /**
     * Simulated traffic produced live, capped at a rate: a population sized so that, with simulated
     * time at most {@value #LIVE_SPEEDUP} times faster than the wall clock, it would produce twice
     * the rate. Event times start far enough back that they never pass the wall clock within {@code
     * planned}. Notes the send time of every tracked record.
     */
    private static final class LiveTraffic implements Runnable, EventSink {
        private final Simulation simulation;
        private final EventSink kafka;
        private final Timings timings;
        private final AtomicLong inputs = new AtomicLong();
        private volatile long firstNanos = -1;
        private volatile long lastNanos;
        private volatile RuntimeException failure;

        LiveTraffic(
                EmbeddedKafka broker,
                Configuration topics,
                double rate,
                Duration planned,
                Timings timings) {
            int users =
                    (int)
                            Math.max(
                                    1_000,
                                    Math.ceil(
                                            2
                                                    * rate
                                                    * 3600
                                                    / (EVENTS_PER_SHOPPER_HOUR * LIVE_SPEEDUP)));
            Instant start =
                    Instant.now()
                            .minusMillis((long) (planned.toMillis() * LIVE_SPEEDUP))
                            .minus(Duration.ofHours(1));
            this.simulation =
                    new Simulation(
                            SimulatorConfig.builder()
                                    .seed(2)
                                    .users(users)
                                    .duration(null)
                                    .start(start)
                                    .speedup(LIVE_SPEEDUP)
                                    .rate(rate)
                                    .build());
            this.kafka = new KafkaEventSink(broker.settings(), topics, PRODUCER_LINGER);
            this.timings = timings;
        }

        @Override
        public void run() {
            try {
                try {
                    simulation.run(this);
                } finally {
                    close();
                }
            } catch (IOException e) {
                failure = new UncheckedIOException(e);
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        void stop() {
            simulation.stop();
        }

        void throwIfFailed() {
            if (failure != null) {
                throw new IllegalStateException("Live traffic failed", failure);
            }
        }

        /** Input records per second from the first one written to the last. */
        double achievedRate() {
            return inputs.get() * 1e9 / Math.max(1, lastNanos - firstNanos);
        }

        @Override
        public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
                throws IOException {
            long now = System.nanoTime();
            String id = timings.tracked.expects().apply(record);
            if (id != null) {
                timings.sent.putIfAbsent(id, new Sent(now, System.currentTimeMillis()));
            }
            kafka.write(type, record);
            counted(type, now);
        }

        @Override
        public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
                throws IOException {
            long now = System.nanoTime();
            kafka.writeGarbage(type, key, payload, time);
            counted(type, now);
        }

        private void counted(EventType<?> type, long now) {
            if (EventType.SHOP_INPUTS.contains(type)) {
                if (firstNanos < 0) {
                    firstNanos = now;
                }
                lastNanos = now;
                inputs.incrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            kafka.close();
        }
    }
}
