package com.kartshoppe.inference.scoring;

/**
 * One scored row and what produced it.
 *
 * @param score the adapted probability (equal to {@code baseScore} without an adapter)
 * @param baseScore the base model's probability
 * @param adapterVersion the adapter applied; 0 means none
 */
public record Score(
        String modelName,
        String modelVersion,
        long adapterVersion,
        double baseScore,
        double score) {}
