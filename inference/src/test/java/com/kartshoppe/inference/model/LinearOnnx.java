package com.kartshoppe.inference.model;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hand-built ONNX logistic models with known weights: {@code sigmoid(input . w + b)}, output {@code
 * [rows, 1]}. Tests set exactly the defect they need (width, metadata, NaN weights).
 */
public final class LinearOnnx {

    private final List<String> metadataFeatures;
    private final float[] weights;
    private final float bias;
    private boolean withMetadata = true;

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

    public byte[] bytes() {
        int n = weights.length;
        OnnxMl.TensorProto.Builder w =
                OnnxMl.TensorProto.newBuilder()
                        .setName("w")
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .addDims(n)
                        .addDims(1);
        for (float v : weights) {
            w.addFloatData(v);
        }
        OnnxMl.TensorProto.Builder b =
                OnnxMl.TensorProto.newBuilder()
                        .setName("b")
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .addDims(1)
                        .addFloatData(bias);
        OnnxMl.GraphProto graph =
                OnnxMl.GraphProto.newBuilder()
                        .setName("linear")
                        .addInput(matrix("input", n))
                        .addOutput(matrix("output", 1))
                        .addInitializer(w)
                        .addInitializer(b)
                        .addNode(node("MatMul", "input", "w", "logit"))
                        .addNode(node("Add", "logit", "b", "margin"))
                        .addNode(
                                OnnxMl.NodeProto.newBuilder()
                                        .setOpType("Sigmoid")
                                        .addInput("margin")
                                        .addOutput("output"))
                        .build();
        OnnxMl.ModelProto.Builder model =
                OnnxMl.ModelProto.newBuilder()
                        .setIrVersion(8)
                        .setProducerName("kartshoppe-tests")
                        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                        .setGraph(graph);
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

    private static OnnxMl.NodeProto.Builder node(String op, String a, String b, String out) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).addInput(a).addInput(b).addOutput(out);
    }

    private static OnnxMl.ValueInfoProto matrix(String name, int columns) {
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
                                                .setElemType(
                                                        OnnxMl.TensorProto.DataType.FLOAT
                                                                .getNumber())
                                                .setShape(shape)))
                .build();
    }
}
