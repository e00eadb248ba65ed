package com.kartshoppe.reco.ranking;

import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.Recommendation;

/**
 * A recommendation and the prediction log of each item it shows (none when no model ranked). A
 * Flink POJO of Avro records.
 */
public class RecoOutcome {

    public Recommendation recommendation;
    public PredictionLog[] predictions;

    /** For Flink's POJO serializer. */
    public RecoOutcome() {}

    public RecoOutcome(Recommendation recommendation, PredictionLog[] predictions) {
        this.recommendation = recommendation;
        this.predictions = predictions;
    }
}
