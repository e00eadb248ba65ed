package com.kartshoppe.feedback.learning;

import static com.kartshoppe.feedback.FeedbackTestEvents.FRAUD_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.RECO_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.T0;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudFeatures;
import static com.kartshoppe.feedback.FeedbackTestEvents.millis;
import static com.kartshoppe.feedback.FeedbackTestEvents.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.FeedbackOptions;
import com.kartshoppe.feedback.FeedbackSettings;
import com.kartshoppe.feedback.FeedbackTestEvents;
import com.kartshoppe.feedback.accuracy.JsonReport;
import com.kartshoppe.feedback.outcome.Outcome;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link AdapterTraining}. */
class AdapterTrainingTest {

    private static final double SHARE = 0.2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyedOneInputStreamOperatorTestHarness<String, Outcome, AdapterParams> harness;
    private Backend backend;

    private static Configuration conf(int publishEvery, int minHoldout, double maxIncrease) {
        Configuration conf = new Configuration();
        conf.set(FeedbackOptions.FRAUD_PUBLISH_EVERY, publishEvery);
        conf.set(FeedbackOptions.RECO_PUBLISH_EVERY, publishEvery);
        conf.set(FeedbackOptions.PUBLISH_INTERVAL, Duration.ofDays(1));
        conf.set(FeedbackOptions.MIN_HOLDOUT, minHoldout);
        conf.set(FeedbackOptions.HOLDOUT_SHARE, SHARE);
        conf.set(FeedbackOptions.MAX_LOG_LOSS_INCREASE, maxIncrease);
        return conf;
    }

    /** Every trained example is published: a decision each, never rejected. */
    private static Configuration publishEach() {
        return conf(1, 0, 5.0);
    }

    private void open(Configuration conf, Backend backend) throws Exception {
        open(conf, backend, Map.of());
    }

