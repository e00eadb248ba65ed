package com.kartshoppe.feedback.learning;

import static com.kartshoppe.feedback.FeedbackTestEvents.FRAUD_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.T0;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudFeatures;
import static com.kartshoppe.feedback.FeedbackTestEvents.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.FeedbackOptions;
import com.kartshoppe.feedback.FeedbackSettings;
import com.kartshoppe.inference.adapter.FtrlLearner;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link LearnerState}. */
class LearnerStateTest {

    private static final double SHARE = 0.2;
    private static final List<String> FEATURES =
            FeedbackOptions.FRAUD_ADAPTER_FEATURES.defaultValue();
    private static final Instant NOW = Instant.parse("2026-03-03T00:00:00Z");

    private static FeedbackSettings settings(
            int publishEvery, Duration interval, int minHoldout, double maxIncrease) {
        Configuration conf = new Configuration();
        conf.set(FeedbackOptions.FRAUD_PUBLISH_EVERY, publishEvery);
        conf.set(FeedbackOptions.PUBLISH_INTERVAL, interval);
        conf.set(FeedbackOptions.MIN_HOLDOUT, minHoldout);
        conf.set(FeedbackOptions.HOLDOUT_SHARE, SHARE);
        conf.set(FeedbackOptions.MAX_LOG_LOSS_INCREASE, maxIncrease);
        return FeedbackOptions.settings(conf);
    }

    /** The first {@code n} ids {@code <prefix><i>} that are (or are not) held back. */
    private static List<String> ids(String prefix, boolean heldBack, int n) {
        return LearningTestSupport.ids(prefix, heldBack, n, SHARE);
    }

    private static LabeledExample example(
            String id, Instant labelTime, double base, int label, double newDevice) {
        return com.kartshoppe.feedback.FeedbackTestEvents.example(
                id,
                UseCase.FRAUD,
                FRAUD_MODEL,
                "1",
                labelTime.minus(Duration.ofMinutes(10)),
                labelTime,
                base,
                base,
                label,
                fraudFeatures(1, newDevice, 2));
    }

    private static LearnerState fresh() {
        return LearnerState.fresh(example("first", T0, 0.5, 0, 0), FEATURES, 200, 0);
    }

    @Test
    void theHeldBackShareIsAboutTheSettingAndStablePerId() {
        int held = 0;
        int nestedViolations = 0;
        for (int i = 0; i < 10_000; i++) {
            String id = "fraud:o-" + i;
            boolean back = LearnerState.heldBack(id, SHARE);
            assertThat(LearnerState.heldBack(id, SHARE)).isEqualTo(back);
            held += back ? 1 : 0;
            if (back && !LearnerState.heldBack(id, 0.5)) {
                nestedViolations++;
            }
        }
        assertThat(held).isBetween(1_700, 2_300);
        assertThat(nestedViolations).as("a larger share holds back a superset").isZero();

        // Ids that differ in one character only, as a recommendation's items do.
        int similar = 0;
        for (int i = 0; i < 10_000; i++) {
            similar += LearnerState.heldBack("reco-" + i / 10 + ":p-" + i % 10, SHARE) ? 1 : 0;
        }
        assertThat(similar).isBetween(1_700, 2_300);
    }

    @Test
    void aDecisionIsDueExactlyEveryPublishEveryTrainedExamples() {
        FeedbackSettings settings = settings(5, Duration.ofDays(1), 0, 10.0);
        LearnerState state = fresh();
        List<String> trained = ids("t-", false, 11);
        List<String> held = ids("h-", true, 11);
        List<Integer> due = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        for (int i = 0; i < trained.size(); i++) {
            assertThat(
                            state.learn(
                                    example(held.get(i), seconds(i), 0.3, i % 2, i % 2),
                                    settings,
                                    NOW))
                    .as("a held-back example is never trained on")
                    .isNull();
            LearnerState.Update update =
                    state.learn(
                            example(trained.get(i), seconds(i), 0.3, i % 2, i % 2), settings, NOW);
            if (update != null) {
                due.add(i + 1);
                versions.add(update.params().getAdapterVersion());
                assertThat(update.decision().get("examplesSeen").asLong()).isEqualTo(i + 1);
            }
        }
        assertThat(due).containsExactly(5, 10);
        assertThat(versions).containsExactly(1L, 2L);
        assertThat(state.examplesSeen).isEqualTo(11);
        assertThat(state.holdoutCount).isEqualTo(11);
        assertThat(state.sincePublish).isEqualTo(1);
    }

