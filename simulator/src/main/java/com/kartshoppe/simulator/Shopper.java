package com.kartshoppe.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** An account: who is behind it, where, on which devices and cards, and what they like. */
final class Shopper {

    record Device(String id, String ip) {}

    record Card(String fingerprint, String binCountry) {}

    final String id;
    final Geo.Country home;
    final Instant signedUpAt;
    final List<Device> devices = new ArrayList<>();
    final List<Card> cards = new ArrayList<>();

    /** Latent category preferences, summing to 1; drive views, cart adds and reco clicks. */
    final double[] preferences;

    /** 0 = indifferent to price, 1 = avoids anything above the category's median price. */
    final double priceSensitivity;

    private final double[] cumulativePreferences;
    private final double maxPreference;

    /** Session the shopper is in, and when it goes idle; reco clicks join it. */
    String sessionId;

    long sessionIdleAtMillis;

    /**
     * Per recent session (a shopper may have two under way at once), the recommendations clicked in
     * it and whether one of them was bought: {clicks, bought}.
     */
    private final Map<String, int[]> recoUse =
            new LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
                    return size() > 8;
                }
            };

    /** Moves the shopper into session {@code id}, idle at {@code idleAtMillis}. */
    void inSession(String id, long idleAtMillis) {
        sessionId = id;
        sessionIdleAtMillis = idleAtMillis;
    }

    /** {clicks, bought} of recommendations in session {@code id}, to update in place. */
    int[] recoUse(String id) {
        return recoUse.computeIfAbsent(id, k -> new int[2]);
    }

    Shopper(
            String id,
            Geo.Country home,
            Instant signedUpAt,
            double[] preferences,
            double priceSensitivity) {
        this.id = id;
        this.home = home;
        this.signedUpAt = signedUpAt;
        this.preferences = preferences;
        this.priceSensitivity = priceSensitivity;
        this.cumulativePreferences = new double[preferences.length];
        double sum = 0;
        double max = 0;
        for (int i = 0; i < preferences.length; i++) {
            sum += preferences[i];
            cumulativePreferences[i] = sum;
            max = Math.max(max, preferences[i]);
        }
        this.maxPreference = max;
    }

    /** Three favourite categories share most of the mass; the rest get a little. */
    static double[] randomPreferences(Random rng) {
        int n = Catalog.CATEGORIES.size();
        double[] p = new double[n];
        Arrays.fill(p, 0.02);
        double remaining = 1 - 0.02 * n;
        double[] favourites = {0.5, 0.3, 0.2};
        for (double share : favourites) {
            int c;
            do {
                c = rng.nextInt(n);
            } while (p[c] > 0.02);
            p[c] += remaining * share;
        }
        return p;
    }

    /** A category drawn from the preferences (90%) or uniformly (10%, browsing around). */
    int browseCategory(Random rng) {
        if (Sampling.chance(0.1, rng)) {
            return rng.nextInt(preferences.length);
        }
        return Sampling.pick(cumulativePreferences, rng);
    }

    /** Preference for a category relative to the favourite one, in [0, 1]. */
    double affinity(int category) {
        return preferences[category] / maxPreference;
    }

    /** How acceptable a product's price is, in (0, 1]. */
    double priceFit(Catalog.Product product) {
        long median = Catalog.CATEGORIES.get(product.category()).medianPriceCents();
        double over = StrictMath.log((double) product.priceCents() / median);
        return StrictMath.exp(-priceSensitivity * Math.max(0, over) * 2);
    }

    Device primaryDevice() {
        return devices.get(0);
    }

    Card primaryCard() {
        return cards.get(0);
    }
}
