package com.kartshoppe.featurestore.store;

import com.kartshoppe.events.FeatureSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules every store applies to a batch before it compares with what it holds: expired snapshots
 * are dropped, and of several snapshots for one key only the newest is kept (at equal event times
 * the later one, as a compacted topic would).
 */
final class Newest {

    /**
     * The snapshots to write, by store key, and how many the batch itself made stale or expired.
     */
    record Batch(Map<String, FeatureSnapshot> byKey, int stale, int expired) {}

    private Newest() {}

    static Batch of(List<FeatureSnapshot> snapshots, Duration ttl, Clock clock) {
        Instant now = clock.instant();
        Map<String, FeatureSnapshot> byKey = new LinkedHashMap<>();
        int stale = 0;
        int expired = 0;
        for (FeatureSnapshot s : snapshots) {
            if (expired(s.getEventTime(), ttl, now)) {
                expired++;
                continue;
            }
            String key = key(s.getFeatureSet(), s.getEntityId());
            FeatureSnapshot held = byKey.get(key);
            if (held != null && s.getEventTime().isBefore(held.getEventTime())) {
                stale++;
            } else {
                if (held != null) {
                    stale++;
                }
                byKey.put(key, s);
            }
        }
        return new Batch(byKey, stale, expired);
    }

    /** Whether a value with this event time is past the TTL (a zero TTL never expires). */
    static boolean expired(Instant eventTime, Duration ttl, Instant now) {
        return !ttl.isZero() && !eventTime.plus(ttl).isAfter(now);
    }

    /** The store-independent key of an entity's values in a feature set. */
    static String key(String featureSet, String entityId) {
        return featureSet + '\u0000' + entityId;
    }
}
