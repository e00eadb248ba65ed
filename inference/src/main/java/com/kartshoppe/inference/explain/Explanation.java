package com.kartshoppe.inference.explain;

import java.util.Map;

/**
 * Why a model scored a row as it did: its largest feature contributions to the logit of the score.
 *
 * @param method how the contributions were computed
 * @param intercept the logit's part that belongs to no feature: with {@link Method#LINEAR} and
 *     every contribution kept, {@code intercept + sum(contributions) = logit(score)}; with {@link
 *     Method#OCCLUSION} the logit of the reference row
 * @param contributions feature name to signed term, largest magnitude first, zero terms left out
 */
public record Explanation(Method method, double intercept, Map<String, Double> contributions) {

    /** How contributions are computed. */
    public enum Method {
        /**
         * The exact terms of a linear model's logit (read from its graph), plus the online
         * adapter's: its {@code logitWeight} scales the model's terms, its bias joins the
         * intercept, its feature weights add {@code w_i * x_i}.
         */
        LINEAR("linear"),
        /**
         * Any other model: the logit's change when the feature alone is set to its reference value
         * (the training mean if the graph starts with a standardisation, else the feature's
         * default), from one extra row per feature in the same inference call. Interactions make
         * the terms not add up to the logit. The adapter's part is as for {@link #LINEAR}.
         */
        OCCLUSION("occlusion");

        private final String id;

        Method(String id) {
            this.id = id;
        }

        /** The name written to {@code contributionMethod}. */
        public String id() {
            return id;
        }
    }
}
