package com.kartshoppe.features.quality;

/**
 * Why a record was rejected: a machine-readable {@code reason} code for dead letters and metrics,
 * and a {@code detail} naming the offending field and value.
 */
public record Violation(String reason, String detail) {

    public static final String MISSING_FIELD = "validation.missing-field";
    public static final String NEGATIVE_AMOUNT = "validation.negative-amount";
    public static final String UNKNOWN_CURRENCY = "validation.unknown-currency";
    public static final String AMOUNT_MISMATCH = "validation.amount-mismatch";
    public static final String INVALID_VALUE = "validation.invalid-value";
}
