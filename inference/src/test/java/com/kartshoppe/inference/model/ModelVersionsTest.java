package com.kartshoppe.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ModelVersions}. */
class ModelVersionsTest {

    @TempDir Path dir;

    @Test
    void theNextVersionFollowsTheHighestIntegerComparedNumerically() throws Exception {
        Path fraud = dir.resolve("fraud");
        assertThat(ModelVersions.target(fraud)).isEqualTo(fraud.resolve("1.onnx"));
        Files.createDirectories(fraud);
        for (String name :
                new String[] {"2.onnx", "10.onnx", "9.onnx", "candidate.onnx", ".11.onnx.tmp"}) {
            Files.writeString(fraud.resolve(name), "x");
        }
        Files.writeString(fraud.resolve(".12.onnx"), "x"); // hidden: being published
        Files.createDirectories(fraud.resolve("13.onnx")); // not a regular file
        assertThat(ModelVersions.highest(fraud)).isEqualTo(10);
        assertThat(ModelVersions.target(fraud)).isEqualTo(fraud.resolve("11.onnx"));
    }

    @Test
    void aFileNameIsKeptAndGivesItsNumber() {
        Path named = dir.resolve("fraud").resolve("4.onnx");
        assertThat(ModelVersions.target(named)).isEqualTo(named);
        assertThat(ModelVersions.number(named)).isEqualTo(OptionalLong.of(4));
        assertThat(ModelVersions.number(dir.resolve("candidate.onnx"))).isEmpty();
    }
}
