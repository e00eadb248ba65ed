package com.kartshoppe.feedback.learning;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.feedback.FeedbackSettings;
import com.kartshoppe.feedback.accuracy.ScoreStats;
import com.kartshoppe.inference.adapter.FtrlLearner;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Online learning of one (model, base model version)'s adapter: the FTRL coordinates, the
 * publication cadence and the guard rail's held-back window. Plain Java; a Flink POJO of fixed size
 * (the held-back window is a ring of {@code feedback.adapter.holdout-size} examples).
 *
 * <p>An example either trains the learner or, for a stable {@code holdout-share} of prediction ids,
 * is held back. Every {@code <use case>.publish-every} trained examples (or {@code
 * publish-interval} of their event time) the current weights are judged on the held-back window:
 * they are published only if their log loss there is at most the base model's plus {@code
 * max-log-loss-increase}.
 */
public class LearnerState {

    public String modelName;
    public String baseModelVersion;
    public String[] features = {};
    public double[] z = {};
    public double[] n = {};
    public long examplesSeen;
    public long published;
    public long sincePublish;
    public long lastPublishAt = Long.MIN_VALUE;
    public long trainedUpTo = Long.MIN_VALUE;

    /** Event time of the newest example seen, trained on or held back. */
    public long lastExampleAt = Long.MIN_VALUE;

    public double[] holdoutBase = {};
    public double[] holdoutValues = {};
    public int[] holdoutLabels = {};
    public int holdoutCount;
    public int holdoutNext;

    /** For Flink's POJO serializer. */
    public LearnerState() {}

    /**
     * A fresh adapter for the model version of {@code first}: zero weights.
     *
     * @param published the last adapter version published for that model version before (0 if
     *     none), so that versions keep increasing when a dropped learner starts again
     */
    static LearnerState fresh(
            LabeledExample first, List<String> features, int holdoutSize, long published) {
        LearnerState s = new LearnerState();
        s.published = published;
        s.modelName = first.getModelName();
        s.baseModelVersion = first.getModelVersion();
        s.features = features.toArray(String[]::new);
        s.z = new double[features.size() + 2];
        s.n = new double[features.size() + 2];
        s.holdoutBase = new double[holdoutSize];
        s.holdoutValues = new double[holdoutSize * features.size()];
        s.holdoutLabels = new int[holdoutSize];
        return s;
    }

    /** Whether an example belongs to the held-back share, by a hash of its prediction id. */
    static boolean heldBack(String predictionId, double share) {
        int h = predictionId.hashCode() * 0x9E3779B9; // spread similar ids apart
        h ^= h >>> 16;
        return Math.floorMod(h, 10_000) < Math.round(share * 10_000);
    }

    /**
     * Learns from (or holds back) one example.
     *
     * @return the publication decision when one was due, else null
     */
    Update learn(LabeledExample e, FeedbackSettings settings, Instant now) {
        long labelTime = e.getLabelTime().toEpochMilli();
        lastExampleAt = Math.max(lastExampleAt, labelTime);
        if (heldBack(e.getPredictionId(), settings.holdoutShare())) {
            holdBack(e);
            return null;
        }
        FtrlLearner learner = learner(settings);
        learner.update(e.getBaseScore(), e.getFeatures(), e.getLabel());
        z = learner.z();
        n = learner.n();
        examplesSeen = learner.examplesSeen();
        trainedUpTo = Math.max(trainedUpTo, labelTime);
        sincePublish++;
        if (lastPublishAt == Long.MIN_VALUE) {
            lastPublishAt = labelTime;
        }
        boolean due =
                sincePublish >= settings.publishEvery(e.getUseCase())
                        || labelTime - lastPublishAt >= settings.publishIntervalMillis();
        return due ? judge(learner, settings, now) : null;
    }

    private FtrlLearner learner(FeedbackSettings settings) {
        return FtrlLearner.resume(
                modelName,
                baseModelVersion,
                List.of(features),
                settings.ftrl(),
                z,
                n,
                examplesSeen,
                published);
    }

    private void holdBack(LabeledExample e) {
        int slot = holdoutNext;
        holdoutBase[slot] = e.getBaseScore();
        holdoutLabels[slot] = e.getLabel();
        for (int f = 0; f < features.length; f++) {
            holdoutValues[slot * features.length + f] =
                    FtrlLearner.input(e.getFeatures(), features[f]);
        }
        holdoutNext = (slot + 1) % holdoutLabels.length;
        holdoutCount = Math.min(holdoutCount + 1, holdoutLabels.length);
    }

    /** The guard rail: judges the current weights on the held-back window, publishes if fit. */
    private Update judge(FtrlLearner learner, FeedbackSettings settings, Instant now) {
        sincePublish = 0;
        lastPublishAt = trainedUpTo;
        double[] base = Arrays.copyOf(holdoutBase, holdoutCount);
        int[] labels = Arrays.copyOf(holdoutLabels, holdoutCount);
        double[] adapted = new double[holdoutCount];
        Map<String, Double> row = new HashMap<>();
        for (int i = 0; i < holdoutCount; i++) {
            for (int f = 0; f < features.length; f++) {
                row.put(features[f], holdoutValues[i * features.length + f]);
            }
            adapted[i] = learner.predict(base[i], row);
        }
        double baseLoss = BinaryMetrics.logLoss(base, labels);
        double adaptedLoss = BinaryMetrics.logLoss(adapted, labels);
        String outcome;
        AdapterParams params = null;
        if (holdoutCount < settings.minHoldout()) {
            outcome = "too few held-back examples";
        } else if (holdoutCount > 0 && !(adaptedLoss <= baseLoss + settings.maxLogLossIncrease())) {
            // Also when a loss is not a number: an update nothing vouches for is not published.
            outcome = "worse than the base model on the held-back window";
        } else {
            params = learner.publish(Instant.ofEpochMilli(trainedUpTo), now);
            published = params.getAdapterVersion();
            outcome = "published";
        }
        ObjectNode decision = JsonNodeFactory.instance.objectNode();
        decision.put("type", "adapter-update");
        decision.put("modelName", modelName);
        decision.put("baseModelVersion", baseModelVersion);
        decision.put("published", params != null);
        decision.put("adapterVersion", params != null ? published : published + 1);
        decision.put("decision", outcome);
        decision.put("examplesSeen", examplesSeen);
        decision.put("trainedUpTo", Instant.ofEpochMilli(trainedUpTo).toString());
        decision.put("holdoutExamples", holdoutCount);
        ScoreStats.number(decision, "holdoutLogLossBase", baseLoss);
        ScoreStats.number(decision, "holdoutLogLossAdapted", adaptedLoss);
        return new Update(params, decision);
    }

    /**
     * One publication decision.
     *
     * @param params the published parameters; null when the update was held back
     * @param decision the decision report for {@code ml.feedback-accuracy}
     */
    record Update(AdapterParams params, ObjectNode decision) {}
}
