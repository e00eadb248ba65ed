package com.kartshoppe.reco.candidates;

import com.kartshoppe.reco.Decay;
import java.util.Arrays;

/**
 * A product's co-view neighbours with time-decayed weights, bounded: when more than twice the
 * configured number are kept, only the strongest {@code n} survive. Plain Java, a Flink POJO in
 * {@link ProductNeighbours}.
 */
public class Neighbours {

    public String[] ids = {};
    public String[] categories = {};

    /** Weights decayed to {@link #asOf}. */
    public double[] weights = {};

    public long asOf = Long.MIN_VALUE;

    /** For Flink's POJO serializer. */
    public Neighbours() {}

    /** Adds a co-view at its event time; keeps at most {@code 2 * n} neighbours. */
    public void add(CoView v, int n, long halfLife) {
        double w = v.weight;
        if (v.eventTime > asOf) {
            double f = asOf == Long.MIN_VALUE ? 1 : Decay.factor(v.eventTime - asOf, halfLife);
            for (int i = 0; i < weights.length; i++) {
                weights[i] *= f;
            }
            asOf = v.eventTime;
        } else {
            w *= Decay.factor(asOf - v.eventTime, halfLife);
        }
        int i = Arrays.asList(ids).indexOf(v.neighbourId);
        if (i >= 0) {
            weights[i] += w;
            return;
        }
        int size = ids.length;
        ids = Arrays.copyOf(ids, size + 1);
        categories = Arrays.copyOf(categories, size + 1);
        weights = Arrays.copyOf(weights, size + 1);
        ids[size] = v.neighbourId;
        categories[size] = v.neighbourCategory;
        weights[size] = w;
        if (ids.length > 2 * n) {
            keepStrongest(n);
        }
    }

    /** A copy that shares nothing with this one. */
    public Neighbours copy() {
        Neighbours c = new Neighbours();
        c.ids = ids.clone();
        c.categories = categories.clone();
        c.weights = weights.clone();
        c.asOf = asOf;
        return c;
    }

    /** Keeps the {@code n} strongest neighbours, strongest first (ties by id). */
    public void keepStrongest(int n) {
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) ->
                        weights[a] != weights[b]
                                ? Double.compare(weights[b], weights[a])
                                : ids[a].compareTo(ids[b]));
        int k = Math.min(n, order.length);
        String[] keptIds = new String[k];
        String[] keptCategories = new String[k];
        double[] keptWeights = new double[k];
        for (int i = 0; i < k; i++) {
            keptIds[i] = ids[order[i]];
            keptCategories[i] = categories[order[i]];
            keptWeights[i] = weights[order[i]];
        }
        ids = keptIds;
        categories = keptCategories;
        weights = keptWeights;
    }

    /** A copy holding the {@code n} strongest, strongest first, decayed to {@code time}. */
    public Neighbours strongest(int n, long time, long halfLife) {
        Neighbours top = new Neighbours();
        top.ids = ids;
        top.categories = categories;
        top.weights = weights.clone();
        top.keepStrongest(n);
        double f = Decay.factor(time - asOf, halfLife);
        for (int i = 0; i < top.weights.length; i++) {
            top.weights[i] *= f;
        }
        top.asOf = Math.max(asOf, time);
        return top;
    }
}
