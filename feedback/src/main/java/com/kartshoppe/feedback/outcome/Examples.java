package com.kartshoppe.feedback.outcome;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.PredictionLog;
import java.time.Instant;

/** Labelled examples from served predictions: the logged row and scores, plus the outcome. */
final class Examples {

    private Examples() {}

    static LabeledExample of(PredictionLog p, int label, String source, long labelTime) {
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
}
