package com.kartshoppe.playground.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link JobProgress}: a real fraud backtest over a simulation. */
class JobProgressITCase {

    @TempDir Path dir;

    @Test
    void countsWhatTheSourcesReadAgainstTheLinesOfTheirFiles() throws Exception {
        Path events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(5)
                                    .users(100)
                                    .duration(Duration.ofMinutes(20))
                                    .build())
                    .run(sink);
        }
        StarterModels.install(dir.resolve("models"));
        Configuration conf = new Configuration();
        conf.set(InferenceOptions.MODELS_DIR, dir.resolve("models").toString());
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        Map<String, Long> lines = JobProgress.linesByTopic(events);
        long shopInputs =
                EventType.SHOP_INPUTS.stream()
                        .mapToLong(t -> lines.get(t.topic().defaultValue()))
                        .sum();
        StringWriter written = new StringWriter();
        // Five seconds pass at every reading of the clock: every poll prints a plain line.
        Progress progress =
                Progress.start(new PrintWriter(written), "backtest", new Ticking(), false);

        JobProgress watching = JobProgress.attach(conf, progress, lines);
        try (watching) {
            Scoring.backtest(FraudDetectionJob.DESCRIPTION, conf, events);
        }

        // The fraud job reads the four shop inputs (no adapter parameters are recorded).
        assertThat(lines.get(EventType.CLICK.topic().defaultValue()))
                .isEqualTo(Files.readAllLines(JsonCodec.file(events, EventType.CLICK)).size())
                .isPositive();
        assertThat(watching.expected()).isEqualTo(shopInputs);
        assertThat(watching.recordsRead()).isEqualTo(shopInputs);
        List<String> printed = written.toString().lines().toList();
        assertThat(printed.get(printed.size() - 1))
                .startsWith(String.format("backtest: %,d records", shopInputs))
                .contains(", 100%, ");
    }

    @Test
    void linesCountsALastLineWithoutANewline() throws Exception {
        Path file = dir.resolve("a.jsonl");
        Files.writeString(file, "{}\n{}\n{}");
        Files.writeString(dir.resolve("b.jsonl"), "{}\n");
        Files.writeString(dir.resolve("c.jsonl"), "");
        Files.writeString(dir.resolve("notes.txt"), "x\n");

        assertThat(JobProgress.linesByTopic(dir)).isEqualTo(Map.of("a", 3L, "b", 1L, "c", 0L));
    }

    /** A clock five seconds further on at every reading. */
    private static final class Ticking extends Clock {
        private Instant now = Instant.parse("2031-01-01T00:00:00Z");

        @Override
        public synchronized Instant instant() {
            now = now.plusSeconds(5);
            return now;
        }

        @Override
        public long millis() {
            return instant().toEpochMilli();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
