package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link ServeFeaturesCommand}. */
class ServeFeaturesCommandTest {

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "feature-store.redis.key-pattern=features:{entityId}",
                "feature-store.server.threads=0",
                "feature-store.prot=1"
            })
    void refusesAnInvalidOrUnknownSettingNamingItsKey(String setting) {
        CliRunner run =
                CliRunner.run("serve-features", "--bootstrap", "localhost:9092", "-D", setting);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(setting.substring(0, setting.indexOf('=')));
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
