package com.kartshoppe.fraud.rules;

import static com.kartshoppe.features.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.Decision;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudRuleSet;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.decision.FraudScoring;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.patterns.HitGate;
import com.kartshoppe.fraud.patterns.PatternHit;
import com.kartshoppe.inference.explain.Explanation;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Sourced;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A rule set's way into the running job, as the job wires it: published records through {@link
 * RuleSetUpdates}, what it lets through broadcast into the {@link HitGate}, and the gate's orders
 * decided by {@link FraudScoring}, on both state backends.
 */
class RuleSetBroadcastTest {

    private static final RuleSet SETTINGS = RuleSet.fromConfiguration(new Configuration());
    private static final String TOPIC = "fraud.rules";

    private KeyedOneInputStreamOperatorTestHarness<String, Sourced<FraudRuleSet>, FraudRuleSet>
            updates;
    private KeyedTwoInputStreamOperatorTestHarness<
                    String,
                    Either<FraudCase, PatternHit>,
                    Either<Either<AdapterParams, FraudRuleSet>, PatternHit>,
                    Either<FraudCase, AdapterParams>>
            gate;
    private long offset;
    private int taken;

    private void open(Backend backend) throws Exception {
        updates = updates(backend, null);
        gate = gate(backend, null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<
                    String, Sourced<FraudRuleSet>, FraudRuleSet>
            updates(Backend backend, OperatorSubtaskState snapshot) throws Exception {
        return Harnesses.keyed(
                new RuleSetUpdates(SETTINGS, TOPIC, "fraud"),
                s -> s.record.getRuleSetId(),
                backend,
                snapshot);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String,
                    Either<FraudCase, PatternHit>,
                    Either<Either<AdapterParams, FraudRuleSet>, PatternHit>,
                    Either<FraudCase, AdapterParams>>
            gate(Backend backend, OperatorSubtaskState snapshot) throws Exception {
        return Harnesses.keyedBroadcast(
                new HitGate(false, SETTINGS),
                in -> in.isLeft() ? in.left().userId() : in.right().key,
                Scoring.withParams(TypeInformation.of(FraudCase.class)),
                backend,
                snapshot,
                HitGate.DEVICE_HITS,
                HitGate.RULES);
    }

    @AfterEach
    void close() throws Exception {
        updates.close();
        gate.close();
    }

    /** Publishes a rule set as the job reads it: through the updates, then broadcast. */
    private void publish(String id, long version, String document) throws Exception {
        FraudRuleSet record =
                FraudRuleSet.newBuilder()
                        .setRuleSetId(id)
                        .setVersion(version)
                        .setDocument(document)
                        .setPublishedAt(Instant.EPOCH)
                        .build();
        updates.processElement(new StreamRecord<>(Sourced.of(record, 0, offset++), 0));
        List<FraudRuleSet> out = updates.extractOutputValues();
        for (FraudRuleSet applied : out.subList(taken, out.size())) {
            gate.processElement2(new StreamRecord<>(Either.Left(Either.Right(applied)), 0));
        }
        taken = out.size();
    }

    private static String velocityOffReviewAt(long version, double review) {
        return "{\"id\": \"default\", \"version\": "
                + version
                + ", \"thresholds\": {\"review\": "
                + review
                + "}, \"patterns\": {\"velocity\": {\"enabled\": false}}}";
    }

    /** The decision on an order by {@code user} from {@code device} at {@code minute}. */
    private FraudDecision decide(String user, String device, int minute, double score)
            throws Exception {
        FraudCase order = RuleSetTest.orderFrom(user, device, "10.0.0.1", "DE");
        order.featured.event.order.setEventTime(minutes(minute));
        int before = gate.extractOutputValues().size();
        gate.processElement1(new StreamRecord<>(Either.Left(order), order.eventTime()));
        List<Either<FraudCase, AdapterParams>> out = gate.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        FraudCase flagged = out.get(before).left();
        FraudScoring scoring = new FraudScoring("fraud");
        Score scored =
                new Score(
                        "fraud",
                        "1",
                        0,
                        score,
                        score,
                        new Explanation(Explanation.Method.LINEAR, 0, Map.of()));
        return scoring.decide(flagged, scoring.rows(flagged), List.of(scored)).decision;
    }

    private void velocityHit(String user, int minute) throws Exception {
        long t = minutes(minute).toEpochMilli();
        PatternHit hit =
                new PatternHit(FraudPattern.VELOCITY, user, t - 60_000, t, t + 1_800_000, 3, 0);
        gate.processElement1(new StreamRecord<>(Either.Right(hit), t));
    }

    private List<DeadLetter> deadLetters() {
        List<DeadLetter> letters = new ArrayList<>();
        if (updates.getSideOutput(DeadLetters.TAG) != null) {
            updates.getSideOutput(DeadLetters.TAG).forEach(r -> letters.add(r.getValue()));
        }
        return letters;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anOrderAfterANewRuleSetIsDecidedUnderItAndOneBeforeUnderTheOld(Backend backend)
            throws Exception {
        open(backend);
        velocityHit("u1", 1);

        FraudDecision before = decide("u1", "d1", 5, 0.45);
        publish("default", 1, velocityOffReviewAt(1, 0.4));
        FraudDecision after = decide("u1", "d1", 6, 0.45);

        assertThat(before.getDecision()).isEqualTo(Decision.REVIEW);
        assertThat(before.getReasons()).containsExactly("cep:velocity");
        assertThat(before.getRuleSetVersion()).isZero();
        assertThat(after.getDecision()).isEqualTo(Decision.REVIEW);
        assertThat(after.getReasons()).containsExactly("score>=review");
        assertThat(after.getRuleSetId()).isEqualTo("default");
        assertThat(after.getRuleSetVersion()).isEqualTo(1);
        assertThat(deadLetters()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anInvalidOrStaleRuleSetIsRejectedWithItsReasonAndTheOldOneKeepsDeciding(Backend backend)
            throws Exception {
        open(backend);
        publish("default", 2, velocityOffReviewAt(2, 0.4));

        publish(
                "default",
                3,
                "{\"id\": \"default\", \"version\": 3, \"thresholds\": {\"review\": 0.95}}");
        publish("default", 2, velocityOffReviewAt(2, 0.2));
        publish("default", 4, velocityOffReviewAt(5, 0.2));
        publish("other-job", 9, "{\"id\": \"other-job\", \"version\": 9}");
        FraudDecision decided = decide("u1", "d1", 5, 0.3);

        assertThat(decided.getRuleSetVersion()).isEqualTo(2);
        assertThat(decided.getDecision()).isEqualTo(Decision.ALLOW);
        assertThat(deadLetters())
                .extracting(DeadLetter::getReason, DeadLetter::getDetail)
                .containsExactly(
                        tuple(
                                RuleSetUpdates.INVALID,
                                "default v3: thresholds.review and thresholds.block must satisfy 0"
                                        + " <= review <= block <= 1, got 0.95 and 0.9"),
                        tuple(
                                RuleSetUpdates.STALE,
                                "default v2: version 2 is not above version 2 in force"),
                        tuple(
                                RuleSetUpdates.INVALID,
                                "default v4: the record says default v4 but its document is"
                                        + " default v5"));
        assertThat(deadLetters())
                .allSatisfy(
                        d -> {
                            assertThat(d.getSourceTopic()).isEqualTo(TOPIC);
                            assertThat(d.getJob()).isEqualTo("fraud");
                            assertThat(d.getKey().array()).isEqualTo("default".getBytes());
                        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRestoreFromACheckpointKeepsTheRuleSetInForce(Backend backend) throws Exception {
        open(backend);
        publish("default", 3, velocityOffReviewAt(3, 0.4));
        OperatorSubtaskState gateState = gate.snapshot(1, 1);
        OperatorSubtaskState updatesState = updates.snapshot(1, 1);
        gate.close();
        updates.close();

        gate = gate(backend, gateState);
        updates = updates(backend, updatesState);
        taken = 0;
        FraudDecision decided = decide("u1", "d1", 5, 0.42);
        publish("default", 3, velocityOffReviewAt(3, 0.1));

        assertThat(decided.getRuleSetVersion()).isEqualTo(3);
        assertThat(decided.getDecision()).isEqualTo(Decision.REVIEW);
        assertThat(deadLetters())
                .extracting(DeadLetter::getReason)
                .as("the restored updates remember version 3")
                .containsExactly(RuleSetUpdates.STALE);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDenyListedDeviceForcesBlock(Backend backend) throws Exception {
        open(backend);
        publish(
                "default",
                1,
                "{\"id\": \"default\", \"version\": 1, \"deny\": {\"devices\": [\"d-stolen\"]}}");

        FraudDecision denied = decide("u1", "d-stolen", 5, 0.01);
        FraudDecision other = decide("u2", "d-own", 5, 0.01);

        assertThat(denied.getDecision()).isEqualTo(Decision.BLOCK);
        assertThat(denied.getReasons()).containsExactly("deny:device");
        assertThat(denied.getRuleSetVersion()).isEqualTo(1);
        assertThat(other.getDecision()).isEqualTo(Decision.ALLOW);
        assertThat(other.getReasons()).isEmpty();
    }
}
