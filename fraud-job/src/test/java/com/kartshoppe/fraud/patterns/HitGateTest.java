package com.kartshoppe.fraud.patterns;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.FraudRuleSet;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.rules.RuleSet;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tests for {@link HitGate}, live (on arrival) and for input in event-time order: shopper hits on
 * the keyed input, device hits and adapter parameters on the broadcast input.
 */
class HitGateTest {

    private KeyedTwoInputStreamOperatorTestHarness<
                    String,
                    Either<FraudCase, PatternHit>,
                    Either<Either<AdapterParams, FraudRuleSet>, PatternHit>,
                    Either<FraudCase, AdapterParams>>
            harness;

    private void open(boolean atWatermark, Backend backend) throws Exception {
        harness = gate(atWatermark, backend, null);
    }

    /** A gate under the default settings, restored from {@code snapshot} unless null. */
    static KeyedTwoInputStreamOperatorTestHarness<
                    String,
                    Either<FraudCase, PatternHit>,
                    Either<Either<AdapterParams, FraudRuleSet>, PatternHit>,
                    Either<FraudCase, AdapterParams>>
            gate(boolean atWatermark, Backend backend, OperatorSubtaskState snapshot)
                    throws Exception {
        return Harnesses.keyedBroadcast(
                new HitGate(atWatermark, RuleSet.fromConfiguration(new Configuration())),
                in -> in.isLeft() ? in.left().userId() : in.right().key,
                Scoring.withParams(TypeInformation.of(FraudCase.class)),
                backend,
                snapshot,
                HitGate.DEVICE_HITS,
                HitGate.RULES);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static FraudCase orderAt(String user, Instant t) {
        return orderAt(user, "device-of-" + user, t);
    }

    private static FraudCase orderAt(String user, String device, Instant t) {
        ShopEvent e = order(user, 100_00, t);
        e.order.setDeviceId(device);
        return new FraudCase(
                new Featured(
                        e,
                        FeatureCatalog.FRAUD_V1.snapshot(
                                user, e.eventTime(), new double[FeatureCatalog.FRAUD_V1.size()])));
    }

    /** A hit that ends at {@code t} and began a minute before, as the default settings allow. */
    static PatternHit hit(FraudPattern p, String key, Instant t, Instant until) {
        return new PatternHit(
                p,
                key,
                t.toEpochMilli() - 60_000,
                t.toEpochMilli(),
                until.toEpochMilli(),
                p == FraudPattern.CARD_TESTING ? 2 : 3,
                p == FraudPattern.CARD_TESTING ? 5_00 : 0);
    }

    private void send(FraudCase c) throws Exception {
        harness.processElement1(Either.Left(c), c.eventTime());
    }

    /** A hit of a shopper-keyed pattern, from the shopper's task; a device hit, broadcast. */
    private void send(PatternHit h) throws Exception {
        if (h.pattern.key() == FraudPattern.Key.USER) {
            harness.processElement1(Either.Right(h), h.time);
        } else {
            harness.processElement2(Either.Right(h), h.time);
        }
    }

    private List<Set<FraudPattern>> flags() {
        return harness.extractOutputValues().stream()
                .filter(Either::isLeft)
                .map(o -> o.left().patterns())
                .toList();
    }

    /**
     * Once the watermark has passed everything, no key holds hits or waiting orders, and the next
     * device hit leaves only itself in the broadcast state.
     */
    private void assertNoStateLeft() throws Exception {
        harness.processBothWatermarks(new Watermark(minutes(600).toEpochMilli()));
        send(hit(FraudPattern.SHARED_DEVICE, "d-last", minutes(601), minutes(661)));
        CoBroadcastWithKeyedOperator<?, ?, ?, ?> operator =
                (CoBroadcastWithKeyedOperator<?, ?, ?, ?>) harness.getOperator();
        assertThat(
                        operator.getOperatorStateBackend()
                                .getBroadcastState(HitGate.DEVICE_HITS)
                                .entries())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactly("d-last");
        KeyedStateBackend<String> keyed =
                ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        for (String state : List.of("hits", "waiting")) {
            try (Stream<String> keys = keyed.getKeys(state, VoidNamespace.INSTANCE)) {
                assertThat(keys).as(state).isEmpty();
            }
        }
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void liveAnOrderIsFlaggedAtOnceByTheHitsBeforeIt(Backend backend) throws Exception {
        open(false, backend);
        send(hit(FraudPattern.VELOCITY, "u1", minutes(1), minutes(31)));
        send(hit(FraudPattern.ACCOUNT_TAKEOVER, "u1", minutes(2), minutes(17)));
        send(hit(FraudPattern.CARD_TESTING, "u2", minutes(1), minutes(11)));

        send(orderAt("u1", minutes(5)));
        send(orderAt("u1", minutes(20)));
        send(orderAt("u1", minutes(40)));

        assertThat(flags())
                .containsExactly(
                        Set.of(FraudPattern.VELOCITY, FraudPattern.ACCOUNT_TAKEOVER),
                        Set.of(FraudPattern.VELOCITY),
                        Set.of());
        assertNoStateLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aHitFlagsOnlyOrdersStrictlyAfterIt(Backend backend) throws Exception {
        open(false, backend);
        send(hit(FraudPattern.VELOCITY, "u1", minutes(6), minutes(36)));
        send(orderAt("u1", minutes(6)));
        send(orderAt("u1", minutes(5)));
        send(orderAt("u1", minutes(36)));

        assertThat(flags()).containsExactly(Set.of(), Set.of(), Set.of(FraudPattern.VELOCITY));
        assertNoStateLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void liveAHitArrivingAfterTheOrderIsTooLateForIt(Backend backend) throws Exception {
        open(false, backend);
        send(orderAt("u1", minutes(5)));
        send(hit(FraudPattern.CARD_TESTING, "u1", minutes(1), minutes(11)));

        assertThat(flags()).containsExactly(Set.of());
        assertNoStateLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void inEventTimeOrderAnOrderWaitsForTheWatermarkAndSeesEveryEarlierHit(Backend backend)
            throws Exception {
        open(true, backend);
        send(orderAt("u1", minutes(5)));
        send(hit(FraudPattern.CARD_TESTING, "u1", minutes(1), minutes(11)));
        send(hit(FraudPattern.VELOCITY, "u1", minutes(7), minutes(37)));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark1(new Watermark(minutes(6).toEpochMilli()));
        assertThat(harness.extractOutputValues())
                .as("device hits' watermark still behind")
                .isEmpty();
        harness.processWatermark2(new Watermark(minutes(6).toEpochMilli()));

        assertThat(flags()).containsExactly(Set.of(FraudPattern.CARD_TESTING));
        assertNoStateLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void inEventTimeOrderAnOrderBehindTheWatermarkPassesAtOnce(Backend backend) throws Exception {
        open(true, backend);
        send(hit(FraudPattern.CARD_TESTING, "u1", minutes(1), minutes(11)));
        harness.processBothWatermarks(new Watermark(minutes(8).toEpochMilli()));
        send(orderAt("u1", minutes(7)));

        assertThat(flags()).containsExactly(Set.of(FraudPattern.CARD_TESTING));
        assertNoStateLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDeviceHitFlagsEveryShoppersLaterOrdersOnThatDevice(Backend backend) throws Exception {
        open(false, backend);
        send(hit(FraudPattern.SHARED_DEVICE, "d1", minutes(10), minutes(70)));
        send(orderAt("u1", "d1", minutes(9)));
        send(orderAt("u1", "d1", minutes(11)));
        send(orderAt("u2", "d1", minutes(12)));
        send(orderAt("u3", "d2", minutes(12)));
        send(orderAt("u2", "d1", minutes(71)));

        assertThat(flags())
                .containsExactly(
                        Set.of(),
                        Set.of(FraudPattern.SHARED_DEVICE),
                        Set.of(FraudPattern.SHARED_DEVICE),
                        Set.of(),
                        Set.of());
        assertNoStateLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void adapterParametersArePassedOnToTheScorer(Backend backend) throws Exception {
        open(false, backend);
        AdapterParams params =
                AdapterParams.newBuilder()
                        .setModelName("fraud")
                        .setBaseModelVersion("1")
                        .setAdapterVersion(3)
                        .setFeatureNames(List.of())
                        .setBias(0.5)
                        .setLogitWeight(0)
                        .setWeights(List.of())
                        .setExamplesSeen(10)
                        .setTrainedUpTo(Instant.EPOCH)
                        .setPublishedAt(Instant.EPOCH)
                        .build();
        harness.processElement2(Either.Left(Either.Left(params)), 0);

        assertThat(harness.extractOutputValues()).containsExactly(Either.Right(params));
    }
}
