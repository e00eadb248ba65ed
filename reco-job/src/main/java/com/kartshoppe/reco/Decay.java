package com.kartshoppe.reco;

/** Exponential time decay: what a weight is worth {@code elapsed} later. */
public final class Decay {

    private Decay() {}

    /** 2^(-elapsed / halfLife); 1 for no (or negative) elapsed time. */
    public static double factor(long elapsedMillis, long halfLifeMillis) {
        return elapsedMillis <= 0 ? 1 : Math.pow(0.5, (double) elapsedMillis / halfLifeMillis);
    }
}
