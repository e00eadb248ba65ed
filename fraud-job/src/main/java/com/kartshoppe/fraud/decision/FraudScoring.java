package com.kartshoppe.fraud.decision;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.inference.explain.Explanation;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.ScoringFunction;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores an order on one row, its fraud_v1 values plus one {@code cep_<id>} flag (0 or 1) per
 * pattern, and decides by the rule set in force ({@link FraudCase#verdict}). The ONNX model reads
 * the features its metadata names; the online adapter may weigh the flags too. The prediction log
 * holds that row, so learning sees exactly what scoring saw.
 *
 * <p>Every scored decision carries its largest feature contributions ({@code scoring.contributions}
 * of them) next to its pattern reasons, and so does its prediction log: the model's exact logit
 * terms for a linear model, an occlusion estimate for any other, plus the adapter's terms (the
 * {@code cep_*} flags among them once it weighs them).
 *
 * <p>The decision id, {@code fraud-<orderId>}, is also the prediction id: deciding an order again
 * (a replay) gives the same ids.
 */
public final class FraudScoring implements ScoringFunction<FraudCase, FraudOutcome> {

    private static final long serialVersionUID = 1L;

    private final String modelName;

    public FraudScoring(String modelName) {
        this.modelName = modelName;
    }

    @Override
    public boolean explains() {
        return true;
    }

    @Override
    public List<Map<String, Double>> rows(FraudCase order) {
        Map<String, Double> row = new HashMap<>(order.featured.features.getValues());
        for (FraudPattern p : FraudPattern.values()) {
            row.put(p.flag(), order.flagged(p) ? 1.0 : 0.0);
        }
        return List.of(row);
    }

    @Override
    public FraudOutcome decide(
            FraudCase order, List<Map<String, Double>> rows, List<Score> scores) {
        Score score = scores.isEmpty() ? null : scores.get(0);
        FraudCase.Verdict verdict = order.verdict(score == null ? null : score.score());
        OrderEvent placed = order.featured.event.order;
        String id = "fraud-" + placed.getOrderId();
        Explanation why = score == null ? null : score.explanation();
        FraudDecision decision =
                FraudDecision.newBuilder()
                        .setDecisionId(id)
                        .setEventTime(placed.getEventTime())
                        .setOrderId(placed.getOrderId())
                        .setUserId(placed.getUserId())
                        .setScore(score == null ? 0 : score.score())
                        .setBaseScore(score == null ? 0 : score.baseScore())
                        .setDecision(verdict.decision())
                        .setReasons(verdict.reasons())
                        .setModelName(modelName)
                        .setModelVersion(score == null ? "" : score.modelVersion())
                        .setAdapterVersion(score == null ? 0 : score.adapterVersion())
                        .setDecidedAt(Instant.now())
                        .setContributions(why == null ? Map.of() : why.contributions())
                        .setContributionMethod(why == null ? "" : why.method().id())
                        .setRuleSetId(order.ruleSetId)
                        .setRuleSetVersion(order.ruleSetVersion)
                        .build();
        if (score == null) {
            return new FraudOutcome(decision, null);
        }
        FeatureSnapshot features = order.featured.features;
        PredictionLog prediction =
                score.log()
                        .setPredictionId(id)
                        .setUseCase(UseCase.FRAUD)
                        .setRequestId(placed.getOrderId())
                        .setEntityId(placed.getUserId())
                        .setEventTime(placed.getEventTime())
                        .setFeatureSet(features.getFeatureSet())
                        .setFeatureSetVersion(features.getFeatureSetVersion())
                        .setFeatures(rows.get(0))
                        .build();
        return new FraudOutcome(decision, prediction);
    }
}