    private void open(Configuration conf, Backend backend, Map<String, Long> publishedBefore)
            throws Exception {
        this.backend = backend;
        harness =
                Harnesses.keyed(
                        new AdapterTraining(FeedbackOptions.settings(conf), publishedBefore),
                        o -> o.example.getModelName(),
                        backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** The first {@code n} ids {@code <prefix><i>} that are (or are not) held back. */
    private static List<String> ids(String prefix, boolean heldBack, int n) {
        return LearningTestSupport.ids(prefix, heldBack, n, SHARE);
    }

    private static LabeledExample fraud(
            String id, String version, Instant labelTime, double base, int label) {
        return FeedbackTestEvents.example(
                id,
                UseCase.FRAUD,
                FRAUD_MODEL,
                version,
                labelTime.minus(Duration.ofMinutes(10)),
                labelTime,
                base,
                base,
                label,
                fraudFeatures(label + 1, label, 2 - label));
    }

    private void send(LabeledExample e) throws Exception {
        send(e, false);
    }

    private void send(LabeledExample e, boolean late) throws Exception {
        Outcome o = new Outcome();
        o.example = e;
        o.labelled = true;
        o.late = late;
        o.decidedAt = millis(e.getLabelTime());
        harness.processElement(o, millis(e.getLabelTime()));
    }

    private void watermark(long t) throws Exception {
        harness.processWatermark(new Watermark(t));
    }

    private List<AdapterParams> params() {
        List<AdapterParams> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private List<JsonNode> decisions() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Queue<StreamRecord<JsonReport>> side = harness.getSideOutput(AdapterTraining.DECISIONS);
        if (side == null) {
            return out;
        }
        for (StreamRecord<JsonReport> r : side) {
            JsonNode json = JSON.readTree(r.getValue().json);
            assertThat(r.getValue().key).isEqualTo(json.get("modelName").asText());
            out.add(json);
        }
        side.clear();
        return out;
    }

    private KeyedStateBackend<String> keyed() {
        return ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    }

    /** The base model versions a model's learner state is kept for. */
    private List<String> learnerVersions(String model) throws Exception {
        keyed().setCurrentKey(model);
        List<String> versions = new ArrayList<>();
        keyed().getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new MapStateDescriptor<>(
                                "learners", Types.STRING, TypeInformation.of(LearnerState.class)))
                .keys()
                .forEach(versions::add);
        versions.sort(null);
        return versions;
    }

    private void assertNothingHeld() throws Exception {
        assertThat(Harnesses.stateEntries(harness, Backend.ROCKSDB, "examples"))
                .as("held examples")
                .isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /** The parameters without their wall-clock publication time. */
    private static List<Object> content(AdapterParams p) {
        return List.of(
                p.getModelName(),
                p.getBaseModelVersion(),
                p.getAdapterVersion(),
                p.getFeatureNames(),
                p.getBias(),
                p.getLogitWeight(),
                p.getWeights(),
                p.getExamplesSeen(),
                p.getTrainedUpTo());
    }

    private static List<List<Object>> learnedInOrder(
            List<LabeledExample> examples, FeedbackSettings settings) {
        LearnerState state =
                LearnerState.fresh(
                        examples.get(0),
                        settings.adapterFeatures(UseCase.FRAUD),
                        settings.holdoutSize(),
                        0);
        List<List<Object>> published = new ArrayList<>();
        for (LabeledExample e : examples) {
            LearnerState.Update update = state.learn(e, settings, Instant.EPOCH);
            if (update != null && update.params() != null) {
                published.add(content(update.params()));
            }
        }
        return published;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void examplesWaitForTheWatermarkAndAreLearnedInTimeThenPredictionIdOrder(Backend backend)
            throws Exception {
        open(publishEach(), backend);
        List<String> ids = ids("fraud:o-", false, 8);
        // Arrival order; two pairs share a time, the later id arriving first.
        List<LabeledExample> arrival =
                List.of(
                        fraud(ids.get(5), "1", seconds(30), 0.9, 0),
                        fraud(ids.get(1), "1", seconds(10), 0.2, 1),
                        fraud(ids.get(7), "1", seconds(20), 0.7, 1),
                        fraud(ids.get(0), "1", seconds(20), 0.1, 0),
                        fraud(ids.get(3), "1", seconds(40), 0.4, 1),
                        fraud(ids.get(2), "1", seconds(40), 0.3, 0),
                        fraud(ids.get(6), "1", seconds(5), 0.6, 1),
                        fraud(ids.get(4), "1", seconds(50), 0.5, 0));
        for (LabeledExample e : arrival) {
            send(e);
        }
        assertThat(params()).isEmpty();
        assertThat(decisions()).isEmpty();
        assertThat(harness.numEventTimeTimers()).as("one per distinct time").isEqualTo(6);

        watermark(millis(seconds(20)));
        List<AdapterParams> published = params();
        assertThat(published)
                .extracting(AdapterParams::getExamplesSeen)
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);
        watermark(millis(seconds(50)));
        published.addAll(params());
        assertNothingHeld();
        assertThat(learnerVersions(FRAUD_MODEL)).containsExactly("1");

        // What a learner fed in event-time order, ties by prediction id, publishes.
        List<LabeledExample> ordered = new ArrayList<>(arrival);
        ordered.sort(
                Comparator.comparing(LabeledExample::getLabelTime)
                        .thenComparing(LabeledExample::getPredictionId));
        FeedbackSettings settings = FeedbackOptions.settings(publishEach());
        assertThat(published.stream().map(AdapterTrainingTest::content).toList())
                .containsExactlyElementsOf(learnedInOrder(ordered, settings))
                .isNotEqualTo(learnedInOrder(arrival, settings));
        assertThat(published)
                .extracting(AdapterParams::getAdapterVersion)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(decisions())
                .extracting(d -> d.get("examplesSeen").asLong())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void anExampleBehindTheWatermarkIsLearnedAtOnce() throws Exception {
        open(publishEach(), Backend.HEAP);
        watermark(millis(seconds(60)));
        send(fraud(ids("fraud:o-", false, 1).get(0), "1", seconds(10), 0.4, 1));
        assertThat(params()).extracting(AdapterParams::getAdapterVersion).containsExactly(1L);
        assertNothingHeld();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyDecisionGoesToTheSideOutputPublishedOrNot(Backend backend) throws Exception {
        open(conf(2, 3, 5.0), backend);
        List<String> trained = ids("fraud:o-", false, 6);
        List<String> held = ids("fraud:o-", true, 3);
        for (int i = 0; i < 4; i++) {
            send(fraud(trained.get(i), "1", seconds(i), 0.3, i % 2));
        }
        watermark(millis(seconds(10)));
        assertThat(params()).isEmpty();
        assertThat(decisions())
                .extracting(
                        d -> d.get("published").asBoolean(),
                        d -> d.get("decision").asText(),
                        d -> d.get("adapterVersion").asLong(),
                        d -> d.get("examplesSeen").asLong(),
                        d -> d.get("holdoutExamples").asInt())
                .containsExactly(
                        tuple(false, "too few held-back examples", 1L, 2L, 0),
                        tuple(false, "too few held-back examples", 1L, 4L, 0));

        for (int i = 0; i < 3; i++) {
            send(fraud(held.get(i), "1", seconds(20 + i), 0.3, i % 2));
        }
        send(fraud(trained.get(4), "1", seconds(30), 0.3, 1));
        send(fraud(trained.get(5), "1", seconds(31), 0.3, 0));
        watermark(millis(seconds(31)));
        List<AdapterParams> published = params();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).getAdapterVersion()).isEqualTo(1);
        assertThat(published.get(0).getExamplesSeen()).isEqualTo(6);
        assertThat(published.get(0).getTrainedUpTo()).isEqualTo(seconds(31));
        List<JsonNode> decisions = decisions();
        assertThat(decisions).hasSize(1);
        JsonNode d = decisions.get(0);
        assertThat(d.get("type").asText()).isEqualTo("adapter-update");
        assertThat(d.get("published").asBoolean()).isTrue();
        assertThat(d.get("decision").asText()).isEqualTo("published");
        assertThat(d.get("adapterVersion").asLong()).isEqualTo(1);
        assertThat(d.get("holdoutExamples").asInt()).isEqualTo(3);
        assertThat(d.get("trainedUpTo").asText()).isEqualTo(seconds(31).toString());
        assertNothingHeld();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void lateOutcomesAreNotLearned(Backend backend) throws Exception {
        open(publishEach(), backend);
        for (String id : ids("fraud:o-", false, 3)) {
            send(fraud(id, "1", seconds(10), 0.3, 1), true);
        }
        watermark(Long.MAX_VALUE);
        assertThat(params()).isEmpty();
        assertThat(decisions()).isEmpty();
        assertThat(Harnesses.stateEntries(harness, backend, "learners", "examples")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aNewBaseModelVersionStartsAFreshAdapterAtVersionOne(Backend backend) throws Exception {
        open(publishEach(), backend);
        List<String> ids = ids("fraud:o-", false, 5);
        send(fraud(ids.get(0), "1", seconds(1), 0.3, 1));
        send(fraud(ids.get(1), "1", seconds(2), 0.3, 0));
        send(fraud(ids.get(2), "2", seconds(3), 0.3, 1));
        send(fraud(ids.get(3), "1", seconds(4), 0.3, 1));
        send(fraud(ids.get(4), "2", seconds(5), 0.3, 0));
        // Another model has adapters of its own.
        send(
                FeedbackTestEvents.example(
                        ids("reco:", false, 1).get(0),
                        UseCase.RECO,
                        RECO_MODEL,
                        "1",
                        T0,
                        seconds(3).plusMillis(500),
                        0.4,
                        0.4,
                        1,
                        Map.of("same_category", 1.0)));
        watermark(Long.MAX_VALUE);
        assertThat(params())
                .extracting(
                        AdapterParams::getModelName,
                        AdapterParams::getBaseModelVersion,
                        AdapterParams::getAdapterVersion,
                        AdapterParams::getExamplesSeen)
                .containsExactly(
                        tuple(FRAUD_MODEL, "1", 1L, 1L),
                        tuple(FRAUD_MODEL, "1", 2L, 2L),
                        tuple(FRAUD_MODEL, "2", 1L, 1L),
                        tuple(RECO_MODEL, "1", 1L, 1L),
                        tuple(FRAUD_MODEL, "1", 3L, 3L),
                        tuple(FRAUD_MODEL, "2", 2L, 2L));
        assertThat(learnerVersions(FRAUD_MODEL)).containsExactly("1", "2");
        assertThat(learnerVersions(RECO_MODEL)).containsExactly("1");
        assertNothingHeld();
    }

    @Test
    void atMostFourBaseModelVersionsAreKeptTheStalestDroppedFirstAndVersionsKeepIncreasing()
            throws Exception {
        open(publishEach(), Backend.HEAP);
        List<String> ids = ids("fraud:o-", false, 7);
        // Version 1 trained last of the first four, so version 2 is the stalest.
        send(fraud(ids.get(0), "2", seconds(1), 0.3, 1));
        send(fraud(ids.get(1), "3", seconds(2), 0.3, 1));
        send(fraud(ids.get(2), "4", seconds(3), 0.3, 1));
        send(fraud(ids.get(3), "1", seconds(4), 0.3, 1));
        send(fraud(ids.get(4), "1", seconds(5), 0.3, 1));
        watermark(millis(seconds(5)));
        assertThat(learnerVersions(FRAUD_MODEL)).containsExactly("1", "2", "3", "4");

        send(fraud(ids.get(5), "5", seconds(6), 0.3, 1));
        watermark(millis(seconds(6)));
        assertThat(learnerVersions(FRAUD_MODEL)).containsExactly("1", "3", "4", "5");

        send(fraud(ids.get(6), "2", seconds(7), 0.3, 1));
        watermark(millis(seconds(7)));
        assertThat(learnerVersions(FRAUD_MODEL)).containsExactly("1", "2", "4", "5");
        List<AdapterParams> published = params();
        AdapterParams restarted = published.get(published.size() - 1);
        assertThat(restarted.getBaseModelVersion()).isEqualTo("2");
        // Its weights start again from zero, but its versions keep increasing: the scoring jobs
        // ignore a version lower than one they have.
        assertThat(restarted.getAdapterVersion()).as("after version 1 before").isEqualTo(2);
        assertThat(restarted.getExamplesSeen()).isEqualTo(1);
    }

    @Test
    void withoutStateVersionsContinueAboveThosePublishedBefore() throws Exception {
        AdapterParams seven =
                AdapterParams.newBuilder()
                        .setModelName(FRAUD_MODEL)
                        .setBaseModelVersion("1")
                        .setAdapterVersion(7)
                        .setFeatureNames(List.of())
                        .setBias(0)
                        .setLogitWeight(0)
                        .setWeights(List.of())
                        .setExamplesSeen(70)
                        .setTrainedUpTo(T0)
                        .setPublishedAt(T0)
                        .build();
        AdapterParams three = AdapterParams.newBuilder(seven).setAdapterVersion(3).build();
        AdapterParams otherBase =
                AdapterParams.newBuilder(seven)
                        .setBaseModelVersion("2")
                        .setAdapterVersion(9)
                        .build();
        Map<String, Long> before =
                AdapterTraining.highestVersions(List.of(seven, three, otherBase));
        assertThat(before).isEqualTo(Map.of(FRAUD_MODEL + "/1", 7L, FRAUD_MODEL + "/2", 9L));
        open(publishEach(), Backend.HEAP, before);
        List<String> ids = ids("fraud:o-", false, 3);
        send(fraud(ids.get(0), "1", seconds(1), 0.3, 1));
        send(fraud(ids.get(1), "1", seconds(2), 0.3, 0));
        send(fraud(ids.get(2), "3", seconds(3), 0.3, 1));
        watermark(Long.MAX_VALUE);

        assertThat(params())
                .extracting(AdapterParams::getBaseModelVersion, AdapterParams::getAdapterVersion)
                .containsExactly(tuple("1", 8L), tuple("1", 9L), tuple("3", 1L));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withAdaptationDisabledNothingIsLearnedOrKept(Backend backend) throws Exception {
        Configuration conf = publishEach();
        conf.set(FeedbackOptions.ADAPTATION, false);
        open(conf, backend);
        for (String id : ids("fraud:o-", false, 5)) {
            send(fraud(id, "1", seconds(10), 0.3, 1));
        }
        watermark(Long.MAX_VALUE);
        assertThat(params()).isEmpty();
        assertThat(decisions()).isEmpty();
        assertThat(Harnesses.stateEntries(harness, backend, "learners", "examples")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anExampleWhoseBaseScoreIsNotANumberIsSkipped() throws Exception {
        open(publishEach(), Backend.HEAP);
        List<String> ids = ids("fraud:o-", false, 2);
        send(fraud(ids.get(0), "1", seconds(10), Double.NaN, 1));
        send(fraud(ids.get(1), "1", seconds(20), 0.4, 1));
        watermark(millis(seconds(30)));
        List<AdapterParams> published = params();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).getExamplesSeen()).isEqualTo(1);
        assertThat(published.get(0).getBias()).isFinite();
        assertThat(published.get(0).getLogitWeight()).isFinite();
        assertThat(published.get(0).getWeights()).allMatch(Double::isFinite);
    }
}
