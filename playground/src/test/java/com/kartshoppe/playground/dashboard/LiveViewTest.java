package com.kartshoppe.playground.dashboard;

import static com.kartshoppe.playground.dashboard.DashboardFixtures.adapterUpdate;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.deadLetter;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.decision;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.fraudReport;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.params;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.recoReport;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.playground.kafka.KafkaTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link LiveView} against a real broker. */
class LiveViewTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void countsCommittedRecordsFromStartAndHistoryOfAccuracyAndParameters() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Configuration conf = new Configuration();
            kafka.createProjectTopics(conf);
            // Before the view starts: inputs and decisions are not counted, the accuracy
            // report and the adapter parameters are (their topics are read from the beginning).
            DashboardFixtures.produceInputs(kafka, "shop.clicks", 3);
            DashboardFixtures.produceDecisions(
                    kafka, decision("o-old", "u-9", 0.1, Set.of(), "1", 0, T0));
            DashboardFixtures.produceReports(
                    kafka, "fraud", fraudReport("1", T0.minusSeconds(600), 0.91, 0.88, 0.7, 0.6));
            DashboardFixtures.produceParams(kafka, params("fraud", "1", 1, T0));

            try (LiveView view = LiveView.start(kafka.settings(), conf)) {
                DashboardFixtures.produceInputs(kafka, "shop.clicks", 5);
                DashboardFixtures.produceInputs(kafka, "shop.orders", 2);
                DashboardFixtures.produceInputs(kafka, "shop.payments", 1);
                DashboardFixtures.produceInputs(kafka, "shop.logins", 1);
                FraudDecision allow = decision("o-1", "u-1", 0.10, Set.of(), "1", 0, T0);
                FraudDecision review =
                        decision("o-2", "u-2", 0.60, Set.of(), "1", 1, T0.plusSeconds(1));
                FraudDecision cardTesting =
                        decision(
                                "o-3",
                                "u-3",
                                0.20,
                                Set.of(FraudPattern.CARD_TESTING),
                                "1",
                                1,
                                T0.plusSeconds(2));
                FraudDecision block =
                        decision(
                                "o-4",
                                "u-4",
                                0.95,
                                Set.of(FraudPattern.CARD_TESTING, FraudPattern.SHARED_DEVICE),
                                "1",
                                2,
                                T0.plusSeconds(3));
                DashboardFixtures.produceDecisions(kafka, allow, review, cardTesting, block);
                KafkaTestSupport.produce(
                        kafka,
                        "fraud.decisions",
                        "o-bad",
                        List.of("not avro".getBytes(StandardCharsets.UTF_8)));
                DashboardFixtures.produceRecommendations(
                        kafka,
                        recommendation("r-1", "u-1", T0, "p-1", "p-2", "p-3"),
                        recommendation("r-2", "u-2", T0.plusSeconds(1), "p-4"),
                        recommendation("r-3", "u-1", T0.plusSeconds(2), "p-5", "p-6"));
                DashboardFixtures.produceDeadLetters(
                        kafka,
                        deadLetter("decode.bad-header", 1, T0),
                        deadLetter("decode.bad-header", 2, T0),
                        deadLetter("validation.negative-amount", 3, T0));
                DashboardFixtures.produceReports(
                        kafka, "fraud", fraudReport("1", T0, 0.93, 0.9, 0.75, 0.5));
                DashboardFixtures.produceReports(
                        kafka,
                        "reco",
                        recoReport("1", T0, 0.12, 0.7),
                        adapterUpdate("reco", 1, T0));
                DashboardFixtures.produceParams(
                        kafka, params("fraud", "1", 2, T0), params("reco", "1", 1, T0));
                // The new model version after the others, as a swap happens: decisions of
                // different orders travel on different partitions.
                view.awaitTotals(t -> t.decisions() == 4, TIMEOUT);
                FraudDecision newModel =
                        decision(
                                "o-5",
                                "u-5",
                                0.30,
                                Set.of(FraudPattern.VELOCITY),
                                "2",
                                0,
                                T0.plusSeconds(10));
                DashboardFixtures.produceDecisions(kafka, newModel);

                Totals totals =
                        view.awaitTotals(
                                t ->
                                        t.decisions() == 5
                                                && t.inputRecords() == 9
                                                && t.recommendations() == 3
                                                && t.deadLetters() == 3
                                                && t.accuracyReports() == 3
                                                && t.adapterUpdates() == 1
                                                && t.decodeFailures() == 1
                                                && t.adapterVersions()
                                                        .equals(Map.of("fraud", 2L, "reco", 1L)),
                                TIMEOUT);

                assertThat(totals)
                        .isEqualTo(
                                new Totals(
                                        9,
                                        5,
                                        Map.of("ALLOW", 2L, "REVIEW", 1L, "BLOCK", 2L),
                                        3,
                                        Map.of("card-testing", 2L, "shared-device", 1L),
                                        3,
                                        3,
                                        Map.of(
                                                "decode.bad-header",
                                                2L,
                                                "validation.negative-amount",
                                                1L),
                                        3,
                                        1,
                                        Map.of("fraud", "2", "reco", "1"),
                                        Map.of("fraud", 2L, "reco", 1L),
                                        1,
                                        1,
                                        null));
                assertThat(block.getReasons())
                        .containsExactly("score>=block", "cep:card-testing", "cep:shared-device");

                Snapshot snapshot = view.snapshot();
                assertThat(snapshot.recentDecisions().get(0))
                        .isEqualTo(
                                new Snapshot.Decision(
                                        "o-5",
                                        "u-5",
                                        0.30,
                                        0.30 * 0.9,
                                        "ALLOW",
                                        List.of("cep:velocity"),
                                        List.of(
                                                new Snapshot.Contribution(
                                                        "account_age_days", -1.25),
                                                new Snapshot.Contribution(
                                                        "decline_ratio_10m", 3 * 0.30),
                                                new Snapshot.Contribution("new_device", 0.5)),
                                        "linear",
                                        "fraud",
                                        "2",
                                        0,
                                        T0.plusSeconds(10).toEpochMilli()));
                assertThat(snapshot.recentDecisions())
                        .extracting(Snapshot.Decision::orderId)
                        .containsExactlyInAnyOrder("o-1", "o-2", "o-3", "o-4", "o-5");
                assertThat(snapshot.modelSwaps())
                        .containsExactly(
                                new Snapshot.ModelSwap(
                                        "fraud",
                                        "1",
                                        "2",
                                        T0.plusSeconds(10).toEpochMilli(),
                                        T0.plusSeconds(10).minusMillis(40).toEpochMilli()));
                assertThat(snapshot.recentUsers()).containsExactly("u-1", "u-2");
                assertThat(snapshot.throughput()).hasSize(LiveAggregates.THROUGHPUT_SECONDS);
                assertThat(snapshot.throughput().stream().mapToLong(Snapshot.Throughput::in).sum())
                        .isEqualTo(9);
                assertThat(snapshot.throughput().stream().mapToLong(Snapshot.Throughput::out).sum())
                        .isEqualTo(8);
                assertThat(snapshot.accuracy())
                        .containsExactly(
                                new Snapshot.AccuracyPoint(
                                        "fraud",
                                        "1",
                                        "FRAUD",
                                        T0.minusSeconds(900).toEpochMilli(),
                                        T0.minusSeconds(600).toEpochMilli(),
                                        68,
                                        0.91,
                                        0.88,
                                        0.7,
                                        0.6,
                                        null),
                                new Snapshot.AccuracyPoint(
                                        "fraud",
                                        "1",
                                        "FRAUD",
                                        T0.minusSeconds(300).toEpochMilli(),
                                        T0.toEpochMilli(),
                                        68,
                                        0.93,
                                        0.9,
                                        0.75,
                                        0.5,
                                        null),
                                new Snapshot.AccuracyPoint(
                                        "reco",
                                        "1",
                                        "RECO",
                                        T0.minusSeconds(300).toEpochMilli(),
                                        T0.toEpochMilli(),
                                        400,
                                        0.7,
                                        null,
                                        null,
                                        null,
                                        0.12));
                assertThat(snapshot.adapters().get("fraud"))
                        .isEqualTo(new Snapshot.Adapter("fraud", "1", 2, 100, T0.toEpochMilli()));

                UserRecommendations u1 = view.recommendationsFor("u-1").orElseThrow();
                assertThat(u1.recoId()).isEqualTo("r-3");
                assertThat(u1.items())
                        .containsExactly(
                                new UserRecommendations.Item("p-5", 0.9, 0.9 - 0.05, false),
                                new UserRecommendations.Item(
                                        "p-6", 0.9 - 0.1, 0.9 - 0.1 - 0.05, false));
                assertThat(view.recommendationsFor("u-3")).isEmpty();
                assertThat(view.failure()).isNull();
            }
        }
    }

    @Test
    void failsFastWhenTheTopicsDoNotExist() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            assertThatThrownBy(() -> LiveView.start(kafka.settings(), new Configuration()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not exist")
                    .hasMessageContaining("create the project topics first");
        }
    }
}
