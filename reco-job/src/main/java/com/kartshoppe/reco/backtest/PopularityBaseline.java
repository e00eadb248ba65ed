package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.Recommendation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The popularity-only baseline: for each recommendation, the products with the most views + 3 x
 * units bought by anyone in the trailing window before it (the viewed product left out), as a shop
 * without personalisation would show. Computed from the recorded traffic, in one sweep.
 */
public final class PopularityBaseline {

    private PopularityBaseline() {}

    /** By recommendation id: the baseline's top {@code k} at that recommendation's time. */
    public static Map<String, List<String>> of(
            List<Recommendation> recommendations, NextActions actions, long window, int k) {
        List<Recommendation> byTime = new ArrayList<>(recommendations);
        byTime.sort(Comparator.comparing(Recommendation::getEventTime));
        List<NextActions.Action> all = actions.all();
        Map<String, Double> score = new HashMap<>();
        Map<String, List<String>> lists = new HashMap<>();
        int added = 0;
        int removed = 0;
        for (Recommendation r : byTime) {
            long t = r.getEventTime().toEpochMilli();
            for (; added < all.size() && all.get(added).time() <= t; added++) {
                score.merge(all.get(added).productId(), weight(all.get(added)), Double::sum);
            }
            for (; removed < added && all.get(removed).time() <= t - window; removed++) {
                score.merge(all.get(removed).productId(), -weight(all.get(removed)), Double::sum);
            }
            lists.put(r.getRecoId(), top(score, k, r.getTriggerProductId()));
        }
        return lists;
    }

    private static double weight(NextActions.Action a) {
        return a.units() == 0 ? 1 : 3.0 * a.units();
    }

    private static List<String> top(Map<String, Double> score, int k, String except) {
        return top(
                score.entrySet().stream()
                        .filter(e -> e.getValue() > 0 && !e.getKey().equals(except)),
                k);
    }

    /** The keys of the {@code k} largest values, largest first, ties by key: both baselines. */
    static <V extends Comparable<? super V>> List<String> top(
            Stream<Map.Entry<String, V>> scores, int k) {
        return scores.sorted(
                        Map.Entry.<String, V>comparingByValue()
                                .reversed()
                                .thenComparing(Map.Entry.comparingByKey()))
                .limit(k)
                .map(Map.Entry::getKey)
                .toList();
    }
}
