package com.kartshoppe.feedback.outcome;

import static com.kartshoppe.feedback.FeedbackTestEvents.T0;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudPrediction;
import static com.kartshoppe.feedback.FeedbackTestEvents.label;
import static com.kartshoppe.feedback.FeedbackTestEvents.millis;
import static com.kartshoppe.feedback.FeedbackTestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link FraudOutcomes}. */
class FraudOutcomesTest {

    private static final long HORIZON = Duration.ofMinutes(30).toMillis();
    private static final long RETENTION = Duration.ofHours(1).toMillis();
    private static final String[] STATES = {"prediction", "status", "waiting-label"};

    private KeyedTwoInputStreamOperatorTestHarness<String, PredictionLog, FraudLabel, Outcome>
            harness;
    private Backend backend;

    private void open(Backend backend) throws Exception {
        this.backend = backend;
        harness =
                Harnesses.keyed(
                        new FraudOutcomes(HORIZON, RETENTION),
                        PredictionLog::getRequestId,
                        FraudLabel::getOrderId,
                        backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(PredictionLog p) throws Exception {
        harness.processElement1(p, millis(p.getEventTime()));
    }

    private void send(FraudLabel l) throws Exception {
        harness.processElement2(l, millis(l.getEventTime()));
    }

    private void watermark(long t) throws Exception {
        harness.processBothWatermarks(new Watermark(t));
    }

    /** The outcomes emitted since the last call. */
    private List<Outcome> drain() {
        List<Outcome> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private static long deadline(PredictionLog p) {
        return millis(p.getEventTime()) + HORIZON;
    }

    private static long cleanUp(PredictionLog p) {
        return deadline(p) + RETENTION + 1;
    }

    private int stateEntries() throws Exception {
        return Harnesses.stateEntries(harness, backend, STATES);
    }

    private void assertNothingLeft() throws Exception {
        assertThat(stateEntries()).as("keyed state").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    }

    /** The example {@link FraudOutcomes} must make of {@code p}, field by field. */
    private static LabeledExample expected(
            PredictionLog p, int label, String source, long labelTime) {
        return LabeledExample.newBuilder()
                .setPredictionId(p.getPredictionId())
                .setUseCase(p.getUseCase())
                .setEntityId(p.getEntityId())
                .setItemId(p.getItemId())
                .setEventTime(p.getEventTime())
                .setLabelTime(Instant.ofEpochMilli(labelTime))
                .setFeatureSet(p.getFeatureSet())
                .setFeatureSetVersion(p.getFeatureSetVersion())
                .setFeatures(p.getFeatures())
                .setScore(p.getScore())
                .setBaseScore(p.getBaseScore())
                .setModelName(p.getModelName())
                .setModelVersion(p.getModelVersion())
                .setAdapterVersion(p.getAdapterVersion())
                .setLabel(label)
                .setLabelSource(source)
                .build();
    }

    private static void assertOutcome(
            Outcome o,
            PredictionLog p,
            int label,
            String source,
            long labelTime,
            boolean labelled,
            boolean late) {
        assertThat(o.example).isEqualTo(expected(p, label, source, labelTime));
        assertThat(o.labelled).as("labelled").isEqualTo(labelled);
        assertThat(o.late).as("late").isEqualTo(late);
        assertThat(o.requestItems)
                .as("an order is a request of one item, counted once: not again when late")
                .isEqualTo(late ? 0 : 1);
        assertThat(o.clicked).isFalse();
        assertThat(o.purchased).isFalse();
    }

    private static void assertOnTime(Outcome o, PredictionLog p, int label, FraudLabel l) {
        assertOutcome(o, p, label, l.getLabel().name(), millis(l.getEventTime()), true, false);
    }

    private static void assertMatured(Outcome o, PredictionLog p) {
        assertOutcome(o, p, 0, "MATURED", deadline(p), false, false);
    }

    private static void assertLate(Outcome o, PredictionLog p, int label, FraudLabel l) {
        assertOutcome(
                o, p, label, "LATE_" + l.getLabel().name(), millis(l.getEventTime()), true, true);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void onTimeLabelsMakeAnExampleAtOnce(Backend backend) throws Exception {
        open(backend);
        PredictionLog fraud = fraudPrediction("o-1", minutes(0), 0.8);
        PredictionLog cleared = fraudPrediction("o-2", minutes(1), 0.1);
        PredictionLog confirmed = fraudPrediction("o-3", minutes(2), 0.6);
        send(fraud);
        send(cleared);
        send(confirmed);
        watermark(millis(minutes(2)));
        assertThat(drain()).isEmpty();

        FraudLabel chargeback = label("o-1", FraudLabelType.CHARGEBACK, minutes(10));
        send(chargeback);
        List<Outcome> out = drain();
        assertThat(out).hasSize(1);
        assertOnTime(out.get(0), fraud, 1, chargeback);

        // Exactly at the horizon is still on time.
        FraudLabel clear = label("o-2", FraudLabelType.CLEARED, minutes(31));
        send(clear);
        out = drain();
        assertThat(out).hasSize(1);
        assertOnTime(out.get(0), cleared, 0, clear);

        FraudLabel confirm = label("o-3", FraudLabelType.CONFIRMED_FRAUD, minutes(31));
        send(confirm);
        out = drain();
        assertThat(out).hasSize(1);
        assertOnTime(out.get(0), confirmed, 1, confirm);
        assertThat(harness.numEventTimeTimers()).as("only the clean-up timers").isEqualTo(3);

        watermark(millis(minutes(40)));
        assertThat(drain()).as("a labelled order does not mature").isEmpty();

        watermark(cleanUp(confirmed) - 1);
        assertThat(stateEntries()).as("o-3 is kept for late labels").isPositive();
        watermark(cleanUp(confirmed));
        assertThat(drain()).isEmpty();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anOrderWithoutLabelMaturesExactlyWhenTheWatermarkReachesTheHorizon(Backend backend)
            throws Exception {
        open(backend);
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.4);
        send(p);
        assertThat(harness.numEventTimeTimers()).as("maturity and clean-up").isEqualTo(2);

        watermark(deadline(p) - 1);
        assertThat(drain()).isEmpty();

        watermark(deadline(p));
        List<Outcome> out = drain();
        assertThat(out).hasSize(1);
        assertMatured(out.get(0), p);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark(cleanUp(p) - 1);
        assertThat(stateEntries()).as("kept a retention for late labels").isPositive();
        watermark(cleanUp(p));
        assertThat(drain()).as("matures once").isEmpty();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLabelAfterMaturityBecomesASecondLateExample(Backend backend) throws Exception {
        open(backend);
        PredictionLog fraud = fraudPrediction("o-1", minutes(0), 0.3);
        PredictionLog legit = fraudPrediction("o-2", minutes(0), 0.2);
        send(fraud);
        send(legit);
        watermark(deadline(fraud));
        List<Outcome> out = drain();
        assertThat(out).hasSize(2);
        assertMatured(out.get(0), fraud);
        assertMatured(out.get(1), legit);

        FraudLabel chargeback =
                label("o-1", FraudLabelType.CHARGEBACK, Instant.ofEpochMilli(deadline(fraud) + 1));
        send(chargeback);
        out = drain();
        assertThat(out).hasSize(1);
        assertLate(out.get(0), fraud, 1, chargeback);

        FraudLabel clear = label("o-2", FraudLabelType.CLEARED, minutes(50));
        send(clear);
        out = drain();
        assertThat(out).hasSize(1);
        assertLate(out.get(0), legit, 0, clear);

        watermark(cleanUp(fraud));
        assertThat(drain()).isEmpty();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLabelPastTheHorizonArrivingBeforeTheMaturityWatermarkMaturesTheOrderFirst(Backend backend)
            throws Exception {
        open(backend);
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.7);
        send(p);
        watermark(millis(minutes(10)));
        FraudLabel confirm =
                label("o-1", FraudLabelType.CONFIRMED_FRAUD, Instant.ofEpochMilli(deadline(p) + 1));
        send(confirm);

        List<Outcome> out = drain();
        assertThat(out).hasSize(2);
        assertMatured(out.get(0), p);
        assertLate(out.get(1), p, 1, confirm);
        assertThat(harness.numEventTimeTimers()).as("maturity timer deleted").isEqualTo(1);

        watermark(deadline(p));
        assertThat(drain()).as("no second MATURED").isEmpty();
        watermark(cleanUp(p));
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLabelBeforeItsPredictionWaitsAndIsAppliedWhenThePredictionComes(Backend backend)
            throws Exception {
        open(backend);
        watermark(millis(T0) - 10_000);
        FraudLabel chargeback = label("o-1", FraudLabelType.CHARGEBACK, minutes(5));
        send(chargeback);
        assertThat(drain()).isEmpty();
        assertThat(stateEntries()).as("the waiting label").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.9);
        send(p);
        List<Outcome> out = drain();
        assertThat(out).hasSize(1);
        assertOnTime(out.get(0), p, 1, chargeback);
        assertThat(harness.numEventTimeTimers())
                .as("the maturity timer deleted; the label's expiry and the clean-up left")
                .isEqualTo(2);

        // A label that waits for its prediction but is later than the horizon.
        FraudLabel late = label("o-2", FraudLabelType.CLEARED, minutes(45));
        send(late);
        PredictionLog q = fraudPrediction("o-2", minutes(0), 0.6);
        send(q);
        out = drain();
        assertThat(out).hasSize(2);
        assertMatured(out.get(0), q);
        assertLate(out.get(1), q, 0, late);

        watermark(cleanUp(q));
        assertThat(drain()).isEmpty();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLabelWithoutPredictionIsDroppedAHorizonAfterItsTime(Backend backend) throws Exception {
        open(backend);
        FraudLabel orphan = label("o-1", FraudLabelType.CHARGEBACK, minutes(5));
        send(orphan);
        watermark(millis(minutes(35)) - 1);
        assertThat(stateEntries()).isEqualTo(1);

        watermark(millis(minutes(35)));
        assertThat(drain()).isEmpty();
        assertNothingLeft();

        // The order's prediction, replayed after the label was dropped, matures as unlabelled.
        PredictionLog p = fraudPrediction("o-1", minutes(5), 0.5);
        send(p);
        watermark(millis(minutes(35)) + 1);
        List<Outcome> out = drain();
        assertThat(out).hasSize(1);
        assertMatured(out.get(0), p);
        watermark(cleanUp(p));
        assertNothingLeft();
    }

    @Test
    void aSecondLabelBeforeThePredictionIsDroppedAndTheFirstApplied() throws Exception {
        open(Backend.HEAP);
        FraudLabel first = label("o-1", FraudLabelType.CLEARED, minutes(1));
        send(first);
        send(label("o-1", FraudLabelType.CHARGEBACK, minutes(2)));
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.5);
        send(p);

        List<Outcome> out = drain();
        assertThat(out).hasSize(1);
        assertOnTime(out.get(0), p, 0, first);
        watermark(Long.MAX_VALUE);
        assertThat(drain()).isEmpty();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDuplicatePredictionIsIgnored(Backend backend) throws Exception {
        open(backend);
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.2);
        send(p);
        PredictionLog replayed =
                PredictionLog.newBuilder(fraudPrediction("o-1", minutes(1), 0.9))
                        .setPredictionId("fraud:o-1#replay")
                        .build();
        send(replayed);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        FraudLabel chargeback = label("o-1", FraudLabelType.CHARGEBACK, minutes(3));
        send(chargeback);
        List<Outcome> out = drain();
        assertThat(out).hasSize(1);
        assertOnTime(out.get(0), p, 1, chargeback);

        send(replayed);
        watermark(cleanUp(replayed));
        assertThat(drain()).as("the replay neither matures nor re-labels").isEmpty();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLabelForAnOrderForgottenAfterTheRetentionIsDropped(Backend backend) throws Exception {
        open(backend);
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.2);
        send(p);
        watermark(cleanUp(p));
        assertThat(drain()).hasSize(1); // MATURED
        assertNothingLeft();

        FraudLabel tooLate =
                label("o-1", FraudLabelType.CHARGEBACK, Instant.ofEpochMilli(cleanUp(p) + 1));
        send(tooLate);
        assertThat(drain()).isEmpty();
        watermark(cleanUp(p) + 1 + HORIZON);
        assertThat(drain()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void aWaitingLabelWhoseTimerCoincidesWithTheCleanUpTimeDoesNotLeakState() throws Exception {
        open(Backend.HEAP);
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.2);
        FraudLabel chargeback =
                label("o-1", FraudLabelType.CHARGEBACK, Instant.ofEpochMilli(cleanUp(p) - HORIZON));
        send(chargeback);
        send(p);
        List<Outcome> out = drain();
        assertThat(out).hasSize(2);
        assertMatured(out.get(0), p);
        assertLate(out.get(1), p, 1, chargeback);

        watermark(Long.MAX_VALUE);
        assertNothingLeft();
    }

    /**
     * The adapter trainer holds outcomes by the time they were decided and learns them in that
     * order; a replay is deterministic only if that time does not depend on whether the label or
     * the prediction was read first (the record timestamps do).
     */
    @Test
    void anOnTimeOutcomeIsDecidedAtTheSameTimeWhicheverInputArrivesFirst() throws Exception {
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.2);
        FraudLabel chargeback = label("o-1", FraudLabelType.CHARGEBACK, minutes(10));

        open(Backend.HEAP);
        send(p);
        send(chargeback);
        List<StreamRecord<? extends Outcome>> predictionFirst =
                harness.extractOutputStreamRecords();
        harness.close();

        open(Backend.HEAP);
        send(chargeback);
        send(p);
        List<StreamRecord<? extends Outcome>> labelFirst = harness.extractOutputStreamRecords();

        assertThat(predictionFirst).hasSize(1);
        assertThat(labelFirst).hasSize(1);
        assertThat(labelFirst.get(0).getValue().example)
                .isEqualTo(predictionFirst.get(0).getValue().example);
        assertThat(labelFirst.get(0).getValue().decidedAt)
                .isEqualTo(predictionFirst.get(0).getValue().decidedAt)
                .isEqualTo(minutes(10).toEpochMilli());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRepeatedLabelIsDroppedAndAContradictingOneIsACorrection(Backend backend)
            throws Exception {
        open(backend);
        PredictionLog p = fraudPrediction("o-1", minutes(0), 0.2);
        send(p);
        FraudLabel cleared = label("o-1", FraudLabelType.CLEARED, minutes(5));
        send(cleared);
        assertOnTime(drain().get(0), p, 0, cleared);

        send(label("o-1", FraudLabelType.CLEARED, minutes(6)));
        assertThat(drain()).as("the same outcome again").isEmpty();

        FraudLabel chargeback = label("o-1", FraudLabelType.CHARGEBACK, minutes(20));
        send(chargeback);
        List<Outcome> out = drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).late).isTrue();
        assertThat(out.get(0).example.getLabel()).isEqualTo(1);
        assertThat(out.get(0).example.getLabelSource()).isEqualTo("CORRECTED_CHARGEBACK");
        assertThat(out.get(0).example.getLabelTime()).isEqualTo(chargeback.getEventTime());

        watermark(cleanUp(p));
        assertThat(drain()).as("nothing matures after a label").isEmpty();
        assertNothingLeft();
    }
}
