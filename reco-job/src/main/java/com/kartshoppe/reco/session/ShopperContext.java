package com.kartshoppe.reco.session;

import com.kartshoppe.reco.Decay;
import java.util.Arrays;

/**
 * What the job remembers of one shopper, in bounded arrays: the live session (the most recent
 * {@value #SESSION_ITEMS} distinct products viewed, views per category), category interests that
 * decay over time (at most {@value #MAX_CATEGORIES} categories), typical spend, the products bought
 * (the most recent {@value #BOUGHT_ITEMS}), and when the last recommendation was made. Plain Java,
 * kept as a Flink POJO in keyed state by {@link SessionContext}, which clears the session part when
 * its gap timer fires.
 */
public class ShopperContext {

    /** Distinct session products remembered (features and co-view pairs look at these). */
    public static final int SESSION_ITEMS = 20;

    /** Products viewed just before a view that the view is paired with as co-viewed. */
    public static final int PAIRED_ITEMS = 5;

    public static final int MAX_CATEGORIES = 32;

    /** Distinct products bought that are remembered, and never recommended again. */
    public static final int BOUGHT_ITEMS = 50;

    /** Purchases the mean unit price follows (a running mean over about this many). */
    static final int PRICE_MEMORY = 20;

    public String sessionId;

    /** Event time of the session's latest activity; MIN_VALUE when no session is open. */
    public long lastActivity = Long.MIN_VALUE;

    public int sessionViews;
    public String[] sessionItems = {};
    public String[] sessionItemCategories = {};
    public String[] sessionCategories = {};
    public int[] sessionCategoryViews = {};

    public String[] interestCategories = {};
    public double[] interestWeights = {};

    /** Time the interest weights are decayed to. */
    public long interestAsOf = Long.MIN_VALUE;

    public double meanUnitPriceEur = Double.NaN;
    public int pricesSeen;

    /** Distinct products bought, the most recent last. */
    public String[] boughtItems = {};

    public long lastRecommendation = Long.MIN_VALUE;

    /** Event time of the shopper's latest event; the profile expires a retention after it. */
    public long lastSeen = Long.MIN_VALUE;

    /** For Flink's POJO serializer. */
    public ShopperContext() {}

    public boolean inSession() {
        return sessionId != null;
    }

    /** Notes an event of the shopper at {@code time}. */
    public void seen(long time) {
        lastSeen = Math.max(lastSeen, time);
    }

    /**
     * Notes activity in session {@code sessionId} at {@code time}: another session id starts a new
     * session, unless the event is older than the open session's latest activity (a late event of
     * an earlier session, which must not wipe the live one).
     *
     * @return whether the event belongs to the open session
     */
    public boolean touch(String sessionId, long time) {
        if (!sessionId.equals(this.sessionId)) {
            if (inSession() && time < lastActivity) {
                return false;
            }
            clearSession();
            this.sessionId = sessionId;
        }
        lastActivity = Math.max(lastActivity, time);
        return true;
    }

    public void clearSession() {
        sessionId = null;
        lastActivity = Long.MIN_VALUE;
        sessionViews = 0;
        sessionItems = new String[0];
        sessionItemCategories = new String[0];
        sessionCategories = new String[0];
        sessionCategoryViews = new int[0];
    }

    /**
     * Records a product view in the open session; returns the session products viewed before it (at
     * most {@value #PAIRED_ITEMS}, most recent first), and their categories, that it counts as
     * co-viewed with.
     */
    public String[][] view(String productId, String category, long time, long interestHalfLife) {
        sessionViews++;
        int at = Arrays.asList(sessionItems).indexOf(productId);
        String[][] before = recentOtherThan(productId);
        if (at >= 0) {
            sessionItems = remove(sessionItems, at);
            sessionItemCategories = remove(sessionItemCategories, at);
        } else if (sessionItems.length == SESSION_ITEMS) {
            sessionItems = remove(sessionItems, 0);
            sessionItemCategories = remove(sessionItemCategories, 0);
        }
        sessionItems = append(sessionItems, productId);
        sessionItemCategories = append(sessionItemCategories, category);
        int c = Arrays.asList(sessionCategories).indexOf(category);
        if (c < 0) {
            sessionCategories = append(sessionCategories, category);
            sessionCategoryViews = Arrays.copyOf(sessionCategoryViews, sessionCategories.length);
            c = sessionCategories.length - 1;
        }
        sessionCategoryViews[c]++;
        interest(category, 1, time, interestHalfLife);
        return before;
    }

