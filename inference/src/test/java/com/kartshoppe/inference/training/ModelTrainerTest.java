package com.kartshoppe.inference.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.inference.metrics.BinaryMetrics;
import com.kartshoppe.inference.model.ModelMetadata;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.model.OnnxModel;
import com.kartshoppe.inference.training.ModelTrainer.Algorithm;
import com.kartshoppe.inference.training.ModelTrainer.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ModelTrainer}: Tribuo training, ONNX export and the serving path. */
class ModelTrainerTest {

    @TempDir Path models;

    /**
     * Fraud-like examples whose log-odds are {@code 1.2 declines + 1.5 new_device + amount / 400 -
     * 4}: the amount is on a scale 100x the others, so the model only learns it if it standardises.
     */
    static List<LabeledExample> examples(int n, long seed) {
        Random random = new Random(seed);
        List<LabeledExample> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double declines = random.nextInt(4);
            double newDevice = random.nextDouble() < 0.3 ? 1 : 0;
            double amount = 10 + random.nextDouble() * 1500;
            double logOdds = 1.2 * declines + 1.5 * newDevice + amount / 400 - 4;
            int label = random.nextDouble() < 1 / (1 + Math.exp(-logOdds)) ? 1 : 0;
            examples.add(
                    example(
                            "p-" + i,
                            Map.of(
                                    "payment_declines_10m", declines,
                                    "new_device", newDevice,
                                    "order_amount_eur", amount,
                                    "orders_1h", 1.0),
                            label));
        }
        return examples;
    }

    static LabeledExample example(String id, Map<String, Double> features, int label) {
        return LabeledExample.newBuilder()
                .setPredictionId(id)
                .setUseCase(UseCase.FRAUD)
                .setEntityId("u-" + id)
                .setEventTime(Instant.EPOCH)
                .setLabelTime(Instant.EPOCH)
                .setFeatureSet(FeatureCatalog.FRAUD_V1.name())
                .setFeatureSetVersion(FeatureCatalog.FRAUD_V1.version())
                .setFeatures(features)
                .setScore(0.5)
                .setBaseScore(0.5)
                .setModelName("fraud")
                .setModelVersion("0")
                .setAdapterVersion(0)
                .setLabel(label)
                .setLabelSource("test")
                .build();
    }

    @Test
    void logisticRegressionLearnsFeaturesOnDifferentScalesAndServes() throws Exception {
        trainsAndServes(Algorithm.LOGISTIC);
    }

    @Test
    void theFactorizationMachineExportsAndServesToo() throws Exception {
        trainsAndServes(Algorithm.FM);
    }

    private void trainsAndServes(Algorithm algorithm) throws Exception {
        List<LabeledExample> examples = examples(6000, 3);
        Path out = models.resolve("fraud").resolve("2.onnx");
        TrainingReport report =
                new ModelTrainer(FeatureCatalog.FRAUD_V1, algorithm, 7, 5).train(examples, out);

        // the true log-odds rank the held-out set with an AUC near 0.85
        assertThat(report.heldOutAuc()).isGreaterThan(0.8);
        double rate = report.heldOutPositives() / (double) report.heldOutExamples();
        double entropy = -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
        assertThat(report.heldOutLogLoss()).isLessThan(entropy * 0.85);
        assertThat(report.trainExamples() + report.heldOutExamples()).isEqualTo(6000);
        assertThat(report.heldOutExamples()).isBetween(1000, 1400);
        // the held-out scores and labels are the ones the figures were computed from
        assertThat(report.heldOutScores()).hasSize(report.heldOutExamples());
        assertThat(Arrays.stream(report.heldOutLabels()).sum())
                .isEqualTo(report.heldOutPositives());
        assertThat(BinaryMetrics.auc(report.heldOutScores(), report.heldOutLabels()))
                .isEqualTo(report.heldOutAuc());
        // orders_1h never varies: Tribuo drops it, and the metadata says so
        assertThat(report.features())
                .containsExactly("new_device", "order_amount_eur", "payment_declines_10m");

        assertThat(out.getParent()).isDirectoryContaining(p -> p.endsWith("2.onnx"));
        try (var files = Files.list(out.getParent())) {
            assertThat(files).hasSize(1); // no temporary file left behind
        }
        try (ModelRegistry registry =
                ModelRegistry.builder(models, "fraud", FeatureCatalog.FRAUD_V1).build().start()) {
            OnnxModel model = registry.acquire();
            assertThat(model.features()).isEqualTo(report.features());
            model.release();
        }
    }

    @Test
    void theFileCarriesItsVersionTrainingWindowAndHeldOutMetrics() throws Exception {
        Instant first = Instant.parse("2026-03-01T08:00:00Z");
        List<LabeledExample> examples = examples(2000, 5);
        for (int i = 0; i < examples.size(); i++) {
            // out of order: the window is the earliest and latest event time, not the first and
            // last read
            examples.get(i).setEventTime(first.plusSeconds((i * 7919L) % 2000 * 60));
        }
        Path out = models.resolve("fraud").resolve("7.onnx");
        TrainingReport report =
                new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.LOGISTIC, 7, 2)
                        .train(examples, out);
        assertThat(report.version()).isEqualTo(7);
        assertThat(report.windowStart()).isEqualTo(first);
        assertThat(report.windowEnd()).isEqualTo(first.plusSeconds(1999 * 60));

        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session =
                        OrtEnvironment.getEnvironment().createSession(out.toString(), options)) {
            OnnxModelMetadata metadata = session.getMetadata();
            assertThat(metadata.getVersion()).isEqualTo(7);
            Map<String, String> props = metadata.getCustomMetadata();
            assertThat(props)
                    .containsEntry(ModelMetadata.TRAINING_WINDOW_START, "2026-03-01T08:00:00Z")
                    .containsEntry(ModelMetadata.TRAINING_WINDOW_END, "2026-03-02T17:19:00Z")
                    .containsEntry(
                            ModelMetadata.TRAINING_EXAMPLES,
                            Integer.toString(report.trainExamples()))
                    .containsEntry(
                            ModelMetadata.HELD_OUT_EXAMPLES,
                            Integer.toString(report.heldOutExamples()))
                    .containsEntry(
                            ModelMetadata.HELD_OUT_POSITIVES,
                            Integer.toString(report.heldOutPositives()))
                    .containsEntry(ModelMetadata.ALGORITHM, "LOGISTIC")
                    .containsEntry(ModelMetadata.FEATURE_SET, "fraud_v1 v1");
            // the metrics written are those of the file as published
            assertThat(Double.parseDouble(props.get(ModelMetadata.HELD_OUT_AUC)))
                    .isEqualTo(report.heldOutAuc())
                    .isGreaterThan(0.75);
            assertThat(Double.parseDouble(props.get(ModelMetadata.HELD_OUT_LOG_LOSS)))
                    .isEqualTo(report.heldOutLogLoss());
            assertThat(Double.parseDouble(props.get(ModelMetadata.HELD_OUT_BRIER)))
                    .isEqualTo(report.heldOutBrier());
        }
    }

    @Test
    void theSameExamplesInAnotherOrderGiveTheSameModel() throws Exception {
        List<LabeledExample> examples = examples(2000, 11);
        List<LabeledExample> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, new Random(3));
        ModelTrainer trainer = new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.LOGISTIC, 7, 2);
        TrainingReport first = trainer.train(examples, models.resolve("fraud/1.onnx"));
        TrainingReport second = trainer.train(shuffled, models.resolve("fraud/2.onnx"));
        assertThat(second.heldOutAuc()).isEqualTo(first.heldOutAuc());
        assertThat(second.heldOutLogLoss()).isEqualTo(first.heldOutLogLoss());
    }

    @Test
    void examplesOfAnotherFeatureSetAreRefusedByPredictionId() {
        List<LabeledExample> examples = new ArrayList<>(examples(50, 1));
        LabeledExample stray = examples.get(7);
        stray.setFeatureSet("session_v1");
        assertThatThrownBy(
                        () ->
                                new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.LOGISTIC, 1, 1)
                                        .train(examples, models.resolve("fraud/1.onnx")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-7")
                .hasMessageContaining("session_v1");
    }

    @Test
    void aSplitWithoutPositivesIsRefused() {
        List<LabeledExample> negatives =
                examples(50, 1).stream()
                        .map(e -> LabeledExample.newBuilder(e).setLabel(0).build())
                        .toList();
        assertThatThrownBy(
                        () ->
                                new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.LOGISTIC, 1, 1)
                                        .train(negatives, models.resolve("fraud/1.onnx")))
                .hasMessageContaining("both classes are needed");
    }
}
