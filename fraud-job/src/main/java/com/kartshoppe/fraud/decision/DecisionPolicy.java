package com.kartshoppe.fraud.decision;

import com.kartshoppe.events.Decision;
import com.kartshoppe.fraud.FraudOptions;
import com.kartshoppe.fraud.patterns.FraudPattern;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * From a fraud score and the patterns that flag an order to a decision with its reasons: BLOCK at
 * or above the block threshold, REVIEW at or above the review threshold, ALLOW below; then each
 * flagging pattern raises the decision to at least its {@code cep.<id>.at-least}.
 *
 * <p>Reasons, in this order: {@code score>=block} or {@code score>=review} when a threshold was
 * crossed, {@code no-model} when no model served (rules alone decided), then {@code cep:<id>} for
 * each flagging pattern in {@link FraudPattern} order.
 *
 * <pre>{@code
 * DecisionPolicy policy = new DecisionPolicy(0.5, 0.9, Map.of(FraudPattern.CARD_TESTING, Decision.BLOCK));
 * DecisionPolicy.Verdict v = policy.decide(0.62, EnumSet.of(FraudPattern.CARD_TESTING)); // BLOCK
 * }</pre>
 */
public final class DecisionPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String NO_MODEL = "no-model";
    public static final String REVIEW_REASON = "score>=review";
    public static final String BLOCK_REASON = "score>=block";

    private final double review;
    private final double block;
    private final EnumMap<FraudPattern, Decision> atLeast;

    /**
     * @param atLeast the least decision per pattern; a pattern not in it only adds its reason
     * @throws IllegalArgumentException unless 0 &lt;= review &lt;= block &lt;= 1
     */
    public DecisionPolicy(double review, double block, Map<FraudPattern, Decision> atLeast) {
        if (!(review >= 0 && review <= block && block <= 1)) {
            throw new IllegalArgumentException(
                    FraudOptions.REVIEW_THRESHOLD.key()
                            + " and "
                            + FraudOptions.BLOCK_THRESHOLD.key()
                            + " must satisfy 0 <= review <= block <= 1, got "
                            + review
                            + " and "
                            + block);
        }
        this.review = review;
        this.block = block;
        this.atLeast = new EnumMap<>(FraudPattern.class);
        this.atLeast.putAll(atLeast);
    }

    /** The decision and its reasons. */
    public record Verdict(Decision decision, List<String> reasons) {}

    /**
     * @param score the fraud probability, or null when no model served
     */
    public Verdict decide(Double score, Set<FraudPattern> flagged) {
        List<String> reasons = new ArrayList<>();
        Decision decision = Decision.ALLOW;
        if (score == null) {
            reasons.add(NO_MODEL);
        } else if (score >= block) {
            decision = Decision.BLOCK;
            reasons.add(BLOCK_REASON);
        } else if (score >= review) {
            decision = Decision.REVIEW;
            reasons.add(REVIEW_REASON);
        }
        for (FraudPattern p : FraudPattern.values()) {
            if (flagged.contains(p)) {
                reasons.add(p.reason());
                Decision least = atLeast.getOrDefault(p, Decision.ALLOW);
                if (least.compareTo(decision) > 0) {
                    decision = least;
                }
            }
        }
        return new Verdict(decision, reasons);
    }
}
