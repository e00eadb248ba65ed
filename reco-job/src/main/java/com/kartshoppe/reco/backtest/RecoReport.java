package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Offline quality of recommendations against what the shoppers did next in the recorded traffic,
 * side by side with two baselines on the same requests: {@link PopularityBaseline} and {@link
 * CoViewBaseline} (completed by popularity). Two targets, each a set of relevant products per
 * recommendation:
 *
 * <ul>
 *   <li><b>next purchase</b>: the products of the shopper's first placed order within the horizon
 *       after the recommendation ({@link NextActions#nextPurchase});
 *   <li><b>next purchase of a product new to the session</b>: the same, without the products the
 *       shopper viewed earlier in the session ({@link NextActions#sessionViews}): shoppers mostly
 *       buy what they have just looked at, and a list that shows those back hits easily;
 *   <li><b>any next view or purchase</b>: every product the shopper viewed or bought within the
 *       horizon ({@link NextActions#after}), which most lists hit.
 * </ul>
 *
 * <p>The viewed product is left out of both (the job never shows it). Per target: hit rate@K (share
 * of recommendations with at least one relevant product shown), NDCG@K (binary relevance) and MRR@K
 * (reciprocal rank of the first relevant product shown, 0 if none). Recommendations without a
 * relevant product cannot be judged and are left out (counted). The cost of exploration: the same
 * measures for the job's recommendations with and without an explored last slot, and how often that
 * last slot was relevant.
 *
 * <pre>{@code
 * RecoReport report =
 *         RecoReport.of(recommendations, NextActions.read(dir), horizon, window, sessionGap, 10);
 * System.out.print(report.format());
 * }</pre>
 */
public record RecoReport(
        int k,
        long horizon,
        long popularityWindow,
        int recommendations,
        int explored,
        int coViewShort,
        Target purchase,
        Target newPurchase,
        Target anyNext) {

    /** Hit rate, NDCG and MRR over the judged recommendations (all 0 with none). */
    public record Quality(double hitRate, double ndcg, double mrr) {}

    /**
     * One target's figures.
     *
     * @param judged recommendations with at least one relevant product
     * @param withExplored the job's judged recommendations whose last slot was explored
     * @param withoutExplored the job's other judged recommendations
     */
    public record Target(
            int judged,
            Quality job,
            Quality popularity,
            Quality coView,
            Slice withExplored,
            Slice withoutExplored) {}

    /**
     * The job's quality on some of the judged recommendations, and the share of them whose last
     * shown slot was relevant.
     */
    public record Slice(int judged, Quality quality, double lastSlotHitRate) {}

    /**
     * @param horizon how long after a recommendation a view or purchase counts, in ms
     * @param popularityWindow the popularity baseline's trailing window, in ms
     * @param sessionGap the session gap of the co-view baseline and of "viewed earlier in the
     *     session", in ms
     */
    public static RecoReport of(
            List<Recommendation> recommendations,
            NextActions actions,
            long horizon,
            long popularityWindow,
            long sessionGap,
            int k) {
        return of(
                recommendations,
                actions,
                horizon,
                Baselines.of(recommendations, actions, popularityWindow, sessionGap, k));
    }

    /**
     * As above, with the baselines' lists already computed for these recommendations.
     *
     * @param horizon how long after a recommendation a view or purchase counts, in ms
     */
    public static RecoReport of(
            List<Recommendation> recommendations,
            NextActions actions,
            long horizon,
            Baselines baselines) {
        int k = baselines.k();
        long sessionGap = baselines.sessionGap();
        int explored = 0;
        int coViewShort = 0;
        Tally purchase = new Tally();
        Tally newPurchase = new Tally();
        Tally anyNext = new Tally();
        for (Recommendation r : recommendations) {
            boolean exploredSlot = r.getItems().stream().anyMatch(RecommendedItem::getExplored);
            if (exploredSlot) {
                explored++;
            }
            if (baselines.coViewOnly(r.getRecoId()).size() < k) {
                coViewShort++;
            }
            List<String> shown =
                    r.getItems().stream().map(RecommendedItem::getProductId).limit(k).toList();
            Lists l =
                    new Lists(
                            shown,
                            exploredSlot,
                            baselines.popularity(r.getRecoId()),
                            baselines.coView(r.getRecoId()));
            long t = r.getEventTime().toEpochMilli();
            String viewed = r.getTriggerProductId();
            Set<String> bought = actions.nextPurchase(r.getUserId(), t, horizon, viewed);
            purchase.add(l, bought, k);
            Set<String> boughtNew = new HashSet<>(bought);
            boughtNew.removeAll(actions.sessionViews(r.getUserId(), t, sessionGap));
            newPurchase.add(l, boughtNew, k);
            anyNext.add(l, actions.after(r.getUserId(), t, horizon, viewed), k);
        }
        return new RecoReport(
                k,
                horizon,
                baselines.popularityWindow(),
                recommendations.size(),
                explored,
                coViewShort,
                purchase.target(),
                newPurchase.target(),
                anyNext.target());
    }

    /** 1 if any of the first {@code k} shown products is relevant, else 0. */
    static double hit(List<String> shown, Set<String> relevant, int k) {
        for (int i = 0; i < Math.min(k, shown.size()); i++) {
            if (relevant.contains(shown.get(i))) {
                return 1;
            }
        }
        return 0;
    }

    /** DCG of the first {@code k} shown products over the ideal DCG, binary relevance. */
    static double ndcg(List<String> shown, Set<String> relevant, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, shown.size()); i++) {
            if (relevant.contains(shown.get(i))) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, relevant.size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /** 1 / rank of the first relevant product among the first {@code k} shown, 0 if none. */
    static double reciprocalRank(List<String> shown, Set<String> relevant, int k) {
        for (int i = 0; i < Math.min(k, shown.size()); i++) {
            if (relevant.contains(shown.get(i))) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The three ranked lists of one recommendation. */
    private record Lists(
            List<String> shown, boolean explored, List<String> popularity, List<String> coView) {}

    /** Sums of the measures of one ranked list over some recommendations. */
    private static final class Sums {
        int n;
        double hits;
        double ndcg;
        double rr;
        double lastSlotHits;

        void add(List<String> list, Set<String> relevant, int k) {
            n++;
            hits += hit(list, relevant, k);
            ndcg += ndcg(list, relevant, k);
            rr += reciprocalRank(list, relevant, k);
            if (!list.isEmpty() && relevant.contains(list.get(Math.min(k, list.size()) - 1))) {
                lastSlotHits++;
            }
        }

        Quality quality() {
            int d = Math.max(n, 1);
            return new Quality(hits / d, ndcg / d, rr / d);
        }

        Slice slice() {
            return new Slice(n, quality(), lastSlotHits / Math.max(n, 1));
        }
    }

    /** One target's sums. */
    private static final class Tally {
        final Sums job = new Sums();
        final Sums popularity = new Sums();
        final Sums coView = new Sums();
        final Sums explored = new Sums();
        final Sums notExplored = new Sums();

        void add(Lists l, Set<String> relevant, int k) {
            if (relevant.isEmpty()) {
                return;
            }
            job.add(l.shown(), relevant, k);
            popularity.add(l.popularity(), relevant, k);
            coView.add(l.coView(), relevant, k);
            (l.explored() ? explored : notExplored).add(l.shown(), relevant, k);
        }

        Target target() {
            return new Target(
                    job.n,
                    job.quality(),
                    popularity.quality(),
                    coView.quality(),
                    explored.slice(),
                    notExplored.slice());
        }
    }

    /** The report as the backtest command prints it. */
    public String format() {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "%d recommendations, %d with an explored last slot; horizon %s,"
                                + " popularity window %s; %d co-view lists had fewer than %d"
                                + " co-viewed products and were completed by popularity%n",
                        recommendations,
                        explored,
                        minutes(horizon),
                        minutes(popularityWindow),
                        coViewShort,
                        k));
        target(
                s,
                "NEXT PURCHASE (products of the shopper's next placed order within the horizon,"
                        + " the viewed one left out)",
                purchase);
        target(
                s,
                "next purchase of products not viewed earlier in the session (the same, without"
                        + " the products the shopper viewed in the session before the request)",
                newPurchase);
        target(
                s,
                "any next view or purchase within the horizon (the viewed product left out)",
                anyNext);
        return s.toString();
    }

    private void target(StringBuilder s, String title, Target t) {
        String row = "%-26s %10.4f %10.4f %10.4f%n";
        String ratio = "%-26s %10s %10s %10s%n";
        s.append(String.format(Locale.ROOT, "%s: %d judged%n", title, t.judged()));
        s.append(
                String.format(
                        Locale.ROOT,
                        "%-26s %10s %10s %10s%n",
                        "",
                        "hit@" + k,
                        "NDCG@" + k,
                        "MRR@" + k));
        row(s, row, "job", t.job());
        row(s, row, "popularity baseline", t.popularity());
        row(s, row, "co-view baseline", t.coView());
        ratios(s, ratio, "job / popularity", t.job(), t.popularity());
        ratios(s, ratio, "job / co-view", t.job(), t.coView());
        s.append(
                String.format(
                        Locale.ROOT,
                        "  exploration: %d judged with an explored last slot: hit@%d %.4f, NDCG@%d"
                                + " %.4f, last slot relevant %.4f; %d without: hit@%d %.4f, NDCG@%d"
                                + " %.4f, last slot relevant %.4f%n",
                        t.withExplored().judged(),
                        k,
                        t.withExplored().quality().hitRate(),
                        k,
                        t.withExplored().quality().ndcg(),
                        t.withExplored().lastSlotHitRate(),
                        t.withoutExplored().judged(),
                        k,
                        t.withoutExplored().quality().hitRate(),
                        k,
                        t.withoutExplored().quality().ndcg(),
                        t.withoutExplored().lastSlotHitRate()));
    }

    /** One line of ratios, job to a baseline; "-" where the baseline is 0. */
    private static void ratios(
            StringBuilder s, String format, String label, Quality job, Quality baseline) {
        s.append(
                String.format(
                        Locale.ROOT,
                        format,
                        label,
                        ratio(job.hitRate(), baseline.hitRate()),
                        ratio(job.ndcg(), baseline.ndcg()),
                        ratio(job.mrr(), baseline.mrr())));
    }

    private static String ratio(double a, double b) {
        return b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static void row(StringBuilder s, String format, String name, Quality q) {
        s.append(String.format(Locale.ROOT, format, name, q.hitRate(), q.ndcg(), q.mrr()));
    }

    private static String minutes(long ms) {
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms + " ms";
    }
}
