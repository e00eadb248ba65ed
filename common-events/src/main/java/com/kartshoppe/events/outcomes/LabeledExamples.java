package com.kartshoppe.events.outcomes;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.UseCase;
import java.time.Instant;
import java.util.Map;

/**
 * Builds the {@link LabeledExample}s of {@code ml.training-examples}: a logged feature row, the
 * scores it got (if any) and its outcome. The feedback job labels served predictions; backtests and
 * the training tool label rows that no model scored.
 *
 * <pre>{@code
 * LabeledExample served = LabeledExamples.of(prediction, 1, "CHARGEBACK", labelTime);
 * LabeledExample replayed = LabeledExamples.unscored("sim-o-7", UseCase.FRAUD, "u-7", null,
 *         orderTime, "fraud_v1", 1, features, 0, "simulation");
 * }</pre>
 */
public final class LabeledExamples {

    /** The model name of an example that no model scored. */
    public static final String NO_MODEL = "none";

    private LabeledExamples() {}

    /** The example of a served prediction: its logged row and scores, with {@code label}. */
    public static LabeledExample of(
            PredictionLog p, int label, String labelSource, Instant labelTime) {
        return LabeledExample.newBuilder()
                .setPredictionId(p.getPredictionId())
                .setUseCase(p.getUseCase())
                .setEntityId(p.getEntityId())
                .setItemId(p.getItemId())
                .setEventTime(p.getEventTime())
                .setLabelTime(labelTime)
                .setFeatureSet(p.getFeatureSet())
                .setFeatureSetVersion(p.getFeatureSetVersion())
                .setFeatures(p.getFeatures())
                .setScore(p.getScore())
                .setBaseScore(p.getBaseScore())
                .setModelName(p.getModelName())
                .setModelVersion(p.getModelVersion())
                .setAdapterVersion(p.getAdapterVersion())
                .setLabel(label)
                .setLabelSource(labelSource)
                .build();
    }

    /**
     * The example of a feature row that no model scored (training data from a simulation or a
     * replay): scores 0, model {@value #NO_MODEL}, labelled at its event time.
     *
     * @param itemId the ranked item, or null for an entity-level use case (fraud)
     */
    public static LabeledExample unscored(
            String predictionId,
            UseCase useCase,
            String entityId,
            String itemId,
            Instant eventTime,
            String featureSet,
            int featureSetVersion,
            Map<String, Double> features,
            int label,
            String labelSource) {
        PredictionLog row =
                PredictionLog.newBuilder()
                        .setPredictionId(predictionId)
                        .setUseCase(useCase)
                        .setRequestId(predictionId)
                        .setEntityId(entityId)
                        .setItemId(itemId)
                        .setEventTime(eventTime)
                        .setFeatureSet(featureSet)
                        .setFeatureSetVersion(featureSetVersion)
                        .setFeatures(features)
                        .setScore(0)
                        .setBaseScore(0)
                        .setModelName(NO_MODEL)
                        .setModelVersion("")
                        .setAdapterVersion(0)
                        .build();
        return of(row, label, labelSource, eventTime);
    }
}
