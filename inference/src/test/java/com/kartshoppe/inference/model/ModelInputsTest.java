package com.kartshoppe.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.inference.explain.Explanation;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link ModelInputs}: models exported the other common ways (DOUBLE, one input per
 * feature, a label output beside the probabilities) load in real onnxruntime and score exactly like
 * the one-FLOAT-matrix model with the same weights.
 */
class ModelInputsTest {

    private static final List<String> FEATURES = List.of("orders_1h", "payment_declines_10m");
    private static final float[] WEIGHTS = {0.7f, -1.3f};
    private static final float BIAS = 0.2f;

    /** Rows with fractional values, a missing feature (its default) and a non-finite one. */
    private static final List<Map<String, Double>> ROWS =
            List.of(
                    Map.of("orders_1h", 2.0, "payment_declines_10m", 1.0),
                    Map.of("orders_1h", 0.37, "payment_declines_10m", 3.25),
                    Map.of("orders_1h", 11.0),
                    Map.of("orders_1h", Double.NaN, "payment_declines_10m", -0.5));

    @TempDir Path models;

    private static LinearOnnx model() {
        return LinearOnnx.of(FEATURES, WEIGHTS, BIAS);
    }

    @Test
    void everyLayoutScoresLikeTheOneFloatMatrixModel() throws Exception {
        List<Double> reference = scores(model(), "float_matrix");
        // sigmoid(0.2 + 0.7 * 2 - 1.3 * 1)
        assertThat(reference.get(0)).isCloseTo(1 / (1 + Math.exp(-0.3)), Offset.offset(1e-6));

        Map<String, UnaryOperator<LinearOnnx>> layouts =
                Map.of(
                        "double_matrix",
                        LinearOnnx::doubles,
                        "float_per_feature",
                        LinearOnnx::oneInputPerFeature,
                        "double_per_feature",
                        m -> m.oneInputPerFeature().doubles(),
                        "double_per_feature_no_metadata",
                        m -> m.oneInputPerFeature().doubles().withoutMetadata(),
                        "float_label_and_probabilities",
                        LinearOnnx::labelAndProbabilities,
                        "double_per_feature_label_and_probabilities",
                        m -> m.oneInputPerFeature().doubles().labelAndProbabilities());
        for (Map.Entry<String, UnaryOperator<LinearOnnx>> layout : layouts.entrySet()) {
            List<Double> scores = scores(layout.getValue().apply(model()), layout.getKey());
            for (int r = 0; r < ROWS.size(); r++) {
                assertThat(scores.get(r))
                        .as("%s, row %d", layout.getKey(), r)
                        .isCloseTo(reference.get(r), Offset.offset(1e-6));
            }
        }
    }

    @Test
    void oneInputPerFeatureBindsByNameWhateverTheGraphOrder() throws Exception {
        // LinearOnnx declares the per-feature inputs in reverse order
        try (ModelRegistry registry = serve(model().oneInputPerFeature(), "listed")) {
            OnnxModel model = registry.acquire();
            assertThat(model.features()).isEqualTo(FEATURES);
            assertThat(model.inputLayout()).isEqualTo("2 inputs, one per feature ([FLOAT])");
            // read as linear only from a matrix input: explained by occlusion
            assertThat(model.explainer().method()).isEqualTo(Explanation.Method.OCCLUSION);
            model.release();
        }
        try (ModelRegistry registry =
                serve(model().oneInputPerFeature().doubles().withoutMetadata(), "unlisted")) {
            OnnxModel model = registry.acquire();
            // without kartshoppe.features, the columns are the inputs in graph order
            assertThat(model.features()).isEqualTo(List.of("payment_declines_10m", "orders_1h"));
            assertThat(model.inputLayout()).isEqualTo("2 inputs, one per feature ([DOUBLE])");
            model.release();
        }
        try (ModelRegistry registry = serve(model().doubles(), "matrix")) {
            OnnxModel model = registry.acquire();
            assertThat(model.inputLayout()).isEqualTo("one DOUBLE matrix input 'input'");
            assertThat(model.explainer().method()).isEqualTo(Explanation.Method.LINEAR);
            model.release();
        }
    }

