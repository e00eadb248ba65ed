package com.kartshoppe.reco.candidates;

import java.util.Arrays;

/**
 * A category's trending products in one popularity window, best first: score = views + 3 x units
 * bought. Broadcast to every {@link CandidateAssembler}. A Flink POJO.
 */
public class Trending {

    public String category;
    public long windowEnd;
    public String[] productIds = {};
    public double[] scores = {};

    /** Mean unit price paid in the window, in EUR; NaN when not bought in it. */
    public double[] pricesEur = {};

    /** For Flink's POJO serializer. */
    public Trending() {}

    public Trending(String category, long windowEnd) {
        this.category = category;
        this.windowEnd = windowEnd;
    }

    /** Adds or replaces a product's entry, keeping the best {@code n} (ties by product id). */
    public void put(String productId, double score, double priceEur, int n) {
        int at = Arrays.asList(productIds).indexOf(productId);
        if (at >= 0) {
            remove(at);
        }
        int pos = 0;
        while (pos < scores.length
                && (scores[pos] > score
                        || (scores[pos] == score && productIds[pos].compareTo(productId) < 0))) {
            pos++;
        }
        if (pos >= n) {
            return;
        }
        int size = Math.min(productIds.length + 1, n);
        String[] ids = new String[size];
        double[] s = new double[size];
        double[] p = new double[size];
        for (int i = 0, j = 0; i < size; i++) {
            if (i == pos) {
                ids[i] = productId;
                s[i] = score;
                p[i] = priceEur;
            } else {
                ids[i] = productIds[j];
                s[i] = scores[j];
                p[i] = pricesEur[j++];
            }
        }
        productIds = ids;
        scores = s;
        pricesEur = p;
    }

    /** Sum of the listed products' scores. */
    public double total() {
        double total = 0;
        for (double score : scores) {
            total += score;
        }
        return total;
    }

    /** 0-based rank of the product, or -1 if it is not trending. */
    public int rank(String productId) {
        return Arrays.asList(productIds).indexOf(productId);
    }

    private void remove(int i) {
        int n = productIds.length - 1;
        String[] ids = new String[n];
        double[] s = new double[n];
        double[] p = new double[n];
        for (int k = 0, j = 0; k <= n; k++) {
            if (k != i) {
                ids[j] = productIds[k];
                s[j] = scores[k];
                p[j++] = pricesEur[k];
            }
        }
        productIds = ids;
        scores = s;
        pricesEur = p;
    }

    @Override
    public String toString() {
        return "Trending{" + category + " @" + windowEnd + " " + Arrays.toString(productIds) + "}";
    }
}
