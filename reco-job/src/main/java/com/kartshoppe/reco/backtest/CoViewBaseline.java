package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.Recommendation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plain session item-to-item baseline: for each recommendation, the products viewed in the most
 * sessions together with the product just viewed, counted over all shoppers' views strictly before
 * the recommendation. A session is a shopper's run of product views with gaps of at most {@code
 * sessionGap}; a pair counts once per session, without decay, without purchases. Ties go to the
 * smaller product id, so the lists are deterministic. Computed from the recorded traffic, in one
 * sweep.
 *
 * <p>A product seen in few sessions has fewer than K co-viewed products; {@link #filled} completes
 * such a list with another baseline's (popularity's), as a shop would rather than show a short
 * list.
 *
 * <pre>{@code
 * Map<String, List<String>> coViewed = CoViewBaseline.of(recos, actions, sessionGap, 10);
 * List<String> shown = CoViewBaseline.filled(coViewed.get(recoId), popular.get(recoId), 10);
 * }</pre>
 */
public final class CoViewBaseline {

    private CoViewBaseline() {}

    /** By recommendation id: up to {@code k} products most co-viewed with its trigger product. */
    public static Map<String, List<String>> of(
            List<Recommendation> recommendations, NextActions actions, long sessionGap, int k) {
        List<Recommendation> byTime = new ArrayList<>(recommendations);
        byTime.sort(
                Comparator.comparing(Recommendation::getEventTime)
                        .thenComparing(Recommendation::getRecoId));
        List<NextActions.Action> all = actions.all();
        Map<String, Map<String, Integer>> pairs = new HashMap<>();
        Map<String, Session> sessions = new HashMap<>();
        Map<String, List<String>> lists = new HashMap<>();
        int next = 0;
        for (Recommendation r : byTime) {
            long t = r.getEventTime().toEpochMilli();
            for (; next < all.size() && all.get(next).time() < t; next++) {
                NextActions.Action a = all.get(next);
                if (a.units() == 0) {
                    view(sessions, pairs, a, sessionGap);
                }
            }
            String viewed = r.getTriggerProductId();
            lists.put(r.getRecoId(), top(pairs.getOrDefault(viewed, Map.of()), k));
        }
        return lists;
    }

    /**
     * {@code own} completed up to {@code k} with the products of {@code fallback} not in it yet, in
     * their order.
     */
    public static List<String> filled(List<String> own, List<String> fallback, int k) {
        Set<String> list = new LinkedHashSet<>(own.subList(0, Math.min(k, own.size())));
        for (int i = 0; i < fallback.size() && list.size() < k; i++) {
            list.add(fallback.get(i));
        }
        return List.copyOf(list);
    }

    /** The products a shopper viewed in their current session, and when they last viewed one. */
    private static final class Session {
        final Set<String> products = new LinkedHashSet<>();
        long last;
    }

    private static void view(
            Map<String, Session> sessions,
            Map<String, Map<String, Integer>> pairs,
            NextActions.Action a,
            long sessionGap) {
        Session s = sessions.get(a.userId());
        if (s == null || a.time() - s.last > sessionGap) {
            s = new Session();
            sessions.put(a.userId(), s);
        }
        s.last = a.time();
        if (!s.products.add(a.productId())) {
            return;
        }
        for (String other : s.products) {
            if (!other.equals(a.productId())) {
                pairs.computeIfAbsent(a.productId(), p -> new HashMap<>())
                        .merge(other, 1, Integer::sum);
                pairs.computeIfAbsent(other, p -> new HashMap<>())
                        .merge(a.productId(), 1, Integer::sum);
            }
        }
    }

    private static List<String> top(Map<String, Integer> counts, int k) {
        return PopularityBaseline.top(counts.entrySet().stream(), k);
    }
}
