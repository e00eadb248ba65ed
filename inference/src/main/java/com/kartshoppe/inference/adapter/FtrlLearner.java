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
            Double v = features.get(featureNames.get(i));
            x[i + 2] = v == null || !Double.isFinite(v) ? 0.0 : v;
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
}
