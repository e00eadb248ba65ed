package com.kartshoppe.inference.model;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hand-built ONNX logistic models with known weights: {@code sigmoid(input . w + b)}, output {@code
 * [rows, 1]}. Tests set exactly the defect they need (width, metadata, NaN weights), and the
 * layouts other exporters write: DOUBLE throughout, one input per feature (sklearn-onnx's way, here
 * declared in reverse order and concatenated), a label output next to {@code [rows, 2]}
 * probabilities.
 */
public final class LinearOnnx {

    private final List<String> metadataFeatures;
    private final float[] weights;
    private final float bias;
    private boolean withMetadata = true;
    private OnnxMl.TensorProto.DataType type = OnnxMl.TensorProto.DataType.FLOAT;
    private boolean perFeature;
    private boolean labelAndProbabilities;

    private LinearOnnx(List<String> metadataFeatures, float[] weights, float bias) {
        this.metadataFeatures = metadataFeatures;
        this.weights = weights;
        this.bias = bias;
    }

    /** A model whose metadata lists {@code features} and whose input has one column per weight. */
    public static LinearOnnx of(List<String> features, float[] weights, float bias) {
        return new LinearOnnx(features, weights, bias);
    }

    public LinearOnnx withoutMetadata() {
        withMetadata = false;
        return this;
    }

    /** DOUBLE inputs, weights and output. */
    public LinearOnnx doubles() {
        type = OnnxMl.TensorProto.DataType.DOUBLE;
        return this;
    }

    /** One {@code [rows, 1]} input per listed feature, named after it. */
    public LinearOnnx oneInputPerFeature() {
        perFeature = true;
        return this;
    }

    /** Outputs {@code label} (INT64 [rows]) and {@code probabilities} ([rows, 2], P(1) second). */
    public LinearOnnx labelAndProbabilities() {
        labelAndProbabilities = true;
        return this;
    }

    public byte[] bytes() {
        int n = weights.length;
        OnnxMl.TensorProto.Builder w = constant("w", n, 1);
        OnnxMl.TensorProto.Builder b = constant("b", 1);
        OnnxMl.TensorProto.Builder one = constant("one", 1);
        for (int j = 0; j < n; j++) {
            add(w, weights[j]);
        }
        add(b, bias);
        add(one, 1f);
        OnnxMl.GraphProto.Builder graph =
                OnnxMl.GraphProto.newBuilder()
                        .setName("linear")
                        .addInitializer(w)
                        .addInitializer(b);
        if (perFeature) {
            OnnxMl.NodeProto.Builder concat =
                    OnnxMl.NodeProto.newBuilder().setOpType("Concat").addOutput("input");
            concat.addAttribute(axis(1));
            for (int j = n - 1; j >= 0; j--) {
                graph.addInput(matrix(metadataFeatures.get(j), 1));
            }
            for (int j = 0; j < n; j++) {
                concat.addInput(metadataFeatures.get(j));
            }
            graph.addNode(concat);
        } else {
            graph.addInput(matrix("input", n));
        }
        graph.addNode(node("MatMul", "input", "w", "logit"))
                .addNode(node("Add", "logit", "b", "margin"))
                .addNode(
                        OnnxMl.NodeProto.newBuilder()
                                .setOpType("Sigmoid")
                                .addInput("margin")
                                .addOutput("output"));
        if (labelAndProbabilities) {
            graph.addInitializer(one)
                    .addNode(node("Sub", "one", "output", "negative"))
                    .addNode(
                            OnnxMl.NodeProto.newBuilder()
                                    .setOpType("Concat")
                                    .addInput("negative")
                                    .addInput("output")
                                    .addOutput("probabilities")
                                    .addAttribute(axis(1)))
                    .addNode(
                            OnnxMl.NodeProto.newBuilder()
                                    .setOpType("ArgMax")
                                    .addInput("probabilities")
                                    .addOutput("label")
                                    .addAttribute(axis(1))
                                    .addAttribute(
                                            OnnxMl.AttributeProto.newBuilder()
                                                    .setName("keepdims")
                                                    .setType(
                                                            OnnxMl.AttributeProto.AttributeType.INT)
                                                    .setI(0)))
                    .addOutput(vector("label", OnnxMl.TensorProto.DataType.INT64))
                    .addOutput(matrix("probabilities", 2));
        } else {
            graph.addOutput(matrix("output", 1));
        }
        OnnxMl.ModelProto.Builder model =
                OnnxMl.ModelProto.newBuilder()
                        .setIrVersion(8)
                        .setProducerName("kartshoppe-tests")
                        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                        .setGraph(graph.build());
        if (withMetadata) {
            model.addMetadataProps(
                    OnnxMl.StringStringEntryProto.newBuilder()
                            .setKey(ModelMetadata.FEATURES)
                            .setValue(ModelMetadata.formatFeatures(metadataFeatures)));
        }
        return model.build().toByteArray();
    }

    /** Writes the model to {@code dir/<name>/<version>.onnx}. */
    public Path writeTo(Path dir, String name, String version) throws IOException {
        Path file = dir.resolve(name).resolve(version + ".onnx");
        Files.createDirectories(file.getParent());
        Files.write(file, bytes());
        return file;
    }

    private OnnxMl.TensorProto.Builder constant(String name, long... dims) {
        OnnxMl.TensorProto.Builder t =
                OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    private void add(OnnxMl.TensorProto.Builder t, float v) {
        if (type == OnnxMl.TensorProto.DataType.DOUBLE) {
            t.addDoubleData(v);
        } else {
            t.addFloatData(v);
        }
    }

    private static OnnxMl.AttributeProto axis(int axis) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName("axis")
                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(axis)
                .build();
    }

    private static OnnxMl.NodeProto.Builder node(String op, String a, String b, String out) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).addInput(a).addInput(b).addOutput(out);
    }

    private static OnnxMl.ValueInfoProto vector(String name, OnnxMl.TensorProto.DataType type) {
        OnnxMl.TensorShapeProto shape =
                OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("rows"))
                        .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        OnnxMl.TypeProto.newBuilder()
                                .setTensorType(
                                        OnnxMl.TypeProto.Tensor.newBuilder()
                                                .setElemType(type.getNumber())
                                                .setShape(shape)))
                .build();
    }

    private OnnxMl.ValueInfoProto matrix(String name, int columns) {
        OnnxMl.TensorShapeProto shape =
                OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("rows"))
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
                        .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        OnnxMl.TypeProto.newBuilder()
                                .setTensorType(
                                        OnnxMl.TypeProto.Tensor.newBuilder()
                                                .setElemType(type.getNumber())
                                                .setShape(shape)))
                .build();
    }
}
