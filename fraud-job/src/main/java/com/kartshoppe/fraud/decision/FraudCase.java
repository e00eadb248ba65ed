package com.kartshoppe.fraud.decision;

import com.kartshoppe.events.Decision;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.rules.RuleSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A placed order on its way to a decision: its fraud_v1 features, the patterns that flag it (a bit
 * set of {@link FraudPattern} ordinals) and what the rule set in force makes of it ({@link
 * RuleSet#applyTo}), so that its {@link #verdict} needs only the score. A Flink POJO.
 */
public class FraudCase {

    public Featured featured;
    public int flags;

    /** The score at or above which the order goes to REVIEW. */
    public double review;

    /** The score at or above which it is BLOCKed. */
    public double block;

    /** The least decision of its flagging patterns. */
    public Decision least = Decision.ALLOW;

    /** {@code allow:<what>} or {@code deny:<what>} when on a list, else null. */
    public String listed;

    public String ruleSetId;
    public long ruleSetVersion;

    /** For Flink's POJO serializer. */
    public FraudCase() {}

    public FraudCase(Featured featured) {
        this.featured = featured;
    }

    public void flag(FraudPattern pattern) {
        flags |= 1 << pattern.ordinal();
    }

    public boolean flagged(FraudPattern pattern) {
        return (flags & (1 << pattern.ordinal())) != 0;
    }

    /** The flagging patterns, in declaration order. */
    public Set<FraudPattern> patterns() {
        Set<FraudPattern> set = EnumSet.noneOf(FraudPattern.class);
        for (FraudPattern p : FraudPattern.values()) {
            if (flagged(p)) {
                set.add(p);
            }
        }
        return set;
    }

    /** The decision and its reasons. */
    public record Verdict(Decision decision, List<String> reasons) {}

    public static final String NO_MODEL = "no-model";
    public static final String REVIEW_REASON = "score>=review";
    public static final String BLOCK_REASON = "score>=block";

    /**
     * The decision on the order, as {@link RuleSet} describes it. Reasons, in this order: {@code
     * score>=block} or {@code score>=review} when a threshold was crossed, {@code no-model} when no
     * model served, {@code cep:<id>} for each flagging pattern in {@link FraudPattern} order, then
     * {@code allow:<what>} or {@code deny:<what>}.
     *
     * @param score the fraud probability, or null when no model served
     */
    public Verdict verdict(Double score) {
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
            if (flagged(p)) {
                reasons.add(p.reason());
            }
        }
        if (least.compareTo(decision) > 0) {
            decision = least;
        }
        if (listed != null) {
            reasons.add(listed);
            decision = listed.startsWith(RuleSet.DENY) ? Decision.BLOCK : Decision.ALLOW;
        }
        return new Verdict(decision, reasons);
    }

    public String userId() {
        return featured.event.userId();
    }

    public String deviceId() {
        return featured.event.deviceId();
    }

    public long eventTime() {
        return featured.event.eventTime();
    }

    @Override
    public String toString() {
        return featured.event + " " + patterns();
    }
}
