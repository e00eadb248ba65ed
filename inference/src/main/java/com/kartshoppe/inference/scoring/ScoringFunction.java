package com.kartshoppe.inference.scoring;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What a job scores and what it makes of the scores: the plain-Java part of a {@link
 * ScoringOperator}.
 *
 * @param <IN> a request: an order to decide, a session to recommend for
 * @param <OUT> the decision
 */
public interface ScoringFunction<IN, OUT> extends Serializable {

    /** Feature rows of one request: one for a fraud decision, one per candidate for a reco. */
    List<Map<String, Double>> rows(IN request);

    /**
     * The decision for a request.
     *
     * @param rows the request's rows as {@link #rows} gave them and the model was fed them, for
     *     logging what was scored
     * @param scores one per row, in row order; empty when no model serves (rules-only mode)
     */
    OUT decide(IN request, List<Map<String, Double>> rows, List<Score> scores);

    /**
     * Whether the decisions carry feature contributions: then each {@link Score} has an {@link
     * Score#explanation() explanation} of {@code scoring.contributions} of them. Off by default: a
     * non-linear model's are computed by occlusion, one extra inference row per feature.
     */
    default boolean explains() {
        return false;
    }
}
