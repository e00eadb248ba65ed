package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.playground.progress.Progress;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tests for {@link OneLineErrors}: every command answers bad input with one line on stderr, exit
 * code 2 for a usage error and 1 for a runtime error, and a stack trace only with --verbose.
 *
 * <p>In the arguments, {@code {dir}} is an empty directory, {@code {missing}} a path that does not
 * exist, {@code {labels}} a file of one label, {@code {rules}} a rule-set file with a typo and
 * {@code {closed}} a local port nothing listens on.
 */
class CommandErrorsTest {

    @TempDir static Path tmp;
    private static int closedPort;

    @BeforeAll
    static void findAClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                usage("", "kartshoppe: Missing command"),
                usage("simulate --usres 5 --out jsonl:{dir}", "Unknown options: '--usres', '5'"),
                usage(
                        "simulate --malformed-kinds typo --out jsonl:{dir}",
                        "--malformed-kinds: Unknown malformed kind 'typo'"),
                usage("simulate --users 0 --out jsonl:{dir}", "--users: must be positive"),
                usage("kafka -D topics.nope=x", "Unknown setting 'topics.nope'"),
                usage(
                        "examples --use-case fruad --from {dir} --out {dir}",
                        "'fruad' is not a use case: fraud or reco"),
                usage(
                        "train --use-case fruad --examples jsonl:{dir} --out {missing}/1.onnx",
                        "'fruad' is not a use case"),
                usage(
                        "train --use-case fraud --examples s3:bucket --out {missing}/1.onnx",
                        "--examples 's3:bucket': use jsonl:FILE_OR_DIR or kafka:HOST:PORT"),
                usage(
                        "models validate {missing} --feature-set fraud_v9",
                        "Unknown feature set 'fraud_v9'"),
                usage("models inspect", "Missing required parameter: 'FILE'"),
                usage(
                        "backtest nope --events jsonl:{dir}",
                        "Unknown job 'nope': fraud, reco or feedback"),
                usage(
                        "backtest fraud --events jsonl:{dir} --models {dir} -D"
                                + " fraud.blok-threshold=1",
                        "-D: Unknown setting 'fraud.blok-threshold'"),
                usage("backtest reco --events jsonl:{dir}", "reco needs --models"),
                usage("backtest feedback --events jsonl:{dir}", "feedback needs --predictions"),
                usage(
                        "backtest feedback --events jsonl:{dir} --predictions jsonl:{dir}"
                                + " --report {dir}",
                        "--report is for a fraud or reco backtest, not with --compare-rules"),
                usage(
                        "train --use-case fraud --examples jsonl:{dir} --out {missing}/1.onnx"
                                + " --report {labels}",
                        "--report {labels} is a file: give a directory"),
                usage(
                        "serve-features --bootstrap 127.0.0.1:{closed} -D feature-store.prot=1",
                        "Unknown setting 'feature-store.prot'"),
                usage(
                        "training-set --labels jsonl:{missing} --features jsonl:{dir}"
                                + " --feature-set nope_v1 --out jsonl:{dir}",
                        "Unknown feature set 'nope_v1'"),
                usage(
                        "training-set --labels jsonl:{missing} --features ftp:x"
                                + " --feature-set fraud_v1 --out jsonl:{dir}",
                        "--features 'ftp:x': use jsonl:PATH or kafka:HOST:PORT"),
                usage("playground -D nope.x=1", "Unknown setting 'nope.x'"),
                usage("rules validate", "Missing required parameter: 'FILE'"),
                usage(
                        "rules validate {rules} -D fraud.reveiw-threshold=0.4",
                        "-D: Unknown setting 'fraud.reveiw-threshold'"),
                usage("rules publish {rules}", "Missing required option: '--bootstrap"),
                usage(
                        "backtest reco --events jsonl:{dir} --models {dir} --rules {rules}",
                        "--rules and --compare-rules are for the fraud job"),
                usage(
                        "backtest fraud --events jsonl:{dir} --models {dir} --compare-rules"
                                + " {rules}",
                        "--compare-rules"));
    }

    static Stream<Arguments> runtimeErrors() {
        String broker = "No Kafka broker answered at 127.0.0.1:{closed} within 500 ms";
        return Stream.of(
                runtime("simulate --out kafka:127.0.0.1:{closed} --kafka-timeout 500ms", broker),
                runtime(
                        "examples --from {missing} --out {dir}",
                        "{missing}: no such directory (--from)"),
                runtime(
                        "train --use-case fraud --examples jsonl:{missing} --out {dir}/1.onnx",
                        "{missing}: no such file or directory (--examples)"),
                runtime(
                        "train --use-case reco --examples kafka:127.0.0.1:{closed}/x"
                                + " --kafka-timeout 500ms --out {dir}/1.onnx",
                        broker),
                runtime("models inspect {missing}", "{missing}: no such file (FILE)"),
                runtime("models validate {dir} --feature-set fraud_v1", "{dir}: not a file (FILE)"),
                runtime(
                        "backtest fraud --events jsonl:{missing} --models {dir}",
                        "{missing}: no such directory (--events)"),
                runtime(
                        "backtest reco --events jsonl:{dir} --models {missing}",
                        "{missing}: no such directory (--models)"),
                runtime(
                        "backtest feedback --events jsonl:{dir} --predictions jsonl:{dir}",
                        "ml.predictions.jsonl: no such file (--predictions)"),
                // A job that fails inside Flink: the line is the cause, not Flink's wrappers.
                runtime(
                        "backtest fraud --events jsonl:{dir} --models {dir}",
                        "{dir}/shop.clicks.jsonl does not exist"),
                runtime(
                        "kafka --port 0 --data-dir {labels}",
                        "Cannot prepare Kafka data directory {labels}"),
                runtime(
                        "serve-features --bootstrap 127.0.0.1:{closed} --kafka-timeout 500ms",
                        broker),
                runtime(
                        "training-set --labels jsonl:{missing} --features jsonl:{dir}"
                                + " --feature-set fraud_v1 --out jsonl:{dir}",
                        "{missing}: no such file (--labels)"),
                runtime(
                        "training-set --labels jsonl:{labels} --features jsonl:{dir}"
                                + " --feature-set fraud_v1 --out jsonl:{dir}",
                        "features.user.jsonl: no feature snapshots file"),
                runtime(
                        "training-set --labels jsonl:{labels} --features kafka:127.0.0.1:{closed}"
                                + " --kafka-timeout 500ms --feature-set fraud_v1 --out jsonl:{dir}",
                        broker),
                runtime("rules validate {missing}", "{missing}: no such file (FILE)"),
                runtime(
                        "rules validate {rules}",
                        "{rules}: thresholds.reveiw: unknown field; known here: review, block"),
                // the file is checked before the broker is looked for
                runtime(
                        "rules publish {rules} --bootstrap 127.0.0.1:{closed} --kafka-timeout"
                                + " 500ms",
                        "{rules}: thresholds.reveiw: unknown field"),
                runtime("rules show --bootstrap 127.0.0.1:{closed} --kafka-timeout 500ms", broker),
                runtime(
                        "backtest fraud --events jsonl:{dir} --models {dir} --rules {rules}",
                        "{rules}: thresholds.reveiw: unknown field"));
    }

    @ParameterizedTest(name = "kartshoppe {0}")
    @MethodSource("usageErrors")
    void aUsageErrorIsOneLineWithExitCode2AndPointsAtHelp(String args, String message) {
        CliRunner cli = run(args);

        assertOneLine(cli, 2, message);
        String command = cli.err().substring(0, cli.err().indexOf(':'));
        assertThat(cli.err()).contains("see '" + command + " --help'");
    }

    @ParameterizedTest(name = "kartshoppe {0}")
    @MethodSource("runtimeErrors")
    void aRuntimeErrorIsOneLineWithExitCode1(String args, String message) {
        CliRunner cli = run(args);

        assertOneLine(cli, 1, message);
        assertThat(cli.err()).contains("(--verbose shows the stack trace)");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRunner cli = run("models inspect {missing} --verbose");

        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err().lines().findFirst())
                .hasValue("kartshoppe models inspect: " + fill("{missing}: no such file (FILE)"));
        assertThat(cli.err()).contains("java.nio.file.NoSuchFileException").contains("\tat ");
    }

    @Test
    void verboseAlsoExplainsAUsageError() {
        CliRunner cli = run("--verbose backtest nope --events jsonl:{dir}");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("Unknown job 'nope'").contains("\tat ");
    }

    @Test
    void anUnknownOptionSuggestsTheNearestOne() {
        CliRunner cli = run("simulate --usres 5 --out jsonl:{dir}");

        assertThat(cli.err()).contains("did you mean --users");
    }

    private static void assertOneLine(CliRunner cli, int exitCode, String message) {
        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(exitCode);
        // A run that fails after a few seconds may have printed its progress lines first.
        assertThat(cli.err().lines().filter(l -> !Progress.isProgressLine(l)))
                .as(cli.err())
                .hasSize(1);
        assertThat(cli.err())
                .doesNotContain("\tat ")
                .doesNotContain("Exception in thread")
                .doesNotContain("Exception:")
                .contains(fill(message));
    }

    private static CliRunner run(String args) {
        String[] split =
                args.isEmpty()
                        ? new String[0]
                        : Arrays.stream(args.split(" "))
                                .map(CommandErrorsTest::fill)
                                .toArray(String[]::new);
        return CliRunner.run(split);
    }

    private static String fill(String text) {
        try {
            Path dir = Files.createDirectories(tmp.resolve("empty"));
            Path labels = tmp.resolve("labels.jsonl");
            if (!Files.exists(labels)) {
                Files.writeString(
                        labels,
                        "{\"entityId\": \"u-1\", \"time\": \"2026-01-01T00:00:00Z\", \"label\":"
                                + " 1}\n");
            }
            Path rules = tmp.resolve("typo-rules.json");
            if (!Files.exists(rules)) {
                Files.writeString(
                        rules,
                        "{\"id\": \"default\", \"version\": 2, \"thresholds\": {\"reveiw\":"
                                + " 0.4}}\n");
            }
            return text.replace("{missing}", tmp.resolve("missing").toString())
                    .replace("{rules}", rules.toString())
                    .replace("{labels}", labels.toString())
                    .replace("{dir}", dir.toString())
                    .replace("{closed}", String.valueOf(closedPort));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Arguments usage(String args, String message) {
        return Arguments.of(args, message);
    }

    private static Arguments runtime(String args, String message) {
        return Arguments.of(args, message);
    }
}
