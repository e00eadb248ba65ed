package com.kartshoppe.reco.ranking;

import static com.kartshoppe.events.catalog.FeatureCatalog.RECO_V1;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.reco.candidates.Trending;
import com.kartshoppe.reco.session.RecoRequest;

/**
 * The {@link FeatureCatalog#RECO_V1} values of one (request, candidate) pair, in definition order.
 * Plain Java: the shopper's side comes from the {@link RecoRequest}, the product's from the
 * candidate's category's {@link Trending} list (null when the category has none).
 */
public final class RecoFeatures {

    private static final int CATEGORY_AFFINITY = RECO_V1.indexOf("category_affinity");
    private static final int SESSION_CATEGORY_VIEWS = RECO_V1.indexOf("session_category_views");
    private static final int SAME_CATEGORY = RECO_V1.indexOf("same_category");
    private static final int COVIEW_STRENGTH = RECO_V1.indexOf("coview_strength");
    private static final int POPULARITY = RECO_V1.indexOf("popularity");
    private static final int CATEGORY_SHARE = RECO_V1.indexOf("category_share");
    private static final int EXPECTED_SHARE = RECO_V1.indexOf("expected_share");
    private static final int PRICE_RATIO_LOG = RECO_V1.indexOf("price_ratio_log");
    private static final int VIEWED_IN_SESSION = RECO_V1.indexOf("viewed_in_session");
    private static final int SESSION_VIEWS = RECO_V1.indexOf("session_views");

    private RecoFeatures() {}

    public static double[] of(RecoRequest r, String product, String category, Trending trending) {
        double[] v = new double[RECO_V1.size()];
        v[CATEGORY_AFFINITY] = r.interestShare(category);
        v[SESSION_CATEGORY_VIEWS] = r.sessionViewsOf(category);
        v[SAME_CATEGORY] = category.equals(r.category) ? 1 : 0;
        v[COVIEW_STRENGTH] = Math.log1p(r.neighbourWeight(product));
        int rank = trending == null ? -1 : trending.rank(product);
        if (rank >= 0) {
            v[POPULARITY] = Math.log1p(trending.scores[rank]);
            v[CATEGORY_SHARE] = trending.scores[rank] / trending.total();
            v[EXPECTED_SHARE] = v[CATEGORY_AFFINITY] * v[CATEGORY_SHARE];
            double price = trending.pricesEur[rank];
            if (price > 0 && r.typicalPriceEur > 0) {
                v[PRICE_RATIO_LOG] = Math.log(price / r.typicalPriceEur);
            }
        }
        v[VIEWED_IN_SESSION] = r.viewedInSession(product) ? 1 : 0;
        v[SESSION_VIEWS] = r.sessionViews;
        return v;
    }
}
