package com.kartshoppe.fraud.patterns;

import static com.kartshoppe.features.TestEvents.login;
import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.payment;
import static com.kartshoppe.features.TestEvents.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link FraudPatterns}: each pattern on Flink's CEP operator in event time, fed the
 * {@link PatternEvent} projection as the job does, with watermarks driven by hand. Every pattern
 * has a hit, a near miss, out-of-order input and a time out.
 */
class FraudPatternsTest {

    private static final PatternSettings DEFAULTS = PatternSettings.from(new Configuration());
    private static final long CENT_PROBE = 300; // 3 euros
    private static final long END = minutes(365 * 24 * 60).toEpochMilli();

    /**
     * Feeds {@code events} in the given (arrival) order, each with its event time as timestamp,
     * then a watermark far past them; returns the hits, after checking that no state or timer is
     * left.
     */
    private static List<PatternHit> hits(FraudPattern pattern, ShopEvent... events)
            throws Exception {
        Pattern<PatternEvent, ?> definition = FraudPatterns.of(pattern, DEFAULTS);
        KeySelector<PatternEvent, String> key =
                pattern.key() == FraudPattern.Key.USER ? e -> e.userId : e -> e.deviceId;
        CepOperator<PatternEvent, String, PatternHit> operator =
                new CepOperator<>(
                        TypeInformation.of(PatternEvent.class)
                                .createSerializer(new SerializerConfigImpl()),
                        false,
                        NFACompiler.compileFactory(definition, true),
                        null,
                        definition.getAfterMatchSkipStrategy(),
                        new HitEmitter(
                                pattern, DEFAULTS, FraudPatterns.eventsInHit(pattern, DEFAULTS)),
                        null);
        try (KeyedOneInputStreamOperatorTestHarness<String, PatternEvent, PatternHit> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING)) {
            harness.open();
            for (PatternEvent e : projected(pattern, events)) {
                harness.processElement(e, e.time);
            }
            harness.processWatermark(END);
            // Matched or timed out, nothing is left behind.
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
            return harness.extractOutputValues();
        }
    }

    /**
     * What the job feeds the pattern's CEP operator, in arrival order: account takeover's logins
     * through {@link AccountDevices}, the other patterns' events projected.
     */
    private static List<PatternEvent> projected(FraudPattern pattern, ShopEvent... events)
            throws Exception {
        List<ShopEvent> relevant =
                Arrays.stream(events).filter(e -> FraudPatterns.relevant(pattern, e)).toList();
        if (pattern != FraudPattern.ACCOUNT_TAKEOVER) {
            return relevant.stream().map(PatternEvent::of).toList();
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, PatternEvent> devices =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new AccountDevices(DEFAULTS.knownDeviceFor().toMillis())),
                        ShopEvent::userId,
                        Types.STRING)) {
            devices.open();
            for (ShopEvent e : relevant) {
                devices.processElement(e, e.eventTime());
            }
            return devices.extractOutputValues();
        }
    }

    private static ShopEvent decline(String user, String card, Instant t) {
        return payment(user, CENT_PROBE, false, card, "us", t);
    }

    private static long at(Instant t) {
        return t.toEpochMilli();
    }

    @Test
    void cardTestingHitsAtTheDeclineThatCompletesIt() throws Exception {
        List<PatternHit> hits =
                hits(
                        FraudPattern.CARD_TESTING,
                        decline("u1", "c1", seconds(0)),
                        payment("u1", CENT_PROBE, true, "c1", "us", seconds(20)),
                        decline("u1", "c1", seconds(40)),
                        decline("u1", "c2", seconds(60)));

        assertThat(hits).hasSize(1);
        PatternHit hit = hits.get(0);
        assertThat(hit.pattern).isEqualTo(FraudPattern.CARD_TESTING);
        assertThat(hit.key).isEqualTo("u1");
        assertThat(hit.time).isEqualTo(at(seconds(60)));
        assertThat(hit.flaggedUntil).isEqualTo(at(seconds(60).plus(Duration.ofMinutes(10))));
    }

    @Test
    void cardTestingNeedsSeveralCardsAndSmallAmounts() throws Exception {
        assertThat(
                        hits(
                                FraudPattern.CARD_TESTING,
                                decline("u1", "c1", seconds(0)),
                                decline("u1", "c1", seconds(20)),
                                decline("u1", "c1", seconds(40))))
                .as("one card: a shopper whose card keeps failing")
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.CARD_TESTING,
                                decline("u1", "c1", seconds(0)),
                                payment("u1", 150_00, false, "c2", "us", seconds(20)),
                                decline("u1", "c3", seconds(40))))
                .as("a large decline is no probe")
                .isEmpty();
    }

    @Test
    void cardTestingOutOfOrderWithinTheWatermarkIsTheSameHit() throws Exception {
        List<PatternHit> hits =
                hits(
                        FraudPattern.CARD_TESTING,
                        decline("u1", "c2", seconds(60)),
                        decline("u1", "c1", seconds(0)),
                        decline("u1", "c1", seconds(40)));

        assertThat(hits).extracting(h -> h.time).containsExactly(at(seconds(60)));
    }

    @Test
    void cardTestingTimesOutAfterItsWindow() throws Exception {
        assertThat(
                        hits(
                                FraudPattern.CARD_TESTING,
                                decline("u1", "c1", minutes(0)),
                                decline("u1", "c2", minutes(6)),
                                decline("u1", "c3", minutes(12))))
                .isEmpty();
    }

    @Test
    void accountTakeoverIsFailedLoginsThenSuccessFromAFailingDevice() throws Exception {
        List<PatternHit> hits =
                hits(
                        FraudPattern.ACCOUNT_TAKEOVER,
                        login("u1", false, "br", "evil", seconds(0)),
                        login("u1", false, "br", "evil", seconds(10)),
                        login("u1", true, "de", "home", seconds(15)),
                        login("u1", false, "br", "evil", seconds(20)),
                        login("u1", true, "br", "evil", seconds(30)));

        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).key).isEqualTo("u1");
        assertThat(hits.get(0).time).isEqualTo(at(seconds(30)));
    }

    @Test
    void accountTakeoverNearMissesAndTimeOut() throws Exception {
        assertThat(
                        hits(
                                FraudPattern.ACCOUNT_TAKEOVER,
                                login("u1", false, "de", "home", seconds(0)),
                                login("u1", false, "de", "home", seconds(10)),
                                login("u1", true, "de", "home", seconds(20))))
                .as("two typos, then in")
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.ACCOUNT_TAKEOVER,
                                login("u1", false, "br", "evil", seconds(0)),
                                login("u1", false, "br", "evil", seconds(10)),
                                login("u1", false, "br", "evil", seconds(20)),
                                login("u1", true, "de", "home", seconds(30))))
                .as("the owner logs in from their own device")
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.ACCOUNT_TAKEOVER,
                                login("u1", false, "br", "evil", minutes(0)),
                                login("u1", false, "br", "evil", minutes(1)),
                                login("u1", false, "br", "evil", minutes(2)),
                                login("u1", true, "br", "evil", minutes(16))))
                .as("success after the window")
                .isEmpty();
    }

    @Test
    void accountTakeoverSparesTheOwnerWhoMistypesOnTheirOwnDevice() throws Exception {
        ShopEvent earlierOrder = order("u1", "p-1", 25_00, minutes(0), "home");
        assertThat(
                        hits(
                                FraudPattern.ACCOUNT_TAKEOVER,
                                earlierOrder,
                                login("u1", false, "de", "home", minutes(60)),
                                login("u1", false, "de", "home", minutes(61)),
                                login("u1", false, "de", "home", minutes(62)),
                                login("u1", false, "de", "home", minutes(63)),
                                login("u1", true, "de", "home", minutes(64))))
                .as("four typos at home, then in")
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.ACCOUNT_TAKEOVER,
                                login("u1", true, "de", "home", minutes(0)),
                                login("u1", false, "br", "evil", minutes(60)),
                                login("u1", false, "de", "home", minutes(61)),
                                login("u1", false, "br", "evil", minutes(62)),
                                login("u1", false, "br", "evil", minutes(63)),
                                login("u1", true, "br", "evil", minutes(64))))
                .as("the owner's typo among a stranger's guesses: the guesses still count")
                .extracting(h -> h.time)
                .containsExactly(at(minutes(64)));
        assertThat(
                        hits(
                                FraudPattern.ACCOUNT_TAKEOVER,
                                login("u1", true, "de", "home", minutes(0)),
                                login(
                                        "u1",
                                        false,
                                        "de",
                                        "home",
                                        minutes(0).plus(Duration.ofDays(91))),
                                login(
                                        "u1",
                                        false,
                                        "de",
                                        "home",
                                        minutes(1).plus(Duration.ofDays(91))),
                                login(
                                        "u1",
                                        false,
                                        "de",
                                        "home",
                                        minutes(2).plus(Duration.ofDays(91))),
                                login(
                                        "u1",
                                        true,
                                        "de",
                                        "home",
                                        minutes(3).plus(Duration.ofDays(91)))))
                .as("a device unused for longer than known-device-for is a stranger's again")
                .hasSize(1);
    }

    @Test
    void accountTakeoverOutOfOrder() throws Exception {
        assertThat(
                        hits(
                                FraudPattern.ACCOUNT_TAKEOVER,
                                login("u1", true, "br", "evil", seconds(30)),
                                login("u1", false, "br", "evil", seconds(20)),
                                login("u1", false, "br", "evil", seconds(0)),
                                login("u1", false, "br", "evil", seconds(10))))
                .extracting(h -> h.time)
                .containsExactly(at(seconds(30)));
    }

    @Test
    void velocityHitsOnTheOrderThatMakesItMany() throws Exception {
        List<PatternHit> hits =
                hits(
                        FraudPattern.VELOCITY,
                        order("u1", 50_00, minutes(0)),
                        order("u1", 50_00, minutes(3)),
                        order("u1", 50_00, minutes(6)),
                        order("u1", 50_00, minutes(7)));

        assertThat(hits).extracting(h -> h.time).containsExactly(at(minutes(6)));
        assertThat(hits.get(0).flaggedUntil).isEqualTo(at(minutes(36)));
    }

    @Test
    void velocityNearMissOutOfOrderAndTimeOut() throws Exception {
        assertThat(
                        hits(
                                FraudPattern.VELOCITY,
                                order("u1", 1, minutes(0)),
                                order("u1", 1, minutes(1))))
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.VELOCITY,
                                order("u1", 1, minutes(0)),
                                order("u1", 1, minutes(6)),
                                order("u1", 1, minutes(11))))
                .as("three orders over eleven minutes")
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.VELOCITY,
                                order("u1", 1, minutes(2)),
                                order("u1", 1, minutes(0)),
                                order("u1", 1, minutes(1))))
                .extracting(h -> h.time)
                .containsExactly(at(minutes(2)));
    }

    @Test
    void sharedDeviceIsOrdersFromSeveralAccountsOnOneDevice() throws Exception {
        List<PatternHit> hits =
                hits(
                        FraudPattern.SHARED_DEVICE,
                        order("a1", "p", 20_00, minutes(0), "bot"),
                        order("a1", "p", 20_00, minutes(1), "bot"),
                        order("a2", "p", 20_00, minutes(5), "bot"),
                        order("x9", "p", 20_00, minutes(6), "other"),
                        order("a3", "p", 20_00, minutes(9), "bot"));

        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).key).isEqualTo("bot");
        assertThat(hits.get(0).time).isEqualTo(at(minutes(9)));
    }

    @Test
    void sharedDeviceNearMissOutOfOrderAndTimeOut() throws Exception {
        assertThat(
                        hits(
                                FraudPattern.SHARED_DEVICE,
                                order("a1", "p", 1, minutes(0), "family"),
                                order("a2", "p", 1, minutes(5), "family"),
                                order("a1", "p", 1, minutes(9), "family")))
                .as("two accounts")
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.SHARED_DEVICE,
                                order("a1", "p", 1, minutes(0), "bot"),
                                order("a2", "p", 1, minutes(30), "bot"),
                                order("a3", "p", 1, minutes(61), "bot")))
                .as("spread over more than an hour")
                .isEmpty();
        assertThat(
                        hits(
                                FraudPattern.SHARED_DEVICE,
                                order("a3", "p", 1, minutes(9), "bot"),
                                order("a1", "p", 1, minutes(0), "bot"),
                                order("a2", "p", 1, minutes(5), "bot")))
                .extracting(h -> h.time)
                .containsExactly(at(minutes(9)));
    }
}
