package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link KafkaCommand}. */
class KafkaCommandTest {

    @TempDir Path tmp;

    @Test
    void createsTheTopicsOnceAndKeepsThemInItsDataDirectory() {
        Path data = tmp.resolve("kafka");

        CliRunner first =
                CliRunner.run(
                        "kafka", "--port", "0", "--duration", "1ms", "--data-dir", data.toString());
        CliRunner second =
                CliRunner.run(
                        "kafka", "--port", "0", "--duration", "1ms", "--data-dir", data.toString());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out())
                .containsPattern("bootstrap servers 127\\.0\\.0\\.1:\\d+")
                .contains("shop.clicks", "features.user", "dlq.events")
                .contains("Kafka stopped.");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("Topics created: none (all exist)");
    }

    @Test
    void anUnknownTopicSettingIsNamed() {
        CliRunner cli = CliRunner.run("kafka", "--port", "0", "-D", "topics.nope=x");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("Unknown setting 'topics.nope'");
    }
}
