package com.kartshoppe.inference.adapter;

import com.kartshoppe.events.AdapterParams;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Learns an {@link OnlineAdapter} for one (model, base model version) from labelled examples with
 * FTRL-Proximal, one example at a time.
 *
 * <p>Coordinates are {@code [bias, logit(base score), features...]}; the margin is {@code logit(p)
 * + w . x}, so the weights learn a correction of the base model and start at zero, where the
 * adapter reproduces it. Per coordinate, with gradient {@code g = (prediction - label) * x}:
 *
 * <pre>
 * sigma = (sqrt(n + g^2) - sqrt(n)) / alpha;  z += g - sigma * w;  n += g^2
 * w = |z| <= l1 ? 0 : -(z - sign(z) * l1) / ((beta + sqrt(n)) / alpha + l2)
 * </pre>
 *
 * <pre>{@code
 * FtrlLearner learner = new FtrlLearner("fraud", "3", List.of("amount_zscore"), settings);
 * learner.update(example.getBaseScore(), example.getFeatures(), example.getLabel());
 * AdapterParams params = learner.publish(trainedUpTo, now);
 * }</pre>
 */
public final class FtrlLearner implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String modelName;
    private final String baseModelVersion;
    private final List<String> featureNames;
    private final FtrlSettings settings;
    private final double[] z;
    private final double[] n;
    private final double[] w;
    private final double[] x;
    private long examplesSeen;
    private long published;

    public FtrlLearner(
            String modelName,
            String baseModelVersion,
            List<String> featureNames,
            FtrlSettings settings) {
        this.modelName = modelName;
        this.baseModelVersion = baseModelVersion;
        this.featureNames = List.copyOf(featureNames);
        this.settings = settings;
        int size = featureNames.size() + 2;
        this.z = new double[size];
        this.n = new double[size];
        this.w = new double[size];
        this.x = new double[size];
    }

    /**
     * Resumes a learner from saved coordinates: {@code z} and {@code n} as {@link #z()} and {@link
     * #n()} returned them, with the counts of examples learned and versions published.
     */
    public static FtrlLearner resume(
            String modelName,
            String baseModelVersion,
            List<String> featureNames,
            FtrlSettings settings,
            double[] z,
            double[] n,
            long examplesSeen,
            long published) {
        FtrlLearner learner = new FtrlLearner(modelName, baseModelVersion, featureNames, settings);
        if (z.length != learner.z.length || n.length != learner.n.length) {
            throw new IllegalArgumentException(
                    "adapter "
                            + modelName
                            + "/"
                            + baseModelVersion
                            + ": saved state has "
                            + z.length
                            + " coordinates, "
                            + featureNames.size()
                            + " features need "
                            + learner.z.length);
        }
        System.arraycopy(z, 0, learner.z, 0, z.length);
        System.arraycopy(n, 0, learner.n, 0, n.length);
        for (int i = 0; i < z.length; i++) {
            learner.w[i] = learner.weight(i);
        }
        learner.examplesSeen = examplesSeen;
        learner.published = published;
        return learner;
    }

    /** The adapted probability for an example, with the current weights. */
    public double predict(double baseScore, Map<String, Double> features) {
        return current().apply(baseScore, features);
    }

    /**
     * Learns from one example.
     *
     * @param label 1 for positive, 0 for negative
     * @return the prediction made before the update
     */
    public double update(double baseScore, Map<String, Double> features, int label) {
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label must be 0 or 1, got " + label);
        }
        double logit = OnlineAdapter.logit(baseScore);
        x[0] = 1.0;
        x[1] = logit;
        for (int i = 0; i < featureNames.size(); i++) {
            x[i + 2] = input(features, featureNames.get(i));
        }
        double margin = logit;
        for (int i = 0; i < x.length; i++) {
            margin += w[i] * x[i];
        }
        double prediction = OnlineAdapter.sigmoid(margin);
        double error = prediction - label;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == 0.0) {
                continue;
            }
            double g = error * x[i];
            double sigma = (Math.sqrt(n[i] + g * g) - Math.sqrt(n[i])) / settings.alpha();
            z[i] += g - sigma * w[i];
            n[i] += g * g;
            w[i] = weight(i);
        }
        examplesSeen++;
        return prediction;
    }

    /** A feature's input to the learner: its value, or 0 when it is missing or not finite. */
    public static double input(Map<String, Double> features, String name) {
        Double v = features.get(name);
        return v == null || !Double.isFinite(v) ? 0.0 : v;
    }

    private double weight(int i) {
        if (Math.abs(z[i]) <= settings.l1()) {
            return 0.0;
        }
        return -(z[i] - Math.signum(z[i]) * settings.l1())
                / ((settings.beta() + Math.sqrt(n[i])) / settings.alpha() + settings.l2());
    }

    /** The adapter the weights describe now, versioned as the last published one. */
    public OnlineAdapter current() {
        return new OnlineAdapter(
                modelName,
                baseModelVersion,
                published,
                featureNames,
                w[0],
                w[1],
                Arrays.copyOfRange(w, 2, w.length));
    }

    /** The next version of the parameters, numbered 1, 2, ... per learner. */
    public AdapterParams publish(Instant trainedUpTo, Instant publishedAt) {
        published++;
        List<Double> weights = new ArrayList<>(featureNames.size());
        for (int i = 2; i < w.length; i++) {
            weights.add(w[i]);
        }
        return AdapterParams.newBuilder()
                .setModelName(modelName)
                .setBaseModelVersion(baseModelVersion)
                .setAdapterVersion(published)
                .setFeatureNames(featureNames)
                .setBias(w[0])
                .setLogitWeight(w[1])
                .setWeights(weights)
                .setExamplesSeen(examplesSeen)
                .setTrainedUpTo(trainedUpTo)
                .setPublishedAt(publishedAt)
                .build();
    }

    public long examplesSeen() {
        return examplesSeen;
    }

    /** Versions published so far: the last one's number. */
    public long published() {
        return published;
    }

    /** A copy of the FTRL {@code z} coordinates (bias, logit, features), for saving. */
    public double[] z() {
        return z.clone();
    }

    /** A copy of the FTRL {@code n} coordinates (sums of squared gradients), for saving. */
    public double[] n() {
        return n.clone();
    }
}