    /** Products (and their categories) of the session viewed most recently, other than one. */
    public String[][] recentOtherThan(String productId) {
        int n = sessionItems.length;
        String[] ids = new String[Math.min(PAIRED_ITEMS, n)];
        String[] cats = new String[ids.length];
        int k = 0;
        for (int i = n - 1; i >= 0 && k < ids.length; i--) {
            if (!sessionItems[i].equals(productId)) {
                ids[k] = sessionItems[i];
                cats[k++] = sessionItemCategories[i];
            }
        }
        return new String[][] {Arrays.copyOf(ids, k), Arrays.copyOf(cats, k)};
    }

    /**
     * Records an order line: {@code productId} bought at {@code unitPriceEur} a unit (whatever the
     * quantity).
     */
    public void bought(String productId, double unitPriceEur) {
        int at = Arrays.asList(boughtItems).indexOf(productId);
        if (at >= 0) {
            boughtItems = remove(boughtItems, at);
        } else if (boughtItems.length == BOUGHT_ITEMS) {
            boughtItems = remove(boughtItems, 0);
        }
        boughtItems = append(boughtItems, productId);
        pricesSeen = Math.min(pricesSeen + 1, PRICE_MEMORY);
        meanUnitPriceEur =
                pricesSeen == 1
                        ? unitPriceEur
                        : meanUnitPriceEur + (unitPriceEur - meanUnitPriceEur) / pricesSeen;
    }

    /** Adds {@code weight} to the interest in {@code category} at {@code time}. */
    public void interest(String category, double weight, long time, long halfLife) {
        if (time > interestAsOf) {
            double f =
                    interestAsOf == Long.MIN_VALUE
                            ? 1
                            : Decay.factor(time - interestAsOf, halfLife);
            for (int i = 0; i < interestWeights.length; i++) {
                interestWeights[i] *= f;
            }
            interestAsOf = time;
        } else {
            weight *= Decay.factor(interestAsOf - time, halfLife);
        }
        int c = Arrays.asList(interestCategories).indexOf(category);
        if (c < 0) {
            if (interestCategories.length == MAX_CATEGORIES) {
                int weakest = 0;
                for (int i = 1; i < interestWeights.length; i++) {
                    if (interestWeights[i] < interestWeights[weakest]) {
                        weakest = i;
                    }
                }
                interestCategories = remove(interestCategories, weakest);
                interestWeights = remove(interestWeights, weakest);
            }
            interestCategories = append(interestCategories, category);
            interestWeights = Arrays.copyOf(interestWeights, interestCategories.length);
            c = interestCategories.length - 1;
        }
        interestWeights[c] += weight;
    }

    /** The request for a recommendation on the view of {@code productId} just recorded. */
    public RecoRequest request(
            String recoId, String userId, String productId, String category, long time) {
        RecoRequest r = new RecoRequest();
        r.recoId = recoId;
        r.userId = userId;
        r.sessionId = sessionId;
        r.eventTime = time;
        r.productId = productId;
        r.category = category;
        r.sessionViews = sessionViews;
        r.sessionItems = sessionItems.clone();
        r.sessionCategories = sessionCategories.clone();
        r.sessionCategoryViews = sessionCategoryViews.clone();
        Integer[] order = new Integer[interestCategories.length];
        double total = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            total += interestWeights[i];
        }
        Arrays.sort(order, (a, b) -> Double.compare(interestWeights[b], interestWeights[a]));
        r.interestCategories = new String[order.length];
        r.interestShares = new double[order.length];
        for (int i = 0; i < order.length; i++) {
            r.interestCategories[i] = interestCategories[order[i]];
            r.interestShares[i] = total > 0 ? interestWeights[order[i]] / total : 0;
        }
        r.typicalPriceEur = meanUnitPriceEur;
        r.boughtItems = boughtItems.clone();
        return r;
    }

    private static String[] append(String[] a, String v) {
        String[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = v;
        return r;
    }

    private static String[] remove(String[] a, int i) {
        String[] r = new String[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    private static double[] remove(double[] a, int i) {
        double[] r = new double[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }
}
