package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.inference.model.StarterModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ModelsCommand}. */
class ModelsCommandTest {

    @TempDir Path dir;

    @Test
    void validateAcceptsTheStarterModelAndListsItsFeatures() {
        StarterModels.install(dir);
        CliRunner run =
                CliRunner.run(
                        "models",
                        "validate",
                        dir.resolve("fraud/1.onnx").toString(),
                        "--feature-set",
                        "fraud_v1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("valid for fraud_v1 v1, 21 input features");
        assertThat(run.out()).contains("inputs: one FLOAT matrix input 'input'");
        assertThat(run.out()).contains("contributions: linear");
    }

    @Test
    void theStarterRankingModelIsValidForRecoV1() {
        StarterModels.install(dir);
        CliRunner run =
                CliRunner.run(
                        "models",
                        "validate",
                        dir.resolve("reco/1.onnx").toString(),
                        "--feature-set",
                        "reco_v1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("valid for reco_v1 v1, 10 input features");
        // the starter ranking model is a factorization machine
        assertThat(run.out()).contains("contributions: occlusion");
    }

    @Test
    void validateRejectsAModelWithTheReason() throws Exception {
        Path file = dir.resolve("broken.onnx");
        Files.writeString(file, "this is not protobuf");
        CliRunner run =
                CliRunner.run("models", "validate", file.toString(), "--feature-set", "fraud_v1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("Rejected model " + file).contains("not a loadable ONNX");
    }

    @Test
    void validateAgainstAFeatureSetTheModelDoesNotFitNamesTheFeature() {
        StarterModels.install(dir);
        CliRunner run =
                CliRunner.run(
                        "models",
                        "validate",
                        dir.resolve("fraud/1.onnx").toString(),
                        "--feature-set",
                        "session_v1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is not in feature set session_v1 v1");
    }

    @Test
    void inspectPrintsTheShapesAndTheFeatureMetadata() {
        StarterModels.install(dir);
        CliRunner run = CliRunner.run("models", "inspect", dir.resolve("fraud/1.onnx").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("input input: TensorInfo(javaType=FLOAT")
                .contains("shape=[-1, 21]")
                .contains("metadata kartshoppe.features = account_age_days,")
                .contains("metadata kartshoppe.positive-index = 1");
    }

    @Test
    void trainIntoADirectoryWritesTheNextVersionAndInspectShowsItsWindowAndMetrics()
            throws Exception {
        Path examples = dir.resolve("examples.jsonl");
        JsonCodec.of(EventType.LABELED_EXAMPLE).writeFile(examples, examples(600));
        Path models = dir.resolve("models").resolve("fraud");
        Files.createDirectories(models);
        Files.writeString(models.resolve("9.onnx"), "an older version");
        CliRunner train =
                CliRunner.run(
                        "train",
                        "--use-case",
                        "fraud",
                        "--examples",
                        "jsonl:" + examples,
                        "--out",
                        models.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out())
                .contains(models.resolve("10.onnx") + " (version 10,")
                .contains("examples from 2026-03-01T00:00:00Z to 2026-03-01T09:59:00Z");

        CliRunner run = CliRunner.run("models", "inspect", models.resolve("10.onnx").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("model_version: 10")
                .contains("metadata kartshoppe.training.window-start = 2026-03-01T00:00:00Z")
                .contains("metadata kartshoppe.training.window-end = 2026-03-01T09:59:00Z")
                .contains("metadata kartshoppe.held-out.examples = ")
                .containsPattern("metadata kartshoppe.held-out.auc = 0\\.\\d+")
                .containsPattern("metadata kartshoppe.held-out.log-loss = 0\\.\\d+")
                .containsPattern("metadata kartshoppe.held-out.brier = 0\\.\\d+");
        // the metadata holds the AUC train printed
        Matcher printed = Pattern.compile("AUC (\\d\\.\\d{4})").matcher(train.out());
        Matcher written = Pattern.compile("held-out.auc = (\\S+)").matcher(run.out());
        assertThat(printed.find() && written.find()).as(train.out() + run.out()).isTrue();
        assertThat(String.format(Locale.ROOT, "%.4f", Double.parseDouble(written.group(1))))
                .isEqualTo(printed.group(1));
    }

    /** Examples a minute apart whose label follows the declines; fixed, so the run repeats. */
    private static List<LabeledExample> examples(int n) {
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        List<LabeledExample> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double declines = i % 4;
            int label = (i * 37) % 10 < declines * 2 ? 1 : 0;
            examples.add(
                    LabeledExample.newBuilder()
                            .setPredictionId("p-" + i)
                            .setUseCase(UseCase.FRAUD)
                            .setEntityId("u-" + i)
                            .setEventTime(start.plusSeconds(60L * i))
                            .setLabelTime(start.plusSeconds(60L * i + 3600))
                            .setFeatureSet(FeatureCatalog.FRAUD_V1.name())
                            .setFeatureSetVersion(FeatureCatalog.FRAUD_V1.version())
                            .setFeatures(
                                    Map.of(
                                            "payment_declines_10m",
                                            declines,
                                            "orders_1h",
                                            (double) (i % 3)))
                            .setScore(0.5)
                            .setBaseScore(0.5)
                            .setModelName("fraud")
                            .setModelVersion("1")
                            .setAdapterVersion(0)
                            .setLabel(label)
                            .setLabelSource("test")
                            .build());
        }
        return examples;
    }
}
