package com.kartshoppe.fraud.decision;

import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.PredictionLog;

/**
 * The decision on one order and, when a model scored it, its prediction log. A Flink POJO of two
 * Avro records.
 */
public class FraudOutcome {

    public FraudDecision decision;

    /** Null when no model served (rules-only mode). */
    public PredictionLog prediction;

    /** For Flink's POJO serializer. */
    public FraudOutcome() {}

    public FraudOutcome(FraudDecision decision, PredictionLog prediction) {
        this.decision = decision;
        this.prediction = prediction;
    }
}
