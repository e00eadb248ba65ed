package com.kartshoppe.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.benchmarks.BenchmarksMain;
import com.kartshoppe.featurestore.FeatureStoreOptions.Backend;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

/** Tests for {@link HarnessOptions} and the harnesses' command lines on it. */
class HarnessOptionsTest {

    private static final String[] RECO_DEFAULTS = {
        "--events", "30000", "--runs", "2", "--batch-sizes", "1,64"
    };

    @Test
    void theUsersOptionsReplaceTheHarnessDefaultsAndSetAccumulates() {
        JobOptions options =
                JobOptions.parse(
                        new String[] {
                            "--batch-sizes",
                            "8",
                            "--set",
                            "a=1",
                            "--set",
                            " b = 2 ",
                            "--latency-checkpoint-seconds",
                            "3",
                            "--buffer-timeout-ms",
                            "5"
                        },
                        RECO_DEFAULTS);

        assertThat(options.options().events()).isEqualTo(30_000);
        assertThat(options.options().runs()).isEqualTo(2);
        assertThat(options.options().parallelism()).isEqualTo(2);
        assertThat(options.batchSizes()).containsExactly(8); // replaced, not appended
        assertThat(options.jobSettings()).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThat(options.latencyCheckpoints()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.bufferTimeout()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void withoutArgumentsTheDefaultsAreTheOnesTheHandWrittenParserHad() {
        JobOptions options = JobOptions.parse(new String[0]);

        assertThat(options.options())
                .isEqualTo(new BareReadBenchmark.Options(1_000_000, 5, 2, null));
        assertThat(options.warmUp()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.measured()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.batchSizes()).containsExactly(1, 32);
        assertThat(options.latencyCheckpoints()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.latencyRate()).isZero();
        assertThat(options.bufferTimeout()).isNull();
        assertThat(options.deliveries())
                .containsExactly(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(options.search())
                .isEqualTo(
                        new JobOptions.Search(
                                500,
                                8,
                                Duration.ofMillis(100),
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(30)));
        assertThat(options.jobSettings()).isEmpty();
        FeatureLookupBenchmark.Options lookup = FeatureLookupBenchmark.Options.parse(new String[0]);
        assertThat(lookup)
                .isEqualTo(
                        new FeatureLookupBenchmark.Options(
                                100_000,
                                java.util.List.of(1_000, 2_000, 5_000),
                                50,
                                200,
                                Duration.ofSeconds(3),
                                Duration.ofSeconds(10),
                                3,
                                java.util.List.of(Backend.ROCKSDB, Backend.REDIS),
                                null));
    }

    @Test
    void featureFreshnessReadsItsStoresAndTheScoringHarnessOptions() {
        FeatureFreshnessBenchmark.Spec spec =
                HarnessOptions.parse(
                        new FeatureFreshnessBenchmark.Spec(),
                        new String[] {"--events", "0", "--runs", "3", "--latency-rate", "500"},
                        new String[] {
                            "--runs", "1", "--stores", "rocksdb", "--latency-rate", "200"
                        });

        assertThat(spec.stores()).containsExactly(Backend.ROCKSDB);
        assertThat(spec.options().options().runs()).isEqualTo(1);
        assertThat(spec.options().options().events()).isZero();
        assertThat(spec.options().latencyRate()).isEqualTo(200);
        assertThat(new FeatureFreshnessBenchmark.Spec().stores())
                .containsExactly(Backend.ROCKSDB, Backend.REDIS);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> BareReadBenchmark.Options.parse(new String[] {"--events", "-1"}))
                .hasMessageContaining(
                        "'--events': expected a whole number of at least 0, got '-1'");
        assertThatThrownBy(() -> BareReadBenchmark.Options.parse(new String[] {"--runs"}))
                .hasMessageContaining("Missing required parameter for option '--runs'");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--set", "novalue"}))
                .hasMessage("--set: 'novalue' is not KEY=VALUE");
        assertThatThrownBy(
                        () -> FeatureLookupBenchmark.Options.parse(new String[] {"--rates", "0,5"}))
                .hasMessageStartingWith("--rates, --batch-rate and --batch-size must be positive");
    }

    @Test
    void eachHarnessPrintsItsOptionsWithItsOwnDefaults() {
        assertThat(RecoJobBenchmark.usage())
                .startsWith("Usage: reco ")
                .containsPattern("--events=N +Simulated input records in the broker \\[30000\\]")
                .containsPattern(
                        "--batch-sizes=1,32 +scoring.batch-size values to measure \\[1,64\\]")
                .contains("--set=KEY=VALUE");
        assertThat(FraudJobBenchmark.usage())
                .containsPattern("--events=N +Simulated input records in the broker \\[1000000\\]")
                .contains("[1,32]");
        assertThat(FeatureFreshnessBenchmark.usage())
                .startsWith("Usage: feature-freshness ")
                .contains("--stores=rocksdb,redis")
                .containsPattern("--latency-rate=R[^\\[]*\\[500.0\\]");
        assertThat(FeatureLookupBenchmark.usage())
                .contains("--rates=1000,2000,5000")
                .contains("[3]");
        assertThat(BareReadBenchmark.usage())
                .startsWith("Usage: bare-read ")
                .contains("--json=FILE");
        assertThat(BenchmarksMain.usage())
                .contains("bare-read", "features", "fraud", "reco", "feature-freshness")
                .contains("feature-lookup")
                .contains("JMH")
                .doesNotContain("load-generator");
    }
}
