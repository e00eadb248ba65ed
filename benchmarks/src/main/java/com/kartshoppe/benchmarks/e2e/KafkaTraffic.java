package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.jobkit.time.EventTimeOptions;
import com.kartshoppe.simulator.EventSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;

/** Fills a broker with a given number of simulated shop events, faults included. */
final class KafkaTraffic {

    /**
     * Records written per topic, how long producing took, and the ids of the placed orders a fraud
     * job must decide ({@link #decidable}).
     */
    record Filled(Map<String, Long> perTopic, long millis, Set<String> placedOrders) {
        long total() {
            return perTopic.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Records on the shop's four input topics. */
        long inputs() {
            return records(EventType.SHOP_INPUTS);
        }

        /** Records on the topics of {@code types}. */
        long records(List<EventType<?>> types) {
            return types.stream()
                    .mapToLong(t -> perTopic.getOrDefault(t.topic().defaultValue(), 0L))
                    .sum();
        }

        void print() {
            System.out.printf(
                    Locale.ROOT,
                    "Filled %,d input records (%s) in %.1f s: %,.0f records/s produced%n",
                    inputs(),
                    perTopic,
                    millis / 1000.0,
                    total() * 1000.0 / Math.max(1, millis));
        }
    }

    private KafkaTraffic() {}

    /**
     * Simulates until {@code events} input records (clicks, orders, payments, logins) were
     * produced, with default fault rates, one shopper per 5 events.
     */
    static Filled fill(EmbeddedKafka kafka, long events, long seed) throws Exception {
        SimulatorConfig config =
                SimulatorConfig.builder()
                        .seed(seed)
                        .users((int) Math.max(1_000, events / 5))
                        .duration(null)
                        .build();
        Simulation simulation = new Simulation(config);
        long start = System.nanoTime();
        Map<String, Long> perTopic = new LinkedHashMap<>();
        Set<String> placedOrders = new HashSet<>();
        try (EventSink kafkaSink = new KafkaEventSink(kafka.settings(), new Configuration())) {
            simulation.run(new Counting(kafkaSink, perTopic, placedOrders, events, simulation));
        }
        return new Filled(perTopic, (System.nanoTime() - start) / 1_000_000, placedOrders);
    }

    /**
     * Whether {@code order} is a placed order that passes ingestion, so a fraud job decides it: not
     * one of the malformed copies the simulator injects next to real orders (an empty id or
     * currency, a negative amount, an event time in microseconds). Duplicates share the order id.
     */
    static boolean decidable(OrderEvent order) {
        return order.getStatus() == OrderStatus.PLACED
                && !order.getOrderId().isEmpty()
                && !order.getUserId().isEmpty()
                && !order.getCurrency().isEmpty()
                && order.getAmountMinor() >= 0
                && order.getEventTime()
                        .isBefore(Instant.now().plus(EventTimeOptions.MAX_FUTURE.defaultValue()));
    }

    /** Counts what goes out and stops the simulation at the target. */
    private static final class Counting implements EventSink {
        private final EventSink delegate;
        private final Map<String, Long> perTopic;
        private final Set<String> placedOrders;
        private final long target;
        private final Simulation simulation;
        private long inputs;

        Counting(
                EventSink delegate,
                Map<String, Long> perTopic,
                Set<String> placedOrders,
                long target,
                Simulation sim) {
            this.delegate = delegate;
            this.perTopic = perTopic;
            this.placedOrders = placedOrders;
            this.target = target;
            this.simulation = sim;
        }

        @Override
        public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
                throws IOException {
            delegate.write(type, record);
            if (record instanceof OrderEvent order && decidable(order)) {
                placedOrders.add(order.getOrderId());
            }
            count(type);
        }

        @Override
        public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
                throws IOException {
            delegate.writeGarbage(type, key, payload, time);
            count(type);
        }

        private void count(EventType<?> type) {
            perTopic.merge(type.topic().defaultValue(), 1L, Long::sum);
            if (EventType.SHOP_INPUTS.contains(type) && ++inputs >= target) {
                simulation.stop();
            }
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
