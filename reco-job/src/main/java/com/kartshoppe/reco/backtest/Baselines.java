package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.Recommendation;
import java.util.List;
import java.util.Map;

/**
 * The two baselines' lists for the same recommendations, computed once for every measure taken of
 * them ({@link RecoReport}, the reports' click-through): per recommendation id, the {@link
 * PopularityBaseline} list and the {@link CoViewBaseline} list, completed by popularity where it is
 * short.
 *
 * @param popularityWindow the popularity baseline's trailing window, in ms
 * @param sessionGap the co-view baseline's session gap, in ms
 * @param k the length of a list
 */
public record Baselines(
        long popularityWindow,
        long sessionGap,
        int k,
        Map<String, List<String>> popularity,
        Map<String, List<String>> coView) {

    public static Baselines of(
            List<Recommendation> recommendations,
            NextActions actions,
            long popularityWindow,
            long sessionGap,
            int k) {
        return new Baselines(
                popularityWindow,
                sessionGap,
                k,
                PopularityBaseline.of(recommendations, actions, popularityWindow, k),
                CoViewBaseline.of(recommendations, actions, sessionGap, k));
    }

    /** The popularity list of a recommendation. */
    public List<String> popularity(String recoId) {
        return popularity.get(recoId);
    }

    /** The co-view list of a recommendation on its own, which may be shorter than {@code k}. */
    public List<String> coViewOnly(String recoId) {
        return coView.get(recoId);
    }

    /** The co-view list of a recommendation, completed by its popularity list. */
    public List<String> coView(String recoId) {
        return CoViewBaseline.filled(coView.get(recoId), popularity.get(recoId), k);
    }
}
