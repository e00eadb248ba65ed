package com.kartshoppe.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Report}, the harness options and {@link SustainedRate#verdict}. */
class ReportTest {

    private static final LiveLatency.Tracked ORDERS =
            new LiveLatency.Tracked("orders", "decisions", "decidedAt", r -> null);

    @TempDir Path tmp;

    /** A window whose records took 1, 2, ..., n milliseconds. */
    private static LiveLatency.Window window(int n, int measured, double asked, double produced) {
        List<LiveLatency.Measured> outputs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            outputs.add(new LiveLatency.Measured(i, i * 1_000_000L, i));
        }
        return new LiveLatency.Window(ORDERS, asked, produced, measured, outputs, n, 3);
    }

    @Test
    void writesTheFiguresUnderTheirKeys() throws Exception {
        Report report = Report.start("fraud", new String[] {"--events", "10"}, 10, 2);
        BareReadBenchmark.Runs bare = new BareReadBenchmark.Runs("bare-read", 2);
        BareReadBenchmark.Runs job = new BareReadBenchmark.Runs("fraud-job", 2);
        for (long span : new long[] {1_000, 500, 250}) {
            bare.add(span == 1_000, new Throughput.Result(1_000, span / 10, span));
            job.add(span == 1_000, new Throughput.Result(1_000, span, span));
        }
        report.throughput("fraud-job", bare, job, "rocksdb", "exactly-once");
        report.latency(window(1_000, 1_002, 500, 499), 32, "at-least-once", Map.of("w_ms", 5));
        report.sustainedMax(3_000);
        Path json = tmp.resolve("out/fraud.json");

        report.finish(json);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("benchmark").asText()).isEqualTo("fraud");
        assertThat(root.get("commit").asText()).matches("[0-9a-f]{40}|unknown");
        assertThat(root.get("command").toString()).isEqualTo("[\"fraud\",\"--events\",\"10\"]");
        assertThat(root.get("events").asLong()).isEqualTo(10);
        assertThat(root.get("load").get("mean").asDouble()).isGreaterThanOrEqualTo(0);
        JsonNode runs = root.get("throughput");
        assertThat(runs).hasSize(2);
        // Run 1: bare 1,000 records in 50 ms, the job in 500 ms.
        assertThat(runs.get(0).get("bare_read_records_per_s").asDouble()).isEqualTo(20_000);
        assertThat(runs.get(0).get("job_records_per_s").asDouble()).isEqualTo(2_000);
        assertThat(runs.get(0).get("ratio").asDouble()).isEqualTo(0.1);
        assertThat(runs.get(0).get("state_backend").asText()).isEqualTo("rocksdb");
        assertThat(runs.get(0).get("delivery").asText()).isEqualTo("exactly-once");
        JsonNode median = root.get("throughput_medians").get(0);
        assertThat(median.get("job_records_per_s").asDouble()).isEqualTo(3_000);
        assertThat(median.get("bare_read_records_per_s").asDouble()).isEqualTo(30_000);
        JsonNode cell = root.get("latency").get(0);
        assertThat(cell.get("rate").asDouble()).isEqualTo(500);
        assertThat(cell.get("achieved_rate").asDouble()).isEqualTo(499);
        assertThat(cell.get("batch_size").asInt()).isEqualTo(32);
        assertThat(cell.get("delivery").asText()).isEqualTo("at-least-once");
        assertThat(cell.get("orders").asInt()).isEqualTo(1_002);
        assertThat(cell.get("missing").asInt()).isEqualTo(2);
        assertThat(cell.get("duplicates").asInt()).isEqualTo(3);
        // HdrHistogram with three significant digits: within 0.1%.
        assertThat(cell.get("p50_ms").asDouble()).isCloseTo(500, within(0.5));
        assertThat(cell.get("p90_ms").asDouble()).isCloseTo(900, within(0.9));
        assertThat(cell.get("p99_ms").asDouble()).isCloseTo(990, within(1.0));
        assertThat(cell.get("p999_ms").asDouble()).isCloseTo(999, within(1.0));
        assertThat(cell.get("max_ms").asDouble()).isCloseTo(1_000, within(1.0));
        assertThat(cell.get("waits").get("w_ms").asInt()).isEqualTo(5);
        assertThat(root.get("sustained_max_records_per_s").asDouble()).isEqualTo(3_000);
    }

    @Test
    void aStepHoldsOnlyIfProducedAnsweredAndWithinTheTarget() {
        Duration target = Duration.ofMillis(100);

        assertThat(SustainedRate.verdict(window(90, 90, 1_000, 990), target, true))
                .isEqualTo(SustainedRate.HELD);
        assertThat(SustainedRate.verdict(window(90, 90, 1_000, 900), target, true))
                .contains("produced 900/s of 1,000/s");
        assertThat(SustainedRate.verdict(window(90, 91, 1_000, 1_000), target, true))
                .contains("1 of 91 measured orders got no output");
        // Where some inputs rightly get no output (a rate-limited product view), it is no fault.
        assertThat(SustainedRate.verdict(window(90, 91, 1_000, 1_000), target, false))
                .isEqualTo(SustainedRate.HELD);
        assertThat(SustainedRate.verdict(window(200, 200, 1_000, 1_000), target, true))
                .contains("p99 198.")
                .contains("> 100 ms");
    }

    @Test
    void theLatencyRateIsHalfTheSustainedMaximumAndNeverBelow2000() {
        JobOptions options = JobOptions.parse(new String[0]);

        assertThat(options.latencyRate(new SustainedRate.Result(10_000, 15_000), 50_000))
                .isEqualTo(5_000);
        assertThat(options.latencyRate(new SustainedRate.Result(1_000, 1_500), 50_000))
                .isEqualTo(2_000);
        assertThat(options.latencyRate(null, 9_000)).isEqualTo(4_500);
        assertThat(JobOptions.parse(new String[] {"--latency-rate", "300"}).latencyRate(null, 1))
                .isEqualTo(300);
    }

    @Test
    void harnessOptionsParseAndNameWhatIsWrong() {
        JobOptions options =
                JobOptions.parse(
                        new String[] {
                            "--events",
                            "5000",
                            "--json",
                            "r.json",
                            "--deliveries",
                            "exactly-once",
                            "--search-from",
                            "0"
                        },
                        "--events",
                        "100");

        assertThat(options.options().events()).isEqualTo(5_000);
        assertThat(options.options().json()).isEqualTo(Path.of("r.json"));
        assertThat(options.deliveries()).containsExactly(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(options.search().from()).isZero();
        assertThat(JobOptions.parse(new String[0]).deliveries())
                .containsExactly(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--evnts", "5"}))
                .hasMessageContaining("Unknown options: '--evnts', '5'")
                .hasMessageContaining("--json FILE");
        assertThatThrownBy(() -> BareReadBenchmark.Options.parse(new String[] {"--runs", "x"}))
                .hasMessageContaining("'--runs': expected a whole number of at least 1, got 'x'");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--deliveries", "twice"}))
                .hasMessageContaining("'twice' is not at-least-once or exactly-once");
        assertThat(FeatureLookupBenchmark.Options.parse(new String[] {"--json", "l.json"}).json())
                .isEqualTo(Path.of("l.json"));
    }
}
