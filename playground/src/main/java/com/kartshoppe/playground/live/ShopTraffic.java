package com.kartshoppe.playground.live;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.simulator.EventSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.RecommendationFeed;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulationStats;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live simulator in a thread of its own: shoppers' traffic into the input topics, and the loop
 * closed through the recommendations topic (simulated shoppers react to what the reco job sends).
 * Tracks the simulated clock, so a restarted playground can go on from where this one stopped.
 */
final class ShopTraffic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShopTraffic.class);

    private final Simulation simulation;
    private final RecommendationFeed feed;
    private final Thread thread;
    private final AtomicLong clockMillis;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private ShopTraffic(SimulatorConfig config, KafkaSettings kafka, Configuration topics)
            throws InterruptedException {
        this.simulation = new Simulation(config);
        this.clockMillis = new AtomicLong(config.start().toEpochMilli());
        this.feed =
                new RecommendationFeed(
                        kafka, topics.get(Topics.RECOMMENDATIONS), false, simulation::offer);
        this.thread =
                new Thread(
                        () -> {
                            try (feed;
                                    EventSink sink =
                                            new Clocked(new KafkaEventSink(kafka, topics))) {
                                simulation.run(sink);
                            } catch (Throwable e) {
                                LOG.error("The simulator failed", e);
                                failure.compareAndSet(null, e);
                            }
                        },
                        "simulator");
        thread.setDaemon(true);
    }

    /** Starts producing {@code config}'s traffic to the topics {@code topics} names. */
    static ShopTraffic start(SimulatorConfig config, KafkaSettings kafka, Configuration topics)
            throws InterruptedException {
        ShopTraffic traffic = new ShopTraffic(config, kafka, topics);
        traffic.thread.start();
        return traffic;
    }

    /** Orders the simulated shoppers and fraudsters have placed so far. */
    Playground.Simulated simulated() {
        SimulationStats stats = simulation.stats();
        return new Playground.Simulated(stats.orders(), stats.fraudOrderTotal());
    }

    /** The newest event time sent so far. */
    Instant clock() {
        return Instant.ofEpochMilli(clockMillis.get());
    }

    /**
     * Why the simulator stopped by itself, or why its recommendation feed did (the loop then runs
     * open), if either did.
     */
    Throwable failure() {
        return failure.get() != null ? failure.get() : feed.failure();
    }

    /** Stops the simulation and waits until its producer has flushed. */
    @Override
    public void close() throws InterruptedException {
        simulation.stop();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            throw new IllegalStateException(
                    "The simulator did not stop within 30 s: " + thread.getState());
        }
    }

    /** Passes records on and advances the simulated clock. */
    private final class Clocked implements EventSink {

        private final EventSink sink;

        Clocked(EventSink sink) {
            this.sink = sink;
        }

        @Override
        public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
                throws IOException {
            sink.write(type, record);
            // A paced run never sends ahead of the wall clock: a later time is an injected fault.
            if (record.get("eventTime") instanceof Instant time
                    && time.toEpochMilli() <= System.currentTimeMillis()) {
                clockMillis.accumulateAndGet(time.toEpochMilli(), Math::max);
            }
        }

        @Override
        public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
                throws IOException {
            sink.writeGarbage(type, key, payload, time);
        }

        @Override
        public void close() throws IOException {
            sink.close();
        }
    }
}
