package com.kartshoppe.inference.explain;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row's contributions while they are put together: the model's terms first, then the online
 * adapter's ({@link com.kartshoppe.inference.adapter.OnlineAdapter#apply(double, Map,
 * Contributions)}). Not thread-safe; one per row.
 *
 * <pre>{@code
 * Contributions parts = new Contributions(Method.LINEAR, columns, terms, linear.intercept());
 * double score = adapter.apply(baseScore, row, parts); // adds the adapter's terms
 * Explanation why = parts.top(5);
 * }</pre>
 */
public final class Contributions {

    private final Explanation.Method method;
    private String[] names;
    private double[] terms;
    private int size;
    private double intercept;

    /**
     * @param columns the model's feature names (not copied: never modified here)
     * @param terms the model's term of each column (taken over, not copied)
     * @param intercept the model's intercept
     */
    public Contributions(
            Explanation.Method method, String[] columns, double[] terms, double intercept) {
        this.method = method;
        this.names = columns;
        this.terms = terms;
        this.size = columns.length;
        this.intercept = intercept;
    }

    /** Multiplies every term and the intercept: the logit they explain was scaled. */
    public void scale(double factor) {
        for (int i = 0; i < size; i++) {
            terms[i] *= factor;
        }
        intercept *= factor;
    }

    public void addIntercept(double value) {
        intercept += value;
    }

    /** Adds {@code term} to the feature's contribution, a new one if the model does not take it. */
    public void add(String feature, double term) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(feature)) {
                terms[i] += term;
                return;
            }
        }
        if (size == terms.length) {
            names = Arrays.copyOf(names, size + 4);
            terms = Arrays.copyOf(terms, size + 4);
        }
        names[size] = feature;
        terms[size++] = term;
    }

    /** The {@code k} largest contributions by magnitude, and the intercept. */
    public Explanation top(int k) {
        // k passes over a few dozen terms: no boxing or sorting for the usual five
        Map<String, Double> top = new LinkedHashMap<>();
        boolean[] taken = new boolean[size];
        for (int pass = 0; pass < Math.min(k, size); pass++) {
            int best = -1;
            for (int i = 0; i < size; i++) {
                if (!taken[i]
                        && terms[i] != 0.0
                        && (best < 0 || Math.abs(terms[i]) > Math.abs(terms[best]))) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            taken[best] = true;
            top.put(names[best], terms[best]);
        }
        return new Explanation(method, intercept, Collections.unmodifiableMap(top));
    }
}
