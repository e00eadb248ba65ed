package com.kartshoppe.features.user;

import com.kartshoppe.features.window.AmountHistory;
import com.kartshoppe.features.window.RecentDistinct;
import com.kartshoppe.features.window.SlidingBuckets;
import java.time.Duration;

/**
 * A shopper's orders, payments and logins: what the fraud features need beyond activity.
 *
 * <p>A Flink POJO; its size is bounded whatever the shopper does (rings and capped sets).
 */
public class CommerceState {

    public static final long NONE = Long.MIN_VALUE;

    static final int MAX_CARDS = 64;
    static final int AMOUNT_HISTORY = 50;

    /** Placed orders: count, and amount in EUR as the sum; 1 hour in 1-minute buckets. */
    public SlidingBuckets orders;

    /** Payment attempts: count, and declines as the sum; 10 minutes in 30-second buckets. */
    public SlidingBuckets payments;

    /** Failed logins, 1 hour in 1-minute buckets. */
    public SlidingBuckets failedLogins;

    /** Cards used in payment attempts over the last hour (and ten minutes of slack). */
    public RecentDistinct cards;

    /** Amounts (EUR) of the last orders placed. */
    public AmountHistory amounts;

    public long lastLogin = NONE;
    public long lastLoginCountryAt = NONE;
    public String lastLoginCountry;
    public long lastPurchase = NONE;
    public long lastBinCountryAt = NONE;
    public String lastBinCountry;
    public long accountCreated = NONE;

    /** For Flink's POJO serializer. */
    public CommerceState() {}

    static CommerceState create() {
        CommerceState c = new CommerceState();
        c.orders = SlidingBuckets.of(Duration.ofHours(1), Duration.ofMinutes(1), 2);
        c.payments = SlidingBuckets.of(Duration.ofMinutes(10), Duration.ofSeconds(30), 2);
        c.failedLogins = SlidingBuckets.of(Duration.ofHours(1), Duration.ofMinutes(1), 2);
        // Ten minutes beyond the hour, so an event up to ten minutes out of order is exact.
        c.cards = RecentDistinct.of(MAX_CARDS, Duration.ofMinutes(70).toMillis());
        c.amounts = AmountHistory.of(AMOUNT_HISTORY);
        return c;
    }
}
