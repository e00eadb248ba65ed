package com.kartshoppe.fraud.patterns;

/**
 * A completed {@link FraudPattern} on a key (a user or a device): from {@code time}, the event time
 * of the match's last event, the key's orders are flagged until {@code flaggedUntil}. A Flink POJO.
 */
public class PatternHit {

    public FraudPattern pattern;
    public String key;
    public long time;
    public long flaggedUntil;

    /** For Flink's POJO serializer. */
    public PatternHit() {}

    public PatternHit(FraudPattern pattern, String key, long time, long flaggedUntil) {
        this.pattern = pattern;
        this.key = key;
        this.time = time;
        this.flaggedUntil = flaggedUntil;
    }

    /** Whether the hit flags an order at {@code orderTime}: strictly after it, until the end. */
    public boolean flags(long orderTime) {
        return time < orderTime && orderTime <= flaggedUntil;
    }

    @Override
    public String toString() {
        return pattern.id() + "@" + key + "[" + time + ".." + flaggedUntil + "]";
    }
}
