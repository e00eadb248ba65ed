package com.kartshoppe.features;

import static com.kartshoppe.events.catalog.FeatureCatalog.FRAUD_V1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.quality.EventValidator;
import com.kartshoppe.features.quality.Normalizer;
import com.kartshoppe.features.quality.Violation;
import com.kartshoppe.features.user.BruteForceFraudFeatures;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.features.user.ShopperFeatures;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.MalformedKind;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulationStats;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingestion and shopper features over simulator output on a MiniCluster (parallelism 2, RocksDB):
 * every malformed kind lands in the dead-letter stream with its reason, every real event passes
 * exactly once, and a sample of features matches a brute-force recomputation.
 */
class ShopIngestionITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir static Path dir;

    /** The wall clock the pipeline judges event times against: a day after the simulation. */
    private static final Clock CLOCK =
            Clock.fixed(SimulatorConfig.DEFAULT_START.plus(Duration.ofDays(1)), ZoneOffset.UTC);

    private static SimulationStats stats;
    private static final List<Featured> featured = new ArrayList<>();
    private static final List<ShopEvent> unique = new ArrayList<>();
    private static final List<DeadLetter> deadLetters = new ArrayList<>();

    @BeforeAll
    static void runPipelineOverASimulation() throws Exception {
        try (JsonLinesSink sink = new JsonLinesSink(dir)) {
            stats =
                    new Simulation(
                                    SimulatorConfig.builder()
                                            .seed(17)
                                            .users(600)
                                            .duration(Duration.ofMinutes(40))
                                            .duplicateRate(0.02)
                                            .outOfOrderRate(0.03)
                                            .malformedRate(0.06)
                                            .build())
                            .run(sink);
        }
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        ShopEvents shop = ShopEvents.read(env, Input.jsonl(dir.toString(), CLOCK), conf, "it");
        KeyedStream<ShopEvent, String> byShopper = shop.deduplicatedByShopper();
        CloseableIterator<ShopEvent> events = byShopper.map(e -> e, ShopEvents.TYPE).collectAsync();
        CloseableIterator<DeadLetter> letters = shop.deadLetters().collectAsync();
        CloseableIterator<Featured> vectors = Features.fraud(byShopper, conf).collectAsync();
        env.execute("ingest simulation");
        events.forEachRemaining(unique::add);
        letters.forEachRemaining(deadLetters::add);
        vectors.forEachRemaining(featured::add);
    }

    @Test
    void everyMalformedKindEndsInTheDeadLettersWithItsReason() {
        Map<String, Long> byReason =
                deadLetters.stream()
                        .collect(
                                Collectors.groupingBy(
                                        DeadLetter::getReason, Collectors.counting()));

        for (MalformedKind kind : MalformedKind.values()) {
            assertThat(stats.malformed(kind)).as("the simulation injected %s", kind).isPositive();
        }
        assertThat(byReason)
                .containsOnly(
                        Map.entry(
                                DecodeException.MALFORMED_JSON,
                                stats.malformed(MalformedKind.GARBAGE)),
                        Map.entry(
                                Violation.MISSING_FIELD,
                                stats.malformed(MalformedKind.MISSING_FIELD)),
                        Map.entry(
                                Violation.NEGATIVE_AMOUNT,
                                stats.malformed(MalformedKind.NEGATIVE_AMOUNT)),
                        Map.entry(
                                EventTimeBounds.FUTURE,
                                stats.malformed(MalformedKind.FUTURE_TIMESTAMP)));
        assertThat(deadLetters)
                .filteredOn(d -> d.getReason().equals(DecodeException.MALFORMED_JSON))
                .allSatisfy(
                        d -> {
                            assertThat(d.getPartition()).isEqualTo(-1);
                            assertThat(d.getOffset()).isPositive();
                            assertThat(d.getJob()).isEqualTo("it");
                        });
    }

    @Test
    void everyRealEventPassesExactlyOnce() throws Exception {
        Set<String> real = new HashSet<>();
        for (EventType<?> type : EventType.SHOP_INPUTS) {
            for (SpecificRecordBase r : read(type)) {
                String id = (String) r.get("eventId");
                if (!id.contains("-x")) {
                    real.add(id);
                }
            }
        }
        List<String> passed = unique.stream().map(ShopEvent::eventId).toList();

        long expected =
                EventType.SHOP_INPUTS.stream()
                        .mapToLong(t -> stats.records(t.topic().defaultValue()))
                        .sum();
        assertThat(passed).hasSize((int) expected).doesNotHaveDuplicates();
        assertThat(new HashSet<>(passed)).isEqualTo(real);
    }

    @Test
    void orderAndPaymentFeaturesMatchABruteForceRecomputation() throws Exception {
        Map<String, List<ShopEvent>> orders = validUniqueByUser(EventType.ORDER);
        Map<String, List<ShopEvent>> payments = validUniqueByUser(EventType.PAYMENT);
        List<String> orderFeatures =
                List.of(
                        "orders_1h",
                        "amount_1h_eur",
                        "minutes_since_last_purchase",
                        "amount_mean_eur",
                        "amount_std_eur",
                        "order_amount_eur",
                        "amount_zscore",
                        "amount_outlier",
                        "account_age_days");
        List<String> paymentFeatures =
                List.of(
                        "payment_attempts_10m",
                        "payment_declines_10m",
                        "decline_ratio_10m",
                        "distinct_cards_1h");
        int checked = 0;
        for (Featured f : featured) {
            boolean isOrder = f.event.order != null;
            List<ShopEvent> history = (isOrder ? orders : payments).get(f.event.userId());
            int i = history.indexOf(f.event);
            assertThat(i).as("trigger %s in its file", f.event.eventId()).isNotNegative();
            double[] reference =
                    BruteForceFraudFeatures.vector(history, i, Duration.ofMinutes(30).toMillis());
            for (String name : isOrder ? orderFeatures : paymentFeatures) {
                assertThat(f.features.getValues().get(name))
                        .as("%s at %s", name, f.event.eventId())
                        .isCloseTo(reference[FRAUD_V1.indexOf(name)], within(1e-9));
            }
            checked++;
        }
        long placed =
                orders.values().stream()
                        .flatMap(List::stream)
                        .filter(e -> e.order.getStatus() == OrderStatus.PLACED)
                        .count();
        long paid = payments.values().stream().mapToLong(List::size).sum();
        assertThat(checked)
                .as("every placed order and payment got a vector")
                .isEqualTo(placed + paid);
    }

    @Test
    void everyFeatureMatchesABruteForceRecomputationInArrivalOrder() throws Exception {
        // One source, so each shopper's arrival order is known: all valid events in event-time
        // order, as the aligned sources deliver them approximately.
        List<ShopEvent> all = new ArrayList<>();
        for (EventType<?> type : EventType.SHOP_INPUTS) {
            validUniqueByUser(type).values().forEach(all::addAll);
        }
        all.sort(Comparator.comparingLong(ShopEvent::eventTime));
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        KeyedStream<ShopEvent, String> byShopper =
                env.fromData(all, ShopEvents.TYPE)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<ShopEvent>forMonotonousTimestamps()
                                        .withTimestampAssigner((e, ts) -> e.eventTime()))
                        .keyBy(ShopEvent::userId, Types.STRING);
        CloseableIterator<Featured> vectors = Features.fraud(byShopper, conf).collectAsync();
        env.execute("features in arrival order");

        Map<String, List<ShopEvent>> byUser =
                all.stream().collect(Collectors.groupingBy(ShopEvent::userId));
        int checked = 0;
        while (vectors.hasNext()) {
            Featured f = vectors.next();
            List<ShopEvent> history = byUser.get(f.event.userId());
            double[] reference =
                    BruteForceFraudFeatures.vector(
                            history, history.indexOf(f.event), Duration.ofMinutes(30).toMillis());
            for (int i = 0; i < FRAUD_V1.size(); i++) {
                String name = FRAUD_V1.definitions().get(i).name();
                assertThat(f.features.getValues().get(name))
                        .as("%s at %s", name, f.event.eventId())
                        .isCloseTo(reference[i], within(1e-9));
            }
            checked++;
        }
        assertThat(checked)
                .as("one vector per placed order and payment")
                .isEqualTo(all.stream().filter(ShopperFeatures::isTrigger).count())
                .isGreaterThan(200);
    }

    /** The type's valid records, normalised, first copy only, per user in file order. */
    private static Map<String, List<ShopEvent>> validUniqueByUser(EventType<?> type)
            throws Exception {
        Configuration defaults = new Configuration();
        EventValidator validator = ShopEvents.validator(defaults, CLOCK);
        Normalizer normalizer = ShopEvents.normalizer(defaults);
        Set<String> seen = new HashSet<>();
        Map<String, List<ShopEvent>> byUser = new LinkedHashMap<>();
        for (SpecificRecordBase r : read(type)) {
            if (validator.check(r) == null && seen.add((String) r.get("eventId"))) {
                ShopEvent e = ShopEvent.of(normalizer.normalize(r));
                byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
            }
        }
        return byUser;
    }

    private static <T extends SpecificRecordBase> List<SpecificRecordBase> read(EventType<T> type)
            throws Exception {
        JsonCodec<T> codec = JsonCodec.of(type);
        List<SpecificRecordBase> records = new ArrayList<>();
        for (String line : Files.readAllLines(JsonCodec.file(dir, type))) {
            try {
                records.add(codec.fromJson(line));
            } catch (DecodeException garbage) {
                // dead-lettered by the job
            }
        }
        return records;
    }
}