    @Test
    void aDecisionIsDueAPublishIntervalOfLabelTimeAfterTheLast() {
        FeedbackSettings settings = settings(1_000, Duration.ofMinutes(1), 0, 10.0);
        LearnerState state = fresh();
        List<String> trained = ids("t-", false, 6);
        long[] labelMillis = {0, 20_000, 59_999, 60_000, 119_999, 120_000};
        List<Long> dueAt = new ArrayList<>();
        for (int i = 0; i < trained.size(); i++) {
            Instant t = T0.plusMillis(labelMillis[i]);
            LearnerState.Update update =
                    state.learn(example(trained.get(i), t, 0.3, 0, 0), settings, NOW);
            if (update != null) {
                dueAt.add(labelMillis[i]);
                assertThat(update.decision().get("trainedUpTo").asText()).isEqualTo(t.toString());
                assertThat(update.params().getTrainedUpTo()).isEqualTo(t);
                assertThat(update.params().getPublishedAt()).isEqualTo(NOW);
            }
        }
        assertThat(dueAt).containsExactly(60_000L, 120_000L);
    }

    /**
     * Held back: the base model is right (0.95 for frauds, 0.05 for the others). Trained on: the
     * same scores with the labels flipped, so the adapter learns to contradict the base model.
     */
    private static List<LearnerState.Update> adversarial(FeedbackSettings settings) {
        LearnerState state = fresh();
        List<String> trained = ids("t-", false, 40);
        List<String> held = ids("h-", true, 40);
        List<LearnerState.Update> decisions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int label = i % 2;
            double right = label == 1 ? 0.95 : 0.05;
            state.learn(example(held.get(i), seconds(i), right, label, 1), settings, NOW);
            LearnerState.Update update =
                    state.learn(
                            example(trained.get(i), seconds(i), 1 - right, label, 1),
                            settings,
                            NOW);
            if (update != null) {
                decisions.add(update);
            }
        }
        return decisions;
    }

    @Test
    void theGuardRailRejectsAnAdapterWorseThanTheBaseModelOnTheHeldBackWindow() {
        List<LearnerState.Update> decisions =
                adversarial(settings(20, Duration.ofDays(1), 10, 0.0));
        assertThat(decisions).hasSize(2);
        for (LearnerState.Update update : decisions) {
            ObjectNode d = update.decision();
            assertThat(update.params()).isNull();
            assertThat(d.get("type").asText()).isEqualTo("adapter-update");
            assertThat(d.get("modelName").asText()).isEqualTo(FRAUD_MODEL);
            assertThat(d.get("baseModelVersion").asText()).isEqualTo("1");
            assertThat(d.get("published").asBoolean()).isFalse();
            assertThat(d.get("decision").asText())
                    .isEqualTo("worse than the base model on the held-back window");
            assertThat(d.get("adapterVersion").asLong())
                    .as("the version it would have had")
                    .isEqualTo(1);
            assertThat(d.get("holdoutLogLossBase").asDouble())
                    .isCloseTo(-Math.log(0.95), within(1e-9));
            assertThat(d.get("holdoutLogLossAdapted").asDouble())
                    .isGreaterThan(d.get("holdoutLogLossBase").asDouble());
        }
        assertThat(decisions.get(0).decision().get("holdoutExamples").asInt()).isEqualTo(20);
        assertThat(decisions.get(1).decision().get("holdoutExamples").asInt()).isEqualTo(40);

        // The same learning passes a guard rail that tolerates the increase.
        List<LearnerState.Update> tolerated =
                adversarial(settings(20, Duration.ofDays(1), 10, 5.0));
        assertThat(tolerated)
                .extracting(u -> u.params().getAdapterVersion())
                .containsExactly(1L, 2L);
        assertThat(tolerated.get(0).decision().get("decision").asText()).isEqualTo("published");
    }

    @Test
    void anAdapterThatLearnsWhatTheBaseModelMissesIsPublishedAsVersionsOneTwoThree() {
        // The base model says 0.5 for everything; new devices are the frauds.
        FeedbackSettings settings = settings(50, Duration.ofDays(1), 20, 0.0);
        LearnerState state = fresh();
        List<String> trained = ids("t-", false, 150);
        List<String> held = ids("h-", true, 150);
        List<AdapterParams> published = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int label = i % 2;
            state.learn(example(held.get(i), seconds(i), 0.5, label, label), settings, NOW);
            LearnerState.Update update =
                    state.learn(
                            example(trained.get(i), seconds(i), 0.5, label, label), settings, NOW);
            if (update != null) {
                assertThat(update.decision().get("decision").asText()).isEqualTo("published");
                assertThat(update.decision().get("holdoutLogLossBase").asDouble())
                        .isCloseTo(Math.log(2), within(1e-12));
                assertThat(update.decision().get("holdoutLogLossAdapted").asDouble())
                        .isLessThan(Math.log(2));
                published.add(update.params());
            }
        }
        assertThat(published)
                .extracting(AdapterParams::getAdapterVersion)
                .containsExactly(1L, 2L, 3L);
        assertThat(published)
                .extracting(AdapterParams::getExamplesSeen)
                .containsExactly(50L, 100L, 150L);
        AdapterParams last = published.get(2);
        assertThat(last.getModelName()).isEqualTo(FRAUD_MODEL);
        assertThat(last.getBaseModelVersion()).isEqualTo("1");
        assertThat(last.getFeatureNames()).containsExactlyElementsOf(FEATURES);
        assertThat(last.getWeights().get(FEATURES.indexOf("new_device"))).isPositive();
        assertThat(last.getTrainedUpTo()).isEqualTo(seconds(149));
        assertThat(state.published).isEqualTo(3);
    }

    @Test
    void noUpdateIsPublishedBeforeMinHoldoutExamplesAreHeldBack() {
        FeedbackSettings settings = settings(5, Duration.ofDays(1), 30, 10.0);
        LearnerState state = fresh();
        List<String> trained = ids("t-", false, 5);
        List<String> held = ids("h-", true, 29);
        for (int i = 0; i < held.size(); i++) {
            state.learn(example(held.get(i), seconds(i), 0.5, i % 2, 0), settings, NOW);
        }
        LearnerState.Update update = null;
        for (String id : trained) {
            update = state.learn(example(id, seconds(30), 0.5, 1, 0), settings, NOW);
        }
        assertThat(update).isNotNull();
        assertThat(update.params()).isNull();
        assertThat(update.decision().get("decision").asText())
                .isEqualTo("too few held-back examples");
        assertThat(update.decision().get("holdoutExamples").asInt()).isEqualTo(29);
        assertThat(state.published).isZero();
    }

    @Test
    void theGuardRailJudgesTheMostRecentHoldoutSizeExamples() {
        Configuration conf = new Configuration();
        conf.set(FeedbackOptions.HOLDOUT_SIZE, 5);
        conf.set(FeedbackOptions.MIN_HOLDOUT, 5);
        conf.set(FeedbackOptions.FRAUD_PUBLISH_EVERY, 1);
        conf.set(FeedbackOptions.HOLDOUT_SHARE, SHARE);
        FeedbackSettings settings = FeedbackOptions.settings(conf);
        LearnerState state = LearnerState.fresh(example("first", T0, 0.5, 0, 0), FEATURES, 5, 0);
        List<String> held = ids("h-", true, 8);
        for (int i = 0; i < 8; i++) {
            // Three early positives, then five negatives: only the negatives stay in the ring.
            state.learn(example(held.get(i), seconds(i), 0.9, i < 3 ? 1 : 0, 0), settings, NOW);
        }
        assertThat(state.holdoutCount).isEqualTo(5);
        assertThat(state.holdoutNext).isEqualTo(3);
        LearnerState.Update update =
                state.learn(
                        example(ids("t-", false, 1).get(0), seconds(9), 0.9, 0, 0), settings, NOW);
        assertThat(update.decision().get("holdoutExamples").asInt()).isEqualTo(5);
        assertThat(update.decision().get("holdoutLogLossBase").asDouble())
                .isCloseTo(
                        BinaryMetrics.logLoss(new double[] {0.9, 0.9, 0.9, 0.9, 0.9}, new int[5]),
                        within(1e-12));
    }

    @Test
    void theStateLearnsAsAnFtrlLearnerAndAResumedLearnerContinuesIdentically() {
        FeedbackSettings settings = settings(1_000, Duration.ofDays(1), 0, 0.0);
        LearnerState state = fresh();
        FtrlLearner uninterrupted = new FtrlLearner(FRAUD_MODEL, "1", FEATURES, settings.ftrl());
        List<String> trained = ids("t-", false, 60);
        for (int i = 0; i < 40; i++) {
            LabeledExample e =
                    example(
                            trained.get(i),
                            seconds(i),
                            0.1 + (i % 7) * 0.1,
                            i % 3 == 0 ? 1 : 0,
                            i % 3 == 0 ? 1 : 0);
            state.learn(e, settings, NOW);
            uninterrupted.update(e.getBaseScore(), e.getFeatures(), e.getLabel());
        }
        assertThat(state.z).containsExactly(uninterrupted.z());
        assertThat(state.n).containsExactly(uninterrupted.n());
        assertThat(state.examplesSeen).isEqualTo(40);

        FtrlLearner resumed =
                FtrlLearner.resume(
                        FRAUD_MODEL,
                        "1",
                        FEATURES,
                        settings.ftrl(),
                        state.z,
                        state.n,
                        state.examplesSeen,
                        state.published);
        for (int i = 40; i < 60; i++) {
            Map<String, Double> features = fraudFeatures(i % 4, i % 2, 1);
            double base = 0.05 + (i % 9) * 0.1;
            int label = i % 2;
            assertThat(resumed.update(base, features, label))
                    .isEqualTo(uninterrupted.update(base, features, label));
        }
        assertThat(resumed.z()).containsExactly(uninterrupted.z());
        assertThat(resumed.n()).containsExactly(uninterrupted.n());
        AdapterParams a = resumed.publish(seconds(60), NOW);
        AdapterParams b = uninterrupted.publish(seconds(60), NOW);
        assertThat(a).isEqualTo(b);
        assertThat(a.getExamplesSeen()).isEqualTo(60);
    }

    @Test
    void theStateIsAFlinkPojo() {
        assertThat(TypeInformation.of(LearnerState.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
