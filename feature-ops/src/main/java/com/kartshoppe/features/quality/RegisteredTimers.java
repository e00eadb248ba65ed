package com.kartshoppe.features.quality;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The event-time timers a keyed subtask has registered and not yet seen fire, by time and key, so
 * that an operator registering the same timer for many events (one per shopper and minute) asks the
 * timer service once: on RocksDB each registration serialises the timer and looks it up, a tenth of
 * the feature pipeline's time when done per event.
 *
 * <p>Only ever a subset of the pending timers (it starts empty after a restore and is emptied when
 * it grows past its bound), so skipping a registration it knows of never loses a timer. Not keyed
 * state: it is not checkpointed, and it costs at most {@code maxEntries} strings on the heap.
 */
final class RegisteredTimers {

    private final int maxEntries;
    private final Map<Long, Set<String>> keysByTime = new HashMap<>();
    private int entries;

    RegisteredTimers(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /**
     * Records the timer of {@code key} at {@code time}; true if it was not known to be registered
     * (the caller then registers it).
     */
    boolean add(String key, long time) {
        Set<String> keys = keysByTime.get(time);
        if (keys == null) {
            if (entries >= maxEntries) {
                keysByTime.clear();
                entries = 0;
            }
            keys = new HashSet<>();
            keysByTime.put(time, keys);
        } else if (keys.contains(key)) {
            return false;
        } else if (entries >= maxEntries) {
            keysByTime.clear();
            entries = 0;
            keys = new HashSet<>();
            keysByTime.put(time, keys);
        }
        keys.add(key);
        entries++;
        return true;
    }

    /** Forgets the timer of {@code key} at {@code time}: it has fired. */
    void fired(String key, long time) {
        Set<String> keys = keysByTime.get(time);
        if (keys != null && keys.remove(key)) {
            entries--;
            if (keys.isEmpty()) {
                keysByTime.remove(time);
            }
        }
    }
}
