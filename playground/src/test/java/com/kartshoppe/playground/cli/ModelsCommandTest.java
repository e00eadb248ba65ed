package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.inference.model.StarterModels;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
