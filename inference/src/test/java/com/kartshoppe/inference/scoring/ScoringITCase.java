package com.kartshoppe.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.adapter.TestParams;
import com.kartshoppe.inference.model.LinearOnnx;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Scoring} on a MiniCluster with parallelism 2. */
class ScoringITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir Path models;

    @Test
    void everyRequestIsScoredOnceByTheServedModel() throws Exception {
        LinearOnnx.of(List.of("orders_1h"), new float[] {1f}, -2f).writeTo(models, "fraud", "4");
        Configuration conf = new Configuration();
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        conf.set(InferenceOptions.BATCH_SIZE, 16);
        ScoringSettings settings = ScoringSettings.from(conf, "fraud", FeatureCatalog.FRAUD_V1);

        StreamExecutionEnvironment env = FlinkTestSupport.env();
        List<Map<String, Double>> requests = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            requests.add(new HashMap<>(Map.of("orders_1h", (double) (i % 4))));
        }
        DataStream<Map<String, Double>> input =
                env.fromData(requests, Types.MAP(Types.STRING, Types.DOUBLE));
        DataStream<AdapterParams> noParams =
                env.fromData(List.of(otherModelsParams()), new AvroTypeInfo<>(AdapterParams.class));
        List<String> out =
                Scoring.score(
                                input.rebalance(),
                                noParams,
                                settings,
                                new OrdersAndScore(),
                                Types.STRING,
                                "test-scoring")
                        .executeAndCollect(1000);

        assertThat(out).hasSize(500);
        for (int orders = 0; orders < 4; orders++) {
            long expected = Math.round(1000 / (1 + Math.exp(-(orders - 2.0))));
            assertThat(out).filteredOn(("4:" + orders + ":" + expected)::equals).hasSize(125);
        }
    }

    @Test
    @Timeout(120)
    void aRunningJobTakesUpAVersionPublishedWhileItRuns() throws Exception {
        LinearOnnx.of(List.of("orders_1h"), new float[] {1f}, -2f).writeTo(models, "fraud", "1");
        Configuration conf = new Configuration();
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        conf.set(InferenceOptions.POLL_INTERVAL, Duration.ofMillis(100));
        ScoringSettings settings = ScoringSettings.from(conf, "fraud", FeatureCatalog.FRAUD_V1);

        StreamExecutionEnvironment env = FlinkTestSupport.env();
        // an endless, paced stream of requests with two orders each
        DataStream<Map<String, Double>> input =
                env.fromSource(
                        new DataGeneratorSource<>(
                                i -> Map.of("orders_1h", 2.0),
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(200),
                                Types.MAP(Types.STRING, Types.DOUBLE)),
                        WatermarkStrategy.noWatermarks(),
                        "requests");
        DataStream<AdapterParams> params =
                env.fromData(List.of(otherModelsParams()), new AvroTypeInfo<>(AdapterParams.class));
        try (CloseableIterator<String> out =
                Scoring.score(
                                input,
                                params,
                                settings,
                                new OrdersAndScore(),
                                Types.STRING,
                                "test-scoring")
                        .collectAsync()) {
            JobClient job = env.executeAsync("hot swap");
            try {
                // version 1 scores sigmoid(2 - 2) = 0.5
                assertThat(out.next()).isEqualTo("1:2:500");
                // version 2 scores sigmoid(2 * 2 - 2) = 0.881; published the way users should
                Path tmp = models.resolve("fraud").resolve(".2.onnx.tmp");
                Files.write(
                        tmp, LinearOnnx.of(List.of("orders_1h"), new float[] {2f}, -2f).bytes());
                Files.move(tmp, models.resolve("fraud").resolve("2.onnx"));
                String line = out.next();
                while (!line.startsWith("2:")) {
                    assertThat(line).isEqualTo("1:2:500");
                    line = out.next();
                }
                assertThat(line).isEqualTo("2:2:881");
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Parameters of another model: every subtask receives and ignores them. */
    private static AdapterParams otherModelsParams() {
        return TestParams.of("reco", "4", 1, 5.0, 0, List.of(), List.of());
    }

    /** "version:orders:score in thousandths". */
    static final class OrdersAndScore implements ScoringFunction<Map<String, Double>, String> {
        @Override
        public List<Map<String, Double>> rows(Map<String, Double> request) {
            return List.of(request);
        }

        @Override
        public String decide(
                Map<String, Double> request, List<Map<String, Double>> rows, List<Score> scores) {
            Score s = scores.get(0);
            return s.modelVersion()
                    + ":"
                    + request.get("orders_1h").intValue()
                    + ":"
                    + Math.round(s.score() * 1000);
        }
    }
}
