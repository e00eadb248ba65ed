package com.kartshoppe.fraud.decision;

import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.patterns.FraudPattern;
import java.util.EnumSet;
import java.util.Set;

/**
 * A placed order on its way to a decision: its fraud_v1 features and the patterns that flag it, as
 * a bit set of {@link FraudPattern} ordinals. A Flink POJO.
 */
public class FraudCase {

    public Featured featured;
    public int flags;

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
