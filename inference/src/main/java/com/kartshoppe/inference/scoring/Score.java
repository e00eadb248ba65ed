package com.kartshoppe.inference.scoring;

import com.kartshoppe.events.PredictionLog;

/**
 * One scored row and what produced it.
 *
 * @param score the adapted probability (equal to {@code baseScore} without an adapter)
 * @param baseScore the base model's probability
 * @param adapterVersion the adapter applied; 0 means none
 */
public record Score(
        String modelName,
        String modelVersion,
        long adapterVersion,
        double baseScore,
        double score) {

    /** A prediction log with this score's scores and versions set; the caller adds the rest. */
    public PredictionLog.Builder log() {
        return PredictionLog.newBuilder()
                .setScore(score)
                .setBaseScore(baseScore)
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setAdapterVersion(adapterVersion);
    }
}
