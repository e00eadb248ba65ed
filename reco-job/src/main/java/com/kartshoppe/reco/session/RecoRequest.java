package com.kartshoppe.reco.session;

import java.util.Arrays;

/**
 * A shopper's product view that asks for a recommendation, with the live context it is ranked in:
 * the current session, the shopper's category interests and typical spend, and (once {@code
 * ItemNeighbours} has seen it) the viewed product's co-view neighbours. A Flink POJO; arrays keep
 * it free of generic types.
 */
public class RecoRequest {

    /** {@code reco-<eventId of the view>}: the same on a replay. */
    public String recoId;

    public String userId;
    public String sessionId;
    public long eventTime;

    /** The product viewed and its category ("" when the click had none). */
    public String productId;

    public String category;

    /** Product views in the session so far, this one included. */
    public int sessionViews;

    /** Distinct products viewed in the session, oldest first (the most recent ones). */
    public String[] sessionItems;

    public String[] sessionCategories;
    public int[] sessionCategoryViews;

    /** The shopper's categories by decayed share of views, largest first; shares sum to 1. */
    public String[] interestCategories;

    public double[] interestShares;

    /** Mean unit price of what the shopper bought, in EUR; NaN before a first purchase. */
    public double typicalPriceEur;

    /** Products the shopper bought (the most recent ones): never candidates. */
    public String[] boughtItems = {};

    /** Strongest co-view neighbours of {@link #productId}, weights decayed to the view's time. */
    public String[] neighbourIds = {};

    public String[] neighbourCategories = {};
    public double[] neighbourWeights = {};

    /** For Flink's POJO serializer. */
    public RecoRequest() {}

    /** Share of the shopper's interest in {@code category}; 0 if none. */
    public double interestShare(String category) {
        int i = Arrays.asList(interestCategories).indexOf(category);
        return i < 0 ? 0 : interestShares[i];
    }

    /** Views of {@code category} in the session. */
    public int sessionViewsOf(String category) {
        int i = Arrays.asList(sessionCategories).indexOf(category);
        return i < 0 ? 0 : sessionCategoryViews[i];
    }

    public boolean bought(String product) {
        return Arrays.asList(boughtItems).contains(product);
    }

    public boolean viewedInSession(String product) {
        return Arrays.asList(sessionItems).contains(product);
    }

    /** Decayed co-view weight of {@code product} with the viewed product; 0 if not a neighbour. */
    public double neighbourWeight(String product) {
        int i = Arrays.asList(neighbourIds).indexOf(product);
        return i < 0 ? 0 : neighbourWeights[i];
    }

    @Override
    public String toString() {
        return "RecoRequest{"
                + recoId
                + " "
                + userId
                + " viewed "
                + productId
                + " ("
                + category
                + ") at "
                + eventTime
                + ", session views "
                + sessionViews
                + ", neighbours "
                + neighbourIds.length
                + "}";
    }
}
