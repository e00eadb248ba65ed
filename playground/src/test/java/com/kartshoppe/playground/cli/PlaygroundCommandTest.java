package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Settings the playground refuses before it starts anything. */
class PlaygroundCommandTest {

    @Test
    void anUnknownSettingStopsStartUpNamingIt() {
        CliRunner run = CliRunner.run("playground", "-D", "fraud.blok-threshold=0.9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown setting 'fraud.blok-threshold'");
    }

    @Test
    void anInvalidValueStopsStartUpNamingTheKey() {
        CliRunner run = CliRunner.run("playground", "-D", "fraud.block-threshold=high");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for 'fraud.block-threshold'");
    }

    @Test
    void theBrokerIsThePlaygroundsOwn() {
        CliRunner run = CliRunner.run("playground", "-D", "kafka.bootstrap-servers=remote:9092");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("runs its own broker").contains("--kafka-port");
    }

    @Test
    void theModelsDirectoryIsAnOption() {
        CliRunner run = CliRunner.run("playground", "-D", "models.dir=/elsewhere");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--models-dir");
    }

    @Test
    void aPortInUseStopsStartUpNamingTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();

            CliRunner run = CliRunner.run("playground", "--flink-port", Integer.toString(port));

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err())
                    .contains("--flink-port: 127.0.0.1:" + port + " is in use")
                    .contains("or 0 for a free one");
        }
    }

    @Test
    void aSpeedupBelowRealTimeIsRefused() {
        CliRunner run = CliRunner.run("playground", "--speedup", "0.5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--speedup at least 1");
    }
}
