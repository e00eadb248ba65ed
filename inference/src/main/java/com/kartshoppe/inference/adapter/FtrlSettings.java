package com.kartshoppe.inference.adapter;

import java.io.Serializable;

/**
 * FTRL-Proximal hyper-parameters (McMahan et al., 2013): per-coordinate learning rate {@code alpha
 * / (beta + sqrt(sum of squared gradients))}, L1 (sparsity) and L2 regularisation.
 */
public record FtrlSettings(double alpha, double beta, double l1, double l2)
        implements Serializable {

    /** Gentle defaults for correcting an already calibrated model. */
    public static final FtrlSettings DEFAULTS = new FtrlSettings(0.05, 1.0, 0.5, 1.0);

    public FtrlSettings {
        check("alpha", alpha, true);
        check("beta", beta, false);
        check("l1", l1, false);
        check("l2", l2, false);
    }

    private static void check(String name, double value, boolean positive) {
        if (!Double.isFinite(value) || value < 0 || (positive && value == 0)) {
            throw new IllegalArgumentException(
                    "FTRL "
                            + name
                            + " must be "
                            + (positive ? "positive" : "non-negative")
                            + " and finite, got "
                            + value);
        }
    }
}
