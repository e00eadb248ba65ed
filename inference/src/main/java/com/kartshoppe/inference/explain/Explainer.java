package com.kartshoppe.inference.explain;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import com.kartshoppe.events.catalog.FeatureSet;
import java.util.List;
import java.util.Optional;

/**
 * How one model's scores are explained, decided once when the model loads: exactly if its graph is
 * linear ({@link LinearLogit}), else by occlusion against a reference row.
 *
 * <pre>{@code
 * Explainer explainer = Explainer.of(bytes, "input", "output", 1, features, FeatureCatalog.FRAUD_V1);
 * if (explainer.method() == Explanation.Method.LINEAR) { ... explainer.linear().get() ... }
 * }</pre>
 */
public final class Explainer {

    private final LinearLogit linear;
    private final float[] reference;

    private Explainer(LinearLogit linear, float[] reference) {
        this.linear = linear;
        this.reference = reference;
    }

    /**
     * Reads the model's graph. A file that does not parse as an ONNX protobuf (onnxruntime loaded
     * it, so this is unexpected) is explained by occlusion against the feature defaults.
     *
     * @param onnx the model file's bytes
     * @param input the matrix input; null for a model with one input per feature, which is
     *     explained by occlusion against the feature defaults
     * @param positiveIndex the output column holding P(positive)
     * @param features the input columns in order
     */
    public static Explainer of(
            byte[] onnx,
            String input,
            String output,
            int positiveIndex,
            List<String> features,
            FeatureSet featureSet) {
        float[] reference = new float[features.size()];
        for (int j = 0; j < reference.length; j++) {
            reference[j] = (float) featureSet.definition(features.get(j)).defaultValue();
        }
        if (input == null) {
            return new Explainer(null, reference);
        }
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            return new Explainer(null, reference);
        }
        Optional<LinearLogit> linear =
                LinearLogit.recognise(model, input, output, positiveIndex, features.size());
        standardisationMean(model.getGraph(), input, reference);
        return new Explainer(linear.orElse(null), reference);
    }

    /**
     * Where the graph's first step subtracts a constant row from the input (a standardisation, as
     * {@code ModelTrainer} exports), that row is the reference: the training mean.
     */
    private static void standardisationMean(
            OnnxMl.GraphProto graph, String input, float[] reference) {
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Sub")
                    && node.getInputCount() == 2
                    && node.getInput(0).equals(input)) {
                for (OnnxMl.TensorProto t : graph.getInitializerList()) {
                    if (t.getName().equals(node.getInput(1))) {
                        double[] mean;
                        try {
                            mean = LinearLogit.values(t);
                        } catch (IllegalArgumentException e) {
                            return;
                        }
                        if (mean.length == reference.length) {
                            for (int j = 0; j < mean.length; j++) {
                                reference[j] = (float) mean[j];
                            }
                        }
                        return;
                    }
                }
            }
        }
    }

    public Explanation.Method method() {
        return linear != null ? Explanation.Method.LINEAR : Explanation.Method.OCCLUSION;
    }

    /** The exact form of the logit, for a linear model. */
    public Optional<LinearLogit> linear() {
        return Optional.ofNullable(linear);
    }

    /** The reference value of column {@code j}, which occlusion sets a feature to. */
    public float reference(int j) {
        return reference[j];
    }
}
