package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Offline quality of recommendations against what the shoppers did next in the recorded traffic:
 * hit rate@K (share of recommendations with at least one shown product viewed or bought within the
 * horizon after it) and NDCG@K (binary relevance), side by side with the {@link PopularityBaseline}
 * on the same requests. Recommendations after which the shopper did nothing within the horizon
 * cannot be judged and are left out (counted).
 *
 * <pre>{@code
 * RecoReport report = RecoReport.of(recommendations, NextActions.read(dir), horizon, window, 10);
 * System.out.print(report.format());
 * }</pre>
 */
public record RecoReport(
        int k, int recommendations, int judged, int explored, Quality model, Quality baseline) {

    /** Hit rate and NDCG over the judged recommendations. */
    public record Quality(double hitRate, double ndcg) {}

    /**
     * @param horizon how long after a recommendation a view or purchase counts, in ms
     * @param window the baseline's popularity window, in ms
     */
    public static RecoReport of(
            List<Recommendation> recommendations,
            NextActions actions,
            long horizon,
            long window,
            int k) {
        Map<String, List<String>> baseline =
                PopularityBaseline.of(recommendations, actions, window, k);
        int judged = 0;
        int explored = 0;
        double modelHits = 0;
        double modelNdcg = 0;
        double baseHits = 0;
        double baseNdcg = 0;
        for (Recommendation r : recommendations) {
            if (r.getItems().stream().anyMatch(RecommendedItem::getExplored)) {
                explored++;
            }
            Set<String> next =
                    actions.after(
                            r.getUserId(),
                            r.getEventTime().toEpochMilli(),
                            horizon,
                            r.getTriggerProductId());
            if (next.isEmpty()) {
                continue;
            }
            judged++;
            List<String> shown =
                    r.getItems().stream().map(RecommendedItem::getProductId).limit(k).toList();
            modelHits += hit(shown, next);
            modelNdcg += ndcg(shown, next, k);
            List<String> popular = baseline.get(r.getRecoId());
            baseHits += hit(popular, next);
            baseNdcg += ndcg(popular, next, k);
        }
        int n = Math.max(judged, 1);
        return new RecoReport(
                k,
                recommendations.size(),
                judged,
                explored,
                new Quality(modelHits / n, modelNdcg / n),
                new Quality(baseHits / n, baseNdcg / n));
    }

    static double hit(List<String> shown, Set<String> next) {
        return shown.stream().anyMatch(next::contains) ? 1 : 0;
    }

    static double ndcg(List<String> shown, Set<String> next, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, shown.size()); i++) {
            if (next.contains(shown.get(i))) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, next.size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The report as the backtest command prints it. */
    public String format() {
        return String.format(
                Locale.ROOT,
                "%d recommendations, %d judged (the shopper viewed or bought something next), %d"
                        + " with an explored slot%n"
                        + "%-22s %10s %10s%n"
                        + "%-22s %10.4f %10.4f%n"
                        + "%-22s %10.4f %10.4f%n"
                        + "ratio (job / baseline) %10.2f %10.2f%n",
                recommendations,
                judged,
                explored,
                "",
                "hit@" + k,
                "NDCG@" + k,
                "job",
                model.hitRate(),
                model.ndcg(),
                "popularity baseline",
                baseline.hitRate(),
                baseline.ndcg(),
                model.hitRate() / baseline.hitRate(),
                model.ndcg() / baseline.ndcg());
    }
}
