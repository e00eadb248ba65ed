package com.kartshoppe.inference.adapter;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.inference.explain.Contributions;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The online correction on top of a base model: a logistic regression over {@code [logit(base
 * score), selected features]}.
 *
 * <pre>score = sigmoid(logit(p) + bias + logitWeight * logit(p) + sum(w_i * x_i))</pre>
 *
 * <p>With every weight zero the correction term is exactly zero and the base score is returned
 * unchanged, bit for bit. Serving applies it ({@link #apply}); the feedback job's {@link
 * FtrlLearner} produces new versions of it as {@link AdapterParams}.
 *
 * <pre>{@code
 * OnlineAdapter adapter = OnlineAdapter.from(params);
 * double score = adapter.appliesTo("fraud", "3") ? adapter.apply(base, features) : base;
 * }</pre>
 */
public final class OnlineAdapter implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Base scores are clipped this far from 0 and 1 before the logit, to keep it finite. */
    static final double EPSILON = 1e-7;

    private final String modelName;
    private final String baseModelVersion;
    private final long version;
    private final List<String> featureNames;
    private final double bias;
    private final double logitWeight;
    private final double[] weights;

    OnlineAdapter(
            String modelName,
            String baseModelVersion,
            long version,
            List<String> featureNames,
            double bias,
            double logitWeight,
            double[] weights) {
        if (featureNames.size() != weights.length) {
            throw new IllegalArgumentException(
                    "adapter "
                            + modelName
                            + "/"
                            + baseModelVersion
                            + " v"
                            + version
                            + " has "
                            + featureNames.size()
                            + " feature names but "
                            + weights.length
                            + " weights");
        }
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.baseModelVersion = Objects.requireNonNull(baseModelVersion, "baseModelVersion");
        this.version = version;
        this.featureNames = List.copyOf(featureNames);
        this.bias = bias;
        this.logitWeight = logitWeight;
        this.weights = weights.clone();
    }

    /** The adapter published in {@code params}. */
    public static OnlineAdapter from(AdapterParams params) {
        double[] w = params.getWeights().stream().mapToDouble(Double::doubleValue).toArray();
        return new OnlineAdapter(
                params.getModelName(),
                params.getBaseModelVersion(),
                params.getAdapterVersion(),
                params.getFeatureNames(),
                params.getBias(),
                params.getLogitWeight(),
                w);
    }

    /** Whether this adapter was trained against that base model version. */
    public boolean appliesTo(String model, String baseVersion) {
        return modelName.equals(model) && baseModelVersion.equals(baseVersion);
    }

    /**
     * The adapted score; a feature missing from {@code features} counts as 0 (no correction).
     *
     * @param baseScore the base model's probability
     */
    public double apply(double baseScore, Map<String, Double> features) {
        return apply(baseScore, features, null);
    }

    /**
     * The adapted score, and the adapter's part of its contributions: the adapted logit is {@code
     * (1 + logitWeight) * logit(p) + bias + sum(w_i * x_i)}, so the base model's contributions to
     * {@code logit(p)} are scaled by {@code 1 + logitWeight}, the bias joins the intercept and each
     * weighted feature adds {@code w_i * x_i} to its own.
     *
     * @param into the base model's contributions to {@code logit(baseScore)}, turned into those of
     *     the adapted logit; null to compute the score alone
     */
    public double apply(double baseScore, Map<String, Double> features, Contributions into) {
        double logit = logit(baseScore);
        double correction = bias + logitWeight * logit;
        if (into != null) {
            into.scale(1 + logitWeight);
            into.addIntercept(bias);
        }
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != 0.0) {
                Double x = features.get(featureNames.get(i));
                if (x != null) {
                    double term = weights[i] * x;
                    correction += term;
                    if (into != null) {
                        into.add(featureNames.get(i), term);
                    }
                }
            }
        }
        return correction == 0.0 ? baseScore : sigmoid(logit + correction);
    }

    /** The log-odds of a probability, clipped {@value #EPSILON} from 0 and 1 to stay finite. */
    public static double logit(double p) {
        double q = Math.min(1 - EPSILON, Math.max(EPSILON, p));
        return Math.log(q / (1 - q));
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    public String modelName() {
        return modelName;
    }

    public String baseModelVersion() {
        return baseModelVersion;
    }

    /** Adapter version; 0 is never published (it means "no adapter" on a score). */
    public long version() {
        return version;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public double bias() {
        return bias;
    }

    public double logitWeight() {
        return logitWeight;
    }

    public double weight(int i) {
        return weights[i];
    }

    @Override
    public String toString() {
        return modelName + "/" + baseModelVersion + " adapter v" + version;
    }
}
