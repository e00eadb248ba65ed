package com.kartshoppe.features.user;

import com.kartshoppe.features.window.RecentDistinct;
import com.kartshoppe.features.window.SlidingBuckets;
import java.time.Duration;

/**
 * What a shopper did recently on the storefront: product views, the current session and the devices
 * used. Every event updates it, so it is kept apart from {@link CommerceState} and a click reads
 * and writes only this.
 *
 * <p>A Flink POJO; its size is bounded whatever the shopper does (rings and capped sets).
 */
public class ActivityState {

    public static final long NONE = Long.MIN_VALUE;

    static final int MAX_DEVICES = 32;
    static final int MAX_SESSION_ITEMS = 200;

    /** Product views, 10 minutes in 30-second buckets. */
    public SlidingBuckets views;

    /** Devices seen over the retention period, with first and last sightings. */
    public RecentDistinct devices;

    public long sessionStart = NONE;
    public long sessionLast = NONE;
    public int sessionViews;

    /** Products viewed in the current session. */
    public RecentDistinct sessionItems;

    /** Newest event time seen from the shopper. */
    public long lastSeen = NONE;

    /** Event time of the pending state-cleanup timer, or {@link #NONE}. */
    public long cleanupTimer = NONE;

    /** For Flink's POJO serializer. */
    public ActivityState() {}

    static ActivityState create(Duration retention) {
        ActivityState a = new ActivityState();
        a.views = SlidingBuckets.of(Duration.ofMinutes(10), Duration.ofSeconds(30), 2);
        a.devices = RecentDistinct.of(MAX_DEVICES, retention.toMillis());
        a.sessionItems = RecentDistinct.of(MAX_SESSION_ITEMS, Long.MAX_VALUE);
        return a;
    }
}
