package com.kartshoppe.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.benchmarks.BenchmarksMain;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for the end-to-end harnesses: each runs on a tiny input through {@link BenchmarksMain},
 * from its argument parsing to its {@code --json} report, so a broken harness fails the build
 * rather than the next measurement. The figures themselves mean nothing at this size; the keys and
 * their consistency are checked.
 */
class HarnessITCase {

    @TempDir Path tmp;

    private JsonNode run(String benchmark, String... args) throws Exception {
        Path json = tmp.resolve(benchmark + ".json");
        // Through the jar's dispatch, as a user runs it (main also exits the JVM).
        String[] all = new String[args.length + 3];
        all[0] = benchmark;
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--json";
        all[args.length + 2] = json.toString();
        BenchmarksMain.run(all);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("benchmark").asText()).isEqualTo(benchmark);
        assertThat(root.get("commit").asText()).isNotEmpty();
        assertThat(root.get("load").get("samples").asInt()).isPositive();
        return root;
    }

    private static void assertThroughput(JsonNode root, String pipeline, long events) {
        assertThat(root.get("events").asLong()).isEqualTo(events);
        JsonNode median = null;
        for (JsonNode m : root.get("throughput_medians")) {
            if (m.get("pipeline").asText().equals(pipeline)) {
                median = m;
            }
        }
        assertThat(median).as(pipeline).isNotNull();
        assertThat(median.get("bare_read_records_per_s").asDouble()).isPositive();
        assertThat(median.get("job_records_per_s").asDouble()).isPositive();
        assertThat(median.get("ratio").asDouble())
                .isEqualTo(
                        median.get("job_records_per_s").asDouble()
                                / median.get("bare_read_records_per_s").asDouble());
    }

    /**
     * @param everyInputAnswered whether each measured input gets an output (a rate-limited product
     *     view asks for no recommendation; the reco harness checks the ones that do itself)
     */
    private static void assertLatency(
            JsonNode cell, String delivery, String inputs, boolean everyInputAnswered) {
        assertThat(cell.get("delivery").asText()).isEqualTo(delivery);
        assertThat(cell.get(inputs).asInt()).isPositive();
        if (everyInputAnswered) {
            assertThat(cell.get("missing").asInt()).isZero();
        } else {
            assertThat(cell.get("missing").asInt()).isBetween(0, cell.get(inputs).asInt() - 1);
        }
        double p50 = cell.get("p50_ms").asDouble();
        assertThat(p50).isPositive();
        assertThat(cell.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(p50);
        assertThat(cell.get("max_ms").asDouble())
                .isGreaterThanOrEqualTo(cell.get("p999_ms").asDouble());
        assertThat(cell.get("waits").get("producer_linger_ms").asLong())
                .isEqualTo(LiveLatency.PRODUCER_LINGER.toMillis());
    }

    @Test
    void bareRead() throws Exception {
        JsonNode root = run("bare-read", "--events", "2000", "--runs", "1");

        assertThroughput(root, "bare-read", 2000);
    }

    @Test
    void featurePipeline() throws Exception {
        JsonNode root = run("features", "--events", "2000", "--runs", "1");

        assertThroughput(root, "features-heap", 2000);
        assertThroughput(root, "features-rocksdb", 2000);
    }

    @Test
    void fraudJobWithASearchStepAndBothDeliveries() throws Exception {
        JsonNode root =
                run(
                        "fraud",
                        "--events",
                        "3000",
                        "--runs",
                        "1",
                        "--batch-sizes",
                        "32",
                        "--warmup-seconds",
                        "2",
                        "--latency-seconds",
                        "3",
                        "--latency-rate",
                        "200",
                        "--latency-checkpoint-seconds",
                        "1",
                        "--search-from",
                        "200",
                        "--search-steps",
                        "1",
                        "--search-p99-ms",
                        "60000",
                        "--search-warmup-seconds",
                        "2",
                        "--search-seconds",
                        "3");

        assertThroughput(root, "fraud-job", 3000);
        assertThat(root.get("sustained_max_records_per_s").asDouble()).isEqualTo(200);
        JsonNode latency = root.get("latency");
        assertThat(latency).hasSize(2);
        assertLatency(latency.get(0), "at-least-once", "orders", true);
        assertLatency(latency.get(1), "exactly-once", "orders", true);
        assertThat(latency.get(1).get("waits").get("checkpoint_interval_ms").asLong())
                .isEqualTo(1000);
    }

    @Test
    void recoJob() throws Exception {
        JsonNode root =
                run(
                        "reco",
                        "--events",
                        "3000",
                        "--runs",
                        "1",
                        "--batch-sizes",
                        "16",
                        "--warmup-seconds",
                        "2",
                        "--latency-seconds",
                        "3",
                        "--latency-rate",
                        "200",
                        "--deliveries",
                        "at-least-once",
                        "--search-from",
                        "0");

        assertThroughput(root, "reco-job batch 16", root.get("events").asLong());
        assertThat(root.get("sustained_max_records_per_s").isNull()).isTrue();
        assertThat(root.get("latency")).hasSize(1);
        assertLatency(root.get("latency").get(0), "at-least-once", "product_views", false);
    }

    @Test
    void featureFreshness() throws Exception {
        JsonNode root =
                run(
                        "feature-freshness",
                        "--runs",
                        "1",
                        "--stores",
                        "rocksdb",
                        "--warmup-seconds",
                        "2",
                        "--latency-seconds",
                        "3",
                        "--latency-rate",
                        "200");

        JsonNode cell = root.get("latency").get(0);
        assertThat(cell.get("store").asText()).isEqualTo("rocksdb");
        assertLatency(cell, "at-least-once", "orders_and_payments", true);
        assertThat(cell.get("within_1s_share").asDouble()).isBetween(0.0, 1.0);
        assertThat(cell.get("until_on_kafka_p99_ms").asDouble()).isNotNegative();
        assertThat(cell.get("materializer_and_store_p99_ms").asDouble()).isNotNegative();
    }

    @Test
    void featureLookup() throws Exception {
        JsonNode root =
                run(
                        "feature-lookup",
                        "--entities",
                        "1000",
                        "--rates",
                        "100",
                        "--batch-rate",
                        "10",
                        "--warmup-seconds",
                        "1",
                        "--seconds",
                        "2",
                        "--runs",
                        "1",
                        "--stores",
                        "rocksdb");

        // One GET cell and the batch cell, each with the store's baseline of the same run.
        assertThat(root.get("latency")).hasSize(2);
        long harness = ProcessHandle.current().pid();
        for (JsonNode cell : root.get("latency")) {
            assertThat(cell.get("store").asText()).isEqualTo("rocksdb");
            assertThat(cell.get("load_generator").asText()).isEqualTo("separate process");
            assertThat(cell.get("load_generator_pid").asLong()).isPositive().isNotEqualTo(harness);
            assertThat(cell.get("requests").asInt()).isPositive();
            assertThat(cell.get("missing").asInt()).isZero();
            assertThat(cell.get("achieved_rate").asDouble()).isPositive();
            assertThat(cell.get("within_1s_share").asDouble()).isBetween(0.0, 1.0);
            assertThat(cell.get("p99_ms").asDouble())
                    .isGreaterThanOrEqualTo(cell.get("p50_ms").asDouble());
            assertThat(cell.get("p999_ms").asDouble())
                    .isGreaterThanOrEqualTo(cell.get("p99_ms").asDouble());
            JsonNode baseline = cell.get("baseline");
            assertThat(baseline.get("requests").asInt()).isEqualTo(cell.get("requests").asInt());
            assertThat(baseline.get("missing").asInt()).isZero();
            assertThat(cell.get("store_p99_ms").asDouble())
                    .isPositive()
                    .isEqualTo(baseline.get("p99_ms").asDouble());
            assertThat(cell.get("p99_ratio").asDouble())
                    .isEqualTo(cell.get("p99_ms").asDouble() / cell.get("store_p99_ms").asDouble());
            assertThat(cell.get("pass").isBoolean()).isTrue();
        }
        assertThat(root.get("latency").get(1).get("kind").asText()).isEqualTo("batch");
        assertThat(root.get("latency").get(1).get("batch_size").asInt()).isEqualTo(50);
        JsonNode medians = root.get("latency_medians");
        assertThat(medians).hasSize(2);
        assertThat(medians.get(0).get("store").asText()).isEqualTo("rocksdb");
        assertThat(medians.get(0).get("runs").asInt()).isEqualTo(1);
        assertThat(medians.get(0).get("store_p99_ms").asDouble())
                .isEqualTo(root.get("latency").get(0).get("store_p99_ms").asDouble());
    }
}
