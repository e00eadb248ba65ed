package com.kartshoppe.playground.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.playground.dashboard.LiveAggregates.Role;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tests for {@link LiveAggregates}: its memory stays bounded whatever arrives. */
class LiveAggregatesTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void keepsEveryCollectionWithinItsCap() {
        LiveAggregates aggregates = new LiveAggregates();
        AvroCodec<FraudDecision> decisions = AvroCodec.of(EventType.FRAUD_DECISION);
        AvroCodec<Recommendation> recos = AvroCodec.of(EventType.RECOMMENDATION);
        AvroCodec<DeadLetter> deadLetters = AvroCodec.of(EventType.DEAD_LETTER);
        long now = T0.toEpochMilli();
        for (int i = 0; i < 2_000; i++) {
            Instant at = T0.plusMillis(i);
            aggregates.add(
                    Role.DECISIONS,
                    decisions.encode(
                            DashboardFixtures.decision(
                                    "o-" + i,
                                    "u-" + i,
                                    0.95,
                                    Set.of(FraudPattern.VELOCITY),
                                    // a new model version every time: a swap each
                                    Integer.toString(i),
                                    0,
                                    at)),
                    now + i * 10L);
            aggregates.add(
                    Role.RECOMMENDATIONS,
                    recos.encode(
                            DashboardFixtures.recommendation(
                                    "r-" + i, "u-" + i, at, "p-1", "p-2", "p-3", "p-4", "p-5",
                                    "p-6", "p-7", "p-8", "p-9", "p-10", "p-11", "p-12", "p-13",
                                    "p-14", "p-15", "p-16", "p-17", "p-18", "p-19", "p-20",
                                    "p-21")),
                    now + i * 10L);
            aggregates.add(
                    Role.DLQ,
                    deadLetters.encode(DashboardFixtures.deadLetter("reason-" + i, i, at)),
                    now + i * 10L);
            aggregates.add(
                    Role.ACCURACY,
                    DashboardFixtures.fraudReport(
                                    Integer.toString(i), at.plusSeconds(300), 0.9, 0.8, 0.7, 0.6)
                            .getBytes(StandardCharsets.UTF_8),
                    now + i * 10L);
            aggregates.add(Role.INPUT, new byte[] {1}, now + i * 1_000L);
        }

        Snapshot snapshot = aggregates.snapshot(now + 2_000 * 1_000L, null);
        Totals totals = snapshot.totals();
        assertThat(totals.decisions()).isEqualTo(2_000);
        assertThat(totals.alerts()).isEqualTo(2_000);
        assertThat(totals.modelSwaps()).isEqualTo(1_999);
        assertThat(totals.deadLetters()).isEqualTo(2_000);
        assertThat(totals.deadLettersByReason()).hasSize(LiveAggregates.MAX_KEYS + 1);
        assertThat(totals.deadLettersByReason().get(LiveAggregates.OTHER))
                .isEqualTo(2_000 - LiveAggregates.MAX_KEYS);
        assertThat(totals.accuracyReports()).isEqualTo(2_000);
        assertThat(snapshot.recentDecisions()).hasSize(LiveAggregates.RECENT_DECISIONS);
        assertThat(snapshot.recentDecisions().get(0).orderId()).isEqualTo("o-1999");
        assertThat(snapshot.modelSwaps()).hasSize(LiveAggregates.MODEL_SWAPS);
        assertThat(snapshot.accuracy()).hasSize(LiveAggregates.ACCURACY_POINTS);
        assertThat(snapshot.recentUsers()).hasSize(LiveAggregates.USERS_LISTED);
        assertThat(snapshot.recentUsers().get(0)).isEqualTo("u-1999");
        assertThat(aggregates.recommendationsFor("u-1999").items())
                .hasSize(LiveAggregates.ITEMS_KEPT);
        assertThat(aggregates.recommendationsFor("u-" + (1999 - LiveAggregates.USERS_KEPT)))
                .isNull();
        assertThat(aggregates.recommendationsFor("u-" + (2000 - LiveAggregates.USERS_KEPT)))
                .isNotNull();
        assertThat(snapshot.throughput()).hasSize(LiveAggregates.THROUGHPUT_SECONDS);
        // one input record per second: the last five minutes hold one each, the first none
        assertThat(snapshot.throughput().stream().mapToLong(Snapshot.Throughput::in).sum())
                .isEqualTo(LiveAggregates.THROUGHPUT_SECONDS - 1);
    }

    @Test
    void aRuleSetChangesWhenANewerVersionDecidesAndNotBackWhenALateOlderOneArrives() {
        LiveAggregates aggregates = new LiveAggregates();
        AvroCodec<FraudDecision> codec = AvroCodec.of(EventType.FRAUD_DECISION);
        long[][] decided = {{0, 1}, {0, 2}, {3, 3}, {0, 4}, {3, 5}, {4, 6}};
        for (long[] d : decided) {
            FraudDecision decision =
                    FraudDecision.newBuilder(
                                    DashboardFixtures.decision(
                                            "o-" + d[1],
                                            "u-1",
                                            0.1,
                                            Set.of(),
                                            "1",
                                            0,
                                            T0.plusSeconds(d[1])))
                            .setRuleSetVersion(d[0])
                            .build();
            aggregates.add(Role.DECISIONS, codec.encode(decision), 0);
        }

        Snapshot snapshot = aggregates.snapshot(T0.plusSeconds(10).toEpochMilli(), null);
        assertThat(snapshot.ruleSet())
                .isEqualTo(
                        new Snapshot.RuleSetInForce(
                                "default v4", T0.plusSeconds(6).toEpochMilli()));
        assertThat(snapshot.ruleSetChanges())
                .extracting(Snapshot.RuleSetChange::from, Snapshot.RuleSetChange::to)
                .containsExactly(
                        tuple("default v0", "default v3"), tuple("default v3", "default v4"));
        assertThat(snapshot.ruleSetChanges().get(0).at())
                .isEqualTo(T0.plusSeconds(3).toEpochMilli());
    }

    @Test
    void countsUndecodableRecordsAndGoesOn() {
        LiveAggregates aggregates = new LiveAggregates();
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        for (Role role : Role.values()) {
            aggregates.add(role, garbage, 0);
        }
        aggregates.add(Role.DECISIONS, null, 0);
        aggregates.add(Role.ACCURACY, "{\"type\":\"accuracy\"}".getBytes(), 0);

        Totals totals = aggregates.totals(null);
        assertThat(totals.inputRecords()).isEqualTo(1);
        assertThat(totals.decodeFailures()).isEqualTo(Role.values().length - 1 + 2);
        assertThat(totals.decisions()).isZero();
        assertThat(totals.accuracyReports()).isZero();
    }
}
