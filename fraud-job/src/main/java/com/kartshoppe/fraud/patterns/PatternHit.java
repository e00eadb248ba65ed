package com.kartshoppe.fraud.patterns;

/**
 * A completed {@link FraudPattern} on a key (a user or a device), from {@code start}, the event
 * time of the match's first event, to {@code time}, that of its last. Whether it flags an order is
 * the rule set's call ({@code RuleSet#flags}); it can flag none after {@code flaggedUntil}, the
 * job's {@code cep.<id>.flag-for} after {@code time}, when the gate forgets it. For a rule set's
 * checks after the match, {@code distinct} counts the distinct cards (card testing) or accounts
 * (shared device) of the match, or its events, and {@code largestCents} is its largest amount in
 * euro cents (card testing; 0 otherwise). A Flink POJO.
 */
public class PatternHit {

    public FraudPattern pattern;
    public String key;
    public long start;
    public long time;
    public long flaggedUntil;
    public int distinct;
    public long largestCents;

    /** For Flink's POJO serializer. */
    public PatternHit() {}

    public PatternHit(
            FraudPattern pattern,
            String key,
            long start,
            long time,
            long flaggedUntil,
            int distinct,
            long largestCents) {
        this.pattern = pattern;
        this.key = key;
        this.start = start;
        this.time = time;
        this.flaggedUntil = flaggedUntil;
        this.distinct = distinct;
        this.largestCents = largestCents;
    }

    @Override
    public String toString() {
        return pattern.id() + "@" + key + "[" + time + ".." + flaggedUntil + "]";
    }
}
