package com.kartshoppe.inference.model;

import java.util.Arrays;
import java.util.List;

/**
 * The ONNX {@code metadata_props} keys the platform reads. Any exporter can add them; with Python
 * {@code onnx}: {@code model.metadata_props.add(key="kartshoppe.features", value=",".join(names))}.
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
