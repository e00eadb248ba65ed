package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.playground.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ServeFeaturesCommand}. */
class ServeFeaturesCommandTest {

    @TempDir Path dir;

    @Test
    void refusesAnInvalidSettingNamingItsKey() {
        CliRunner run =
                CliRunner.run(
                        "serve-features",
                        "--bootstrap",
                        "localhost:9092",
                        "-D",
                        "feature-store.redis.key-pattern=features:{entityId}");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("feature-store.redis.key-pattern");
    }

    @Test
    void refusesAnUnknownSetting() {
        CliRunner run =
                CliRunner.run(
                        "serve-features",
                        "--bootstrap",
                        "localhost:9092",
                        "-D",
                        "feature-store.prot=1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("feature-store.prot");
    }

    @Test
    void servesForTheGivenDurationThenStopsCleanly() {
        Path store = dir.resolve("store");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            CliRunner run =
                    CliRunner.run(
                            "serve-features",
                            "--bootstrap",
                            kafka.bootstrapServers(),
                            "--port",
                            "0",
                            "--duration",
                            "1s",
                            "-D",
                            "feature-store.rocksdb.path=" + store);

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out())
                    .containsPattern("Feature server at http://127\\.0\\.0\\.1:\\d+")
                    .contains("Store rocksdb:" + store.toAbsolutePath())
                    .contains("materialising features.user from " + kafka.bootstrapServers())
                    .containsPattern("Read \\d+ snapshots, wrote \\d+");
            assertThat(Files.isDirectory(store)).isTrue();
        }
    }
}
