package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.MalformedKind;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulationStats;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link SimulateCommand}. */
class SimulateCommandTest {

    @TempDir Path tmp;

    @Test
    void writesTheSameFilesAsTheLibraryWithTheGivenOptions() throws Exception {
        Path cliDir = tmp.resolve("cli");
        CliRunner cli =
                CliRunner.run(
                        "simulate",
                        "--seed",
                        "4",
                        "--users",
                        "200",
                        "--duration",
                        "20m",
                        "--start",
                        "2025-05-05T05:00:00Z",
                        "--duplicate-rate",
                        "0.02",
                        "--malformed-kinds",
                        "garbage,negative-amount",
                        "--drift-at",
                        "5m",
                        "--out",
                        "jsonl:" + cliDir);

        Path libDir = tmp.resolve("lib");
        SimulationStats stats;
        try (JsonLinesSink sink = new JsonLinesSink(libDir)) {
            stats =
                    new Simulation(
                                    SimulatorConfig.builder()
                                            .seed(4)
                                            .users(200)
                                            .duration(Duration.ofMinutes(20))
                                            .start(Instant.parse("2025-05-05T05:00:00Z"))
                                            .duplicateRate(0.02)
                                            .malformedKinds(
                                                    EnumSet.of(
                                                            MalformedKind.GARBAGE,
                                                            MalformedKind.NEGATIVE_AMOUNT))
                                            .driftAt(Duration.ofMinutes(5))
                                            .build())
                            .run(sink);
        }

        assertThat(cli.exitCode()).as(cli.err()).isZero();
        for (EventType<?> type : JsonLinesSink.TOPICS) {
            assertThat(Files.readAllBytes(JsonCodec.file(cliDir, type)))
                    .as(type.name())
                    .isEqualTo(Files.readAllBytes(JsonCodec.file(libDir, type)));
        }
        assertThat(Files.readString(cliDir.resolve("summary.json")).strip())
                .isEqualTo(stats.toJson());
        assertThat(cli.out()).contains("Simulating 200 shoppers").contains("\"fraudOrders\"");
    }

    @Test
    void anInvalidValueNamesTheOption() {
        CliRunner cli = CliRunner.run("simulate", "--users", "0", "--out", "jsonl:" + tmp);

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("--users: must be positive, got 0");
    }

    @Test
    void aBadDurationIsExplained() {
        CliRunner cli = CliRunner.run("simulate", "--duration", "soon", "--out", "jsonl:" + tmp);

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("'soon' is not a duration");
    }

    @Test
    void anUnknownOutputSchemeIsExplained() {
        CliRunner cli = CliRunner.run("simulate", "--out", "s3://bucket");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("unknown scheme 's3'");
    }

    @Test
    void anUnknownSettingIsNamed() {
        CliRunner cli =
                CliRunner.run("simulate", "-D", "topics.clickz=x", "--out", "kafka:127.0.0.1:1");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("Unknown setting 'topics.clickz'");
    }

    @Test
    void anUnknownMalformedKindIsNamed() {
        CliRunner cli =
                CliRunner.run("simulate", "--malformed-kinds", "typo", "--out", "jsonl:" + tmp);

        assertThat(cli.exitCode()).isNotZero();
        assertThat(cli.err()).contains("Unknown malformed kind 'typo'");
    }
}
