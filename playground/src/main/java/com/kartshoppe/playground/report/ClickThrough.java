package com.kartshoppe.playground.report;

import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.reco.backtest.Baselines;
import com.kartshoppe.reco.backtest.NextActions;
import java.util.List;
import java.util.Set;

/**
 * An offline click-through rate of recommendation lists: the share of shown slots whose product the
 * shopper viewed or bought within the horizon after the recommendation (the viewed product left
 * out), overall and per slot position. The recorded clicks cannot give a real CTR of a backtest's
 * lists, since they answer the lists the simulator showed; this stand-in is computed the same way
 * for the job's lists and for the baselines of {@code RecoReport} on the same requests (popularity,
 * and co-view completed by popularity), so the three compare.
 *
 * <pre>{@code
 * Baselines baselines = Baselines.of(recos, actions, window, sessionGap, 10);
 * ClickThrough job = ClickThrough.of(recos, actions, horizon, baselines).job();
 * double ctr = job.rate();
 * }</pre>
 */
public record ClickThrough(Rate job, Rate popularity, Rate coView) {

    /** Impressions and relevant ones per slot position (index 0 is the first slot). */
    public record Rate(long[] impressions, long[] relevant) {

        /** The share of all shown slots that were relevant; NaN without impressions. */
        public double rate() {
            long shown = 0;
            long hits = 0;
            for (int p = 0; p < impressions.length; p++) {
                shown += impressions[p];
                hits += relevant[p];
            }
            return shown == 0 ? Double.NaN : hits / (double) shown;
        }

        /** The share of the slots at {@code position} that were relevant; NaN if none shown. */
        public double rate(int position) {
            return impressions[position] == 0
                    ? Double.NaN
                    : relevant[position] / (double) impressions[position];
        }

        private void add(List<String> shown, Set<String> next, int k) {
            for (int p = 0; p < Math.min(k, shown.size()); p++) {
                impressions[p]++;
                relevant[p] += next.contains(shown.get(p)) ? 1 : 0;
            }
        }
    }

    /**
     * @param horizon how long after a recommendation a view or purchase counts, in ms
     * @param baselines the baselines' lists of these recommendations, {@code k} slots each
     */
    public static ClickThrough of(
            List<Recommendation> recommendations,
            NextActions actions,
            long horizon,
            Baselines baselines) {
        int k = baselines.k();
        ClickThrough ctr = new ClickThrough(rate(k), rate(k), rate(k));
        for (Recommendation r : recommendations) {
            Set<String> next =
                    actions.after(
                            r.getUserId(),
                            r.getEventTime().toEpochMilli(),
                            horizon,
                            r.getTriggerProductId());
            List<String> shown = r.getItems().stream().map(RecommendedItem::getProductId).toList();
            ctr.job.add(shown, next, k);
            ctr.popularity.add(baselines.popularity(r.getRecoId()), next, k);
            ctr.coView.add(baselines.coView(r.getRecoId()), next, k);
        }
        return ctr;
    }

    private static Rate rate(int k) {
        return new Rate(new long[k], new long[k]);
    }
}
