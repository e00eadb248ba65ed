package com.kartshoppe.inference.model;

import java.util.Arrays;
import java.util.List;

/**
 * The ONNX {@code metadata_props} keys the platform reads, and those {@code kartshoppe train}
 * writes to say what a model was trained on and how well it did. Any exporter can add them; with
 * Python {@code onnx}: {@code model.metadata_props.add(key="kartshoppe.features",
 * value=",".join(names))}. The model's version goes in the ONNX {@code model_version} field.
 */
public final class ModelMetadata {

    /** Required: the input columns, in order, as comma-separated feature names. */
    public static final String FEATURES = "kartshoppe.features";

    /**
     * Optional: the column of a {@code [-1, k]} probability output that holds P(positive); default
     * 1 (sklearn's and PyTorch's usual layout). Ignored for a {@code [-1, 1]} output.
     */
    public static final String POSITIVE_INDEX = "kartshoppe.positive-index";

    /** Optional: the output to read when the model has several (e.g. sklearn's label + probs). */
    public static final String OUTPUT = "kartshoppe.output";

    /** Written by {@code kartshoppe train}: the feature set, e.g. {@code fraud_v1 v1}. */
    public static final String FEATURE_SET = "kartshoppe.feature-set";

    /** Written by {@code kartshoppe train}: LOGISTIC or FM. */
    public static final String ALGORITHM = "kartshoppe.algorithm";

    /**
     * Written by {@code kartshoppe train}: the event time of the earliest and of the latest example
     * (training and held-out), ISO-8601 instants.
     */
    public static final String TRAINING_WINDOW_START = "kartshoppe.training.window-start";

    public static final String TRAINING_WINDOW_END = "kartshoppe.training.window-end";

    /** Written by {@code kartshoppe train}: examples trained on. */
    public static final String TRAINING_EXAMPLES = "kartshoppe.training.examples";

    /** Written by {@code kartshoppe train}: held-out examples, and how many were positive. */
    public static final String HELD_OUT_EXAMPLES = "kartshoppe.held-out.examples";

    public static final String HELD_OUT_POSITIVES = "kartshoppe.held-out.positives";

    /** Written by {@code kartshoppe train}: the held-out split's ROC AUC, log loss and Brier. */
    public static final String HELD_OUT_AUC = "kartshoppe.held-out.auc";

    public static final String HELD_OUT_LOG_LOSS = "kartshoppe.held-out.log-loss";

    public static final String HELD_OUT_BRIER = "kartshoppe.held-out.brier";

    private ModelMetadata() {}

    /** The feature names of a {@link #FEATURES} value. */
    public static List<String> parseFeatures(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).toList();
    }

    /** The {@link #FEATURES} value for the names. */
    public static String formatFeatures(List<String> names) {
        return String.join(",", names);
    }
}
