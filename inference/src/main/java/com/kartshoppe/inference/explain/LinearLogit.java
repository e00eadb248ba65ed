package com.kartshoppe.inference.explain;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The positive class's logit of a linear ONNX classifier, read from its graph: {@code logit(p) =
 * intercept + sum_j term_j(x_j)} with {@code term_j(x) = coefficient_j * x + offset_j}, so each
 * feature's term is exact. For the graphs {@code ModelTrainer} writes (standardisation, then
 * Tribuo's {@code Gemm} and a two-class {@code Softmax}), {@code term_j = (w1j - w0j) * (x_j -
 * mean_j) / std_j}: a feature at its training mean contributes nothing.
 *
 * <p>Recognised graphs are one chain from the input to the probability output: per-column {@code
 * Sub}, {@code Add}, {@code Mul}, {@code Div} by constants; one {@code Gemm}, or {@code MatMul} and
 * an optional {@code Add} of a bias; then {@code Softmax} over two columns or {@code Sigmoid} over
 * one; {@code Identity} anywhere. Constants must be initializers. Anything else (a factorization
 * machine, trees, a network) is not linear here, and {@link #recognise} says so.
 *
 * <pre>{@code
 * Optional<LinearLogit> linear = LinearLogit.recognise(proto, "input", "output", 1, features.size());
 * double[] terms = new double[features.size()];
 * double logit = linear.get().terms(rows, 0, terms); // rows: row-major, as OnnxModel.predict takes them
 * }</pre>
 */
public final class LinearLogit {

    private final double[] coefficient;
    private final double[] offset;
    private final double intercept;

    LinearLogit(double[] coefficient, double[] offset, double intercept) {
        this.coefficient = coefficient;
        this.offset = offset;
        this.intercept = intercept;
    }

    /** The logit's part that belongs to no feature. */
    public double intercept() {
        return intercept;
    }

    /** Input columns. */
    public int width() {
        return coefficient.length;
    }

    /** Column {@code j}'s term for the value {@code x}. */
    public double term(int j, double x) {
        return coefficient[j] * x + offset[j];
    }

    /**
     * The logit of one row: the intercept plus the sum of the terms, each written to {@code
     * terms[j]}.
     *
     * @param rows rows laid out row-major as the model is fed them
     * @param row which of them
     */
    public double terms(FloatBuffer rows, int row, double[] terms) {
        double logit = intercept;
        int from = row * coefficient.length;
        for (int j = 0; j < coefficient.length; j++) {
            terms[j] = term(j, rows.get(from + j));
            logit += terms[j];
        }
        return logit;
    }

    /**
     * The linear form of the logit of {@code output}'s column {@code positiveIndex}, if the graph
     * from {@code input} (width {@code width}) to {@code output} is one the class recognises.
     */
    public static Optional<LinearLogit> recognise(
            OnnxMl.ModelProto model, String input, String output, int positiveIndex, int width) {
        try {
            return Optional.ofNullable(
                    new Reader(model.getGraph(), width).read(input, output, positiveIndex));
        } catch (RuntimeException e) {
            // A constant of an unexpected shape or type: then this is not a graph we understand.
            return Optional.empty();
        }
    }

    /** How the graph turns its linear outputs into probabilities. */
    private enum Link {
        /** Over two columns: the logit of one is the difference of the two. */
        SOFTMAX,
        /** Over one column: it is the logit. */
        SIGMOID
    }

    /** Follows the chain from the input, keeping the affine map from the raw row to it. */
    private static final class Reader {
        private final Map<String, OnnxMl.TensorProto> constants = new HashMap<>();
        private final Map<String, List<OnnxMl.NodeProto>> consumers = new HashMap<>();
        private final int width;
        // Column-wise stage: value_j = scale[j] * x_j + shift[j].
        private final double[] scale;
        private final double[] shift;
        // Linear stage: value_m = sum_j weights[j][m] * (scale[j] * x_j + shift[j]) + bias[m].
        private double[][] weights;
        private double[] bias;

        Reader(OnnxMl.GraphProto graph, int width) {
            for (OnnxMl.TensorProto t : graph.getInitializerList()) {
                constants.put(t.getName(), t);
            }
            for (OnnxMl.NodeProto node : graph.getNodeList()) {
                for (String in : node.getInputList()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
            this.width = width;
            this.scale = new double[width];
            this.shift = new double[width];
            Arrays.fill(scale, 1.0);
        }

        LinearLogit read(String input, String output, int positiveIndex) {
            String current = input;
            Link link = null; // set once the probabilities are computed
            while (!current.equals(output) || link == null) {
                List<OnnxMl.NodeProto> next = consumers.getOrDefault(current, List.of());
                if (next.size() != 1 || next.get(0).getOutputCount() != 1) {
                    return null;
                }
                OnnxMl.NodeProto node = next.get(0);
                String op = node.getOpType();
                if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                    return null;
                }
                if (op.equals("Identity")) {
                    // passes through
                } else if (link != null) {
                    return null;
                } else if (weights == null && !columnWise(node, current)) {
                    if (!linear(node, current)) {
                        return null;
                    }
                } else if (weights != null) {
                    if (op.equals("Softmax") && bias.length == 2 && lastAxis(node)) {
                        link = Link.SOFTMAX;
                    } else if (op.equals("Sigmoid") && bias.length == 1) {
                        link = Link.SIGMOID;
                    } else if (!biasStep(node, current)) {
                        return null;
                    }
                }
                current = node.getOutput(0);
            }
            return link == Link.SIGMOID ? form(0, -1) : form(positiveIndex, 1 - positiveIndex);
        }

        /** logit = value[positive] - value[negative] (two-class softmax) or value[0]. */
        private LinearLogit form(int positive, int negative) {
            double[] coefficient = new double[width];
            double[] offset = new double[width];
            for (int j = 0; j < width; j++) {
                double d = weights[j][positive] - (negative < 0 ? 0 : weights[j][negative]);
                coefficient[j] = d * scale[j];
                offset[j] = d * shift[j];
            }
            double intercept = bias[positive] - (negative < 0 ? 0 : bias[negative]);
            return new LinearLogit(coefficient, offset, intercept);
        }

        private boolean columnWise(OnnxMl.NodeProto node, String current) {
            String op = node.getOpType();
            if (node.getInputCount() != 2) {
                return false;
            }
            boolean first = node.getInput(0).equals(current);
            double[] k = vector(node.getInput(first ? 1 : 0), width);
            if (k == null) {
                return false;
            }
            for (int j = 0; j < width; j++) {
                switch (op) {
                    case "Add" -> shift[j] += k[j];
                    case "Sub" -> {
                        if (!first) {
                            return false;
                        }
                        shift[j] -= k[j];
                    }
                    case "Mul" -> {
                        scale[j] *= k[j];
                        shift[j] *= k[j];
                    }
                    case "Div" -> {
                        if (!first) {
                            return false;
                        }
                        scale[j] /= k[j];
                        shift[j] /= k[j];
                    }
                    default -> {
                        return false;
                    }
                }
            }
            return true;
        }

        private boolean linear(OnnxMl.NodeProto node, String current) {
            String op = node.getOpType();
            if (!(op.equals("Gemm") || op.equals("MatMul"))
                    || node.getInputCount() < 2
                    || !node.getInput(0).equals(current)) {
                return false;
            }
            boolean transB = op.equals("Gemm") && attribute(node, "transB", 0) == 1;
            if (op.equals("Gemm") && attribute(node, "transA", 0) != 0) {
                return false;
            }
            OnnxMl.TensorProto b = constants.get(node.getInput(1));
            if (b == null || b.getDimsCount() != 2) {
                return false;
            }
            int rows = (int) b.getDims(0);
            int cols = (int) b.getDims(1);
            int outputs = transB ? rows : cols;
            if ((transB ? cols : rows) != width) {
                return false;
            }
            double[] values = values(b);
            double alpha = op.equals("Gemm") ? attributeFloat(node, "alpha", 1f) : 1.0;
            weights = new double[width][outputs];
            for (int j = 0; j < width; j++) {
                for (int m = 0; m < outputs; m++) {
                    weights[j][m] = alpha * (transB ? values[m * cols + j] : values[j * cols + m]);
                }
            }
            bias = new double[outputs];
            if (op.equals("Gemm") && node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
                double[] c = vector(node.getInput(2), outputs);
                if (c == null) {
                    return false;
                }
                double beta = attributeFloat(node, "beta", 1f);
                for (int m = 0; m < outputs; m++) {
                    bias[m] = beta * c[m];
                }
            }
            return true;
        }

        private boolean biasStep(OnnxMl.NodeProto node, String current) {
            String op = node.getOpType();
            if (node.getInputCount() != 2 || !(op.equals("Add") || op.equals("Sub"))) {
                return false;
            }
            boolean first = node.getInput(0).equals(current);
            if (op.equals("Sub") && !first) {
                return false;
            }
            double[] k = vector(node.getInput(first ? 1 : 0), bias.length);
            if (k == null) {
                return false;
            }
            for (int m = 0; m < bias.length; m++) {
                bias[m] += op.equals("Add") ? k[m] : -k[m];
            }
            return true;
        }

        private static boolean lastAxis(OnnxMl.NodeProto node) {
            long axis = attribute(node, "axis", -1);
            return axis == 1 || axis == -1;
        }

        /**
         * A constant broadcast along a row of {@code size}: shape [size], [1, size] or one value.
         */
        private double[] vector(String name, int size) {
            OnnxMl.TensorProto t = constants.get(name);
            if (t == null) {
                return null;
            }
            long elements = 1;
            for (long d : t.getDimsList()) {
                elements *= d;
            }
            long last = t.getDimsCount() == 0 ? 1 : t.getDims(t.getDimsCount() - 1);
            double[] values = values(t);
            if (elements == 1) {
                double[] all = new double[size];
                Arrays.fill(all, values[0]);
                return all;
            }
            return elements == size && last == size ? values : null;
        }

        private static long attribute(OnnxMl.NodeProto node, String name, long otherwise) {
            for (OnnxMl.AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a.getI();
                }
            }
            return otherwise;
        }

        private static double attributeFloat(OnnxMl.NodeProto node, String name, float otherwise) {
            for (OnnxMl.AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a.getF();
                }
            }
            return otherwise;
        }
    }

    /** A FLOAT or DOUBLE tensor's values, from its typed field or its little-endian raw bytes. */
    static double[] values(OnnxMl.TensorProto t) {
        int type = t.getDataType();
        if (type == OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            if (t.getFloatDataCount() > 0) {
                double[] v = new double[t.getFloatDataCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = t.getFloatData(i);
                }
                return v;
            }
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[raw.remaining() / Float.BYTES];
            for (int i = 0; i < v.length; i++) {
                v[i] = raw.getFloat();
            }
            return v;
        }
        if (type == OnnxMl.TensorProto.DataType.DOUBLE.getNumber()) {
            if (t.getDoubleDataCount() > 0) {
                return t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray();
            }
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[raw.remaining() / Double.BYTES];
            for (int i = 0; i < v.length; i++) {
                v[i] = raw.getDouble();
            }
            return v;
        }
        throw new IllegalArgumentException("tensor " + t.getName() + " has data type " + type);
    }
}