    @Test
    void rejectsInputsThatAreNeitherOneMatrixNorOnePerFeature() throws Exception {
        Path unknown =
                LinearOnnx.of(List.of("orders_1h", "shoe_size"), WEIGHTS, BIAS)
                        .oneInputPerFeature()
                        .withoutMetadata()
                        .writeTo(models, "unknown", "1");
        assertThatThrownBy(() -> OnnxModel.load(unknown, "unknown", "1", FeatureCatalog.FRAUD_V1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("has no 'kartshoppe.features'")
                .hasMessageContaining("are not one per feature of fraud_v1");

        Path mismatched =
                LinearOnnx.of(List.of("orders_1h", "payment_declines_10m"), WEIGHTS, BIAS)
                        .oneInputPerFeature()
                        .writeTo(models, "mismatched", "1");
        // the same inputs, but metadata listing other features
        byte[] listed = withFeatures(Files.readAllBytes(mismatched), "orders_1h,failed_logins_1h");
        Files.write(mismatched, listed);
        assertThatThrownBy(
                        () ->
                                OnnxModel.load(
                                        mismatched, "mismatched", "1", FeatureCatalog.FRAUD_V1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("are neither one matrix nor one per listed feature");
    }

    @Test
    void rejectsSklearnsZipMapOutputSayingHowToConvert() throws Exception {
        // sklearn-onnx's default: a label and a list of {class: probability} dictionaries
        OnnxMl.ModelProto labelled =
                OnnxMl.ModelProto.parseFrom(model().labelAndProbabilities().bytes());
        OnnxMl.GraphProto.Builder graph = labelled.getGraph().toBuilder();
        graph.removeOutput(1)
                .addNode(
                        OnnxMl.NodeProto.newBuilder()
                                .setOpType("ZipMap")
                                .setDomain("ai.onnx.ml")
                                .addInput("probabilities")
                                .addOutput("output_probability")
                                .addAttribute(
                                        OnnxMl.AttributeProto.newBuilder()
                                                .setName("classlabels_int64s")
                                                .setType(OnnxMl.AttributeProto.AttributeType.INTS)
                                                .addInts(0)
                                                .addInts(1)))
                .addOutput(
                        OnnxMl.ValueInfoProto.newBuilder()
                                .setName("output_probability")
                                .setType(
                                        OnnxMl.TypeProto.newBuilder()
                                                .setSequenceType(
                                                        OnnxMl.TypeProto.Sequence.newBuilder()
                                                                .setElemType(
                                                                        mapOfProbabilities()))));
        Path file = models.resolve("zipmap.onnx");
        Files.write(
                file,
                labelled.toBuilder()
                        .setGraph(graph)
                        .addOpsetImport(
                                OnnxMl.OperatorSetIdProto.newBuilder()
                                        .setDomain("ai.onnx.ml")
                                        .setVersion(1))
                        .build()
                        .toByteArray());
        assertThatThrownBy(() -> OnnxModel.load(file, "zipmap", "1", FeatureCatalog.FRAUD_V1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("several outputs [label, output_probability]")
                .hasMessageContaining("options {'zipmap': False}");
    }

    private static OnnxMl.TypeProto mapOfProbabilities() {
        return OnnxMl.TypeProto.newBuilder()
                .setMapType(
                        OnnxMl.TypeProto.Map.newBuilder()
                                .setKeyType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                                .setValueType(
                                        OnnxMl.TypeProto.newBuilder()
                                                .setTensorType(
                                                        OnnxMl.TypeProto.Tensor.newBuilder()
                                                                .setElemType(
                                                                        OnnxMl.TensorProto.DataType
                                                                                .FLOAT
                                                                                .getNumber()))))
                .build();
    }

    private static byte[] withFeatures(byte[] onnx, String features) throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(onnx);
        OnnxMl.ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        b.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(ModelMetadata.FEATURES)
                        .setValue(features));
        return b.build().toByteArray();
    }

    private ModelRegistry serve(LinearOnnx onnx, String name) throws Exception {
        onnx.writeTo(models, name, "1");
        return ModelRegistry.builder(models, name, FeatureCatalog.FRAUD_V1).build().start();
    }

    private List<Double> scores(LinearOnnx onnx, String name) throws Exception {
        try (ModelRegistry registry = serve(onnx, name)) {
            return new Scorer(registry, ROWS.size())
                    .score(ROWS, null).stream().map(Score::score).toList();
        }
    }
}
