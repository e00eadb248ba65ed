package com.kartshoppe.inference.scoring;

import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.inference.explain.Explanation;

/**
 * One scored row and what produced it.
 *
 * @param score the adapted probability (equal to {@code baseScore} without an adapter)
 * @param baseScore the base model's probability
 * @param adapterVersion the adapter applied; 0 means none
 * @param explanation the score's largest feature contributions; null when none were asked for
 */
public record Score(
        String modelName,
        String modelVersion,
        long adapterVersion,
        double baseScore,
        double score,
        Explanation explanation) {

    /** A score without an explanation. */
    public Score(
            String modelName,
            String modelVersion,
            long adapterVersion,
            double baseScore,
            double score) {
        this(modelName, modelVersion, adapterVersion, baseScore, score, null);
    }

    /**
     * A prediction log with this score's scores, versions and contributions set; the caller adds
     * the rest.
     */
    public PredictionLog.Builder log() {
        PredictionLog.Builder log =
                PredictionLog.newBuilder()
                        .setScore(score)
                        .setBaseScore(baseScore)
                        .setModelName(modelName)
                        .setModelVersion(modelVersion)
                        .setAdapterVersion(adapterVersion);
        if (explanation != null) {
            log.setContributions(explanation.contributions())
                    .setContributionMethod(explanation.method().id());
        }
        return log;
    }
}
