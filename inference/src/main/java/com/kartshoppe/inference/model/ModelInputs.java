package com.kartshoppe.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import com.kartshoppe.events.catalog.FeatureSet;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a model takes a batch of rows, and the tensors that feed it. Two layouts are accepted, each
 * with FLOAT or DOUBLE elements:
 *
 * <ul>
 *   <li>one matrix input {@code [rows, n]}, its columns named in order by {@value
 *       ModelMetadata#FEATURES} (what Tribuo and {@code ModelTrainer} export);
 *   <li>one input per feature, {@code [rows, 1]} or {@code [rows]}, named after the feature (what
 *       sklearn-onnx exports from a DataFrame). {@value ModelMetadata#FEATURES} is optional then:
 *       when present it must list exactly the inputs' names, and sets the column order.
 * </ul>
 *
 * <p>Rows always arrive as the platform's row-major FLOAT buffer. A DOUBLE input gets those values
 * widened (so a DOUBLE model scores float-precision features), and any layout other than a FLOAT
 * matrix copies the batch once per call; a FLOAT matrix is read in place.
 *
 * <pre>{@code
 * ModelInputs inputs = ModelInputs.of(session.getInputInfo(), metadata, featureSet, file);
 * Map<String, OnnxTensor> feed = inputs.tensors(env, rows, n); // close each after the run
 * }</pre>
 */
final class ModelInputs {

    /** One ONNX input: its name, element type, and the columns it takes (one or all). */
    private record Input(String name, OnnxJavaType type, boolean rank1, int column) {}

    private final List<String> features;
    private final List<Input> inputs;
    private final boolean matrix;

    private ModelInputs(List<String> features, List<Input> inputs, boolean matrix) {
        this.features = List.copyOf(features);
        this.inputs = List.copyOf(inputs);
        this.matrix = matrix;
    }

    /**
     * Validates the model's inputs against its metadata and the feature set.
     *
     * @param listed the {@value ModelMetadata#FEATURES} value, or null if absent
     * @throws ModelRejectedException naming the failed check
     */
    static ModelInputs of(
            Map<String, NodeInfo> nodes, String listed, FeatureSet featureSet, String where)
            throws ModelRejectedException {
        boolean hasList = listed != null && !listed.isBlank();
        List<String> features = hasList ? ModelMetadata.parseFeatures(listed) : null;
        if (nodes.isEmpty()) {
            throw new ModelRejectedException(where, "has no inputs");
        }
        if (nodes.size() == 1 && hasList && !perFeature(nodes.keySet(), features)) {
            return matrix(nodes, features, featureSet, where);
        }
        if (!hasList && !allFeatures(nodes.keySet(), featureSet)) {
            throw new ModelRejectedException(
                    where,
                    "metadata_props has no '"
                            + ModelMetadata.FEATURES
                            + "' listing its input feature names, and its inputs "
                            + nodes.keySet()
                            + " are not one per feature of "
                            + featureSet);
        }
        return perFeature(
                nodes, hasList ? features : List.copyOf(nodes.keySet()), featureSet, where);
    }

    /** One input named after the only listed feature: either reading gives the same model. */
    private static boolean perFeature(Set<String> names, List<String> features) {
        return features.size() == 1 && names.contains(features.get(0));
    }

    private static boolean allFeatures(Set<String> names, FeatureSet featureSet) {
        return names.stream().allMatch(featureSet::contains);
    }

    private static ModelInputs matrix(
            Map<String, NodeInfo> nodes, List<String> features, FeatureSet featureSet, String where)
            throws ModelRejectedException {
        checkFeatures(features, featureSet, where);
        String name = nodes.keySet().iterator().next();
        TensorInfo tensor = numeric(nodes.get(name), where, "input '" + name + "'");
        long[] shape = tensor.getShape();
        if (shape.length != 2) {
            throw new ModelRejectedException(
                    where,
                    "input '"
                            + name
                            + "' must be a FLOAT or DOUBLE tensor [rows, n], is "
                            + tensor);
        }
        if (shape[1] != features.size()) {
            throw new ModelRejectedException(
                    where,
                    "input '"
                            + name
                            + "' has width "
                            + shape[1]
                            + " but metadata lists "
                            + features.size()
                            + " features");
        }
        return new ModelInputs(features, List.of(new Input(name, tensor.type, false, -1)), true);
    }

    private static ModelInputs perFeature(
            Map<String, NodeInfo> nodes, List<String> features, FeatureSet featureSet, String where)
            throws ModelRejectedException {
        checkFeatures(features, featureSet, where);
        if (!new HashSet<>(features).equals(nodes.keySet())) {
            throw new ModelRejectedException(
                    where,
                    "inputs "
                            + nodes.keySet()
                            + " are neither one matrix nor one per listed feature "
                            + features);
        }
        List<Input> inputs = new ArrayList<>();
        for (int j = 0; j < features.size(); j++) {
            String name = features.get(j);
            TensorInfo tensor = numeric(nodes.get(name), where, "input '" + name + "'");
            long[] shape = tensor.getShape();
            boolean column = shape.length == 2 && shape[1] == 1;
            if (!(shape.length == 1 || column)) {
                throw new ModelRejectedException(
                        where,
                        "input '"
                                + name
                                + "' takes one feature, so must be [rows, 1] or [rows], is "
                                + tensor);
            }
            inputs.add(new Input(name, tensor.type, shape.length == 1, j));
        }
        return new ModelInputs(features, inputs, false);
    }

    private static void checkFeatures(List<String> features, FeatureSet featureSet, String where)
            throws ModelRejectedException {
        Set<String> seen = new HashSet<>();
        for (String feature : features) {
            if (!featureSet.contains(feature)) {
                throw new ModelRejectedException(
                        where,
                        "input feature '" + feature + "' is not in feature set " + featureSet);
            }
            if (!seen.add(feature)) {
                throw new ModelRejectedException(
                        where, "input feature '" + feature + "' is listed twice");
            }
        }
    }

    /** A FLOAT or DOUBLE tensor, as inputs and outputs must be. */
    static TensorInfo numeric(NodeInfo node, String where, String what)
            throws ModelRejectedException {
        if (node.getInfo() instanceof TensorInfo tensor
                && (tensor.type == OnnxJavaType.FLOAT || tensor.type == OnnxJavaType.DOUBLE)) {
            return tensor;
        }
        throw new ModelRejectedException(
                where, what + " must be a FLOAT or DOUBLE tensor, is " + node.getInfo());
    }

    /** The columns, in the order rows are laid out. */
    List<String> features() {
        return features;
    }

    /** The input a matrix model takes, whose graph may be read as linear; null per feature. */
    String matrixInput() {
        return matrix ? inputs.get(0).name() : null;
    }

    /**
     * The tensors for {@code rows} rows laid out row-major in {@code batch} from position 0. The
     * caller closes them.
     */
    Map<String, OnnxTensor> tensors(OrtEnvironment env, FloatBuffer batch, int rows)
            throws OrtException {
        int width = features.size();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>(inputs.size() * 2);
        try {
            for (Input input : inputs) {
                feed.put(input.name(), tensor(env, input, batch, rows, width));
            }
        } catch (OrtException | RuntimeException e) {
            feed.values().forEach(OnnxTensor::close);
            throw e;
        }
        return feed;
    }

    private static OnnxTensor tensor(
            OrtEnvironment env, Input input, FloatBuffer batch, int rows, int width)
            throws OrtException {
        boolean doubles = input.type() == OnnxJavaType.DOUBLE;
        if (input.column() < 0) {
            long[] shape = {rows, width};
            if (!doubles) {
                FloatBuffer view = batch.duplicate();
                view.position(0).limit(rows * width);
                return OnnxTensor.createTensor(env, view, shape);
            }
            double[] values = new double[rows * width];
            for (int i = 0; i < values.length; i++) {
                values[i] = batch.get(i);
            }
            return OnnxTensor.createTensor(env, DoubleBuffer.wrap(values), shape);
        }
        long[] shape = input.rank1() ? new long[] {rows} : new long[] {rows, 1};
        int j = input.column();
        if (doubles) {
            double[] values = new double[rows];
            for (int r = 0; r < rows; r++) {
                values[r] = batch.get(r * width + j);
            }
            return OnnxTensor.createTensor(env, DoubleBuffer.wrap(values), shape);
        }
        float[] values = new float[rows];
        for (int r = 0; r < rows; r++) {
            values[r] = batch.get(r * width + j);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
    }

    /** For people: the layout and element types, e.g. "one FLOAT matrix input 'input'". */
    String layout() {
        Set<OnnxJavaType> types = new TreeSet<>();
        inputs.forEach(i -> types.add(i.type()));
        return matrix
                ? "one " + inputs.get(0).type() + " matrix input '" + inputs.get(0).name() + "'"
                : inputs.size() + " inputs, one per feature (" + types + ")";
    }
}
