package com.kartshoppe.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.inference.adapter.TestParams;
import com.kartshoppe.inference.model.LinearOnnx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ScoringOperator}: micro-batching, watermarks, adapters and their state. */
class ScoringOperatorTest {

    @TempDir Path models;

    /** Scores one row per request; answers "version/adapter:score". */
    static final class Describe implements ScoringFunction<HashMap<String, Double>, String> {
        @Override
        public List<Map<String, Double>> rows(HashMap<String, Double> request) {
            return List.of(request);
        }

        @Override
        public String decide(
                HashMap<String, Double> request,
                List<Map<String, Double>> rows,
                List<Score> scores) {
            if (scores.isEmpty()) {
                return "rules-only";
            }
            Score s = scores.get(0);
            return s.modelVersion() + "/" + s.adapterVersion() + ":" + Math.round(s.score() * 1000);
        }
    }

    @BeforeEach
    void publishModel() throws Exception {
        // sigmoid(orders_1h - 2): 1 order scores 269/1000, 2 orders 500, 3 orders 731
        LinearOnnx.of(List.of("orders_1h"), new float[] {1f}, -2f).writeTo(models, "fraud", "1");
    }

    private TwoInputStreamOperatorTestHarness<HashMap<String, Double>, AdapterParams, String>
            harness(int batchSize) throws Exception {
        ScoringSettings settings =
                new ScoringSettings(
                        models.toString(),
                        "fraud",
                        FeatureCatalog.FRAUD_V1,
                        null,
                        Duration.ofHours(1),
                        false,
                        batchSize,
                        Duration.ofMillis(20));
        return new TwoInputStreamOperatorTestHarness<>(
                new ScoringOperator<>(settings, new Describe()));
    }

    private static StreamRecord<HashMap<String, Double>> order(double orders, long time) {
        return new StreamRecord<>(new HashMap<>(Map.of("orders_1h", orders)), time);
    }

    private static List<Object> output(TwoInputStreamOperatorTestHarness<?, ?, String> h) {
        List<Object> out = new ArrayList<>(h.getOutput());
        h.getOutput().clear();
        return out;
    }

    private static AdapterParams params(String base, long version, double bias) {
        return TestParams.of("fraud", base, version, bias, 0, List.of(), List.of());
    }

    @Test
    void aFullBatchIsScoredAtOnceKeepingTimestamps() throws Exception {
        try (var h = harness(3)) {
            h.open();
            h.processElement1(order(1, 10));
            h.processElement1(order(2, 11));
            assertThat(h.getOutput()).isEmpty();
            h.processElement1(order(3, 12));
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>("1/0:269", 10),
                            new StreamRecord<>("1/0:500", 11),
                            new StreamRecord<>("1/0:731", 12));
        }
    }

    @Test
    void aPartialBatchIsScoredWhenItsWaitIsOver() throws Exception {
        try (var h = harness(32)) {
            h.open();
            h.setProcessingTime(100);
            h.processElement1(order(2, 5));
            h.setProcessingTime(119);
            assertThat(h.getOutput()).isEmpty();
            h.setProcessingTime(120);
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/0:500", 5));
        }
    }

    @Test
    void theBufferIsFlushedBeforeWatermarksCheckpointsAndAtEndOfInput() throws Exception {
        try (var h = harness(32)) {
            h.open();
            h.processElement1(order(1, 5));
            h.processWatermark1(new Watermark(5));
            assertThat(output(h))
                    .containsExactly(new StreamRecord<>("1/0:269", 5), new Watermark(5));
            h.processElement1(order(3, 6));
            h.prepareSnapshotPreBarrier(1);
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/0:731", 6));
            h.processElement1(order(2, 7));
            h.getOperator().finish();
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/0:500", 7));
        }
    }

    @Test
    void theParameterStreamNeverHoldsBackEventTime() throws Exception {
        try (var h = harness(1)) {
            h.open();
            h.processWatermark2(new Watermark(Long.MIN_VALUE));
            h.processWatermark1(new Watermark(50));
            assertThat(output(h)).containsExactly(new Watermark(50));
        }
    }

    @Test
    void appliesTheNewestAdapterForTheServingVersionAndRestoresItFromState() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(1)) {
            h.open();
            h.processElement2(new StreamRecord<>(params("1", 2, 1.0)));
            h.processElement2(new StreamRecord<>(params("1", 1, -5.0))); // older: ignored
            h.processElement2(new StreamRecord<>(params("9", 1, 3.0))); // other base version
            h.processElement1(order(2, 1));
            // logit(0.5) + 1 = 1: sigmoid(1) = 0.731
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/2:731", 1));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(1)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement1(order(2, 2));
            assertThat(output(restored)).containsExactly(new StreamRecord<>("1/2:731", 2));
        }
    }

    @Test
    void rulesOnlyModeDecidesWithoutScores() throws Exception {
        ScoringSettings settings =
                new ScoringSettings(
                        models.resolve("empty").toString(),
                        "fraud",
                        FeatureCatalog.FRAUD_V1,
                        null,
                        Duration.ofHours(1),
                        true,
                        1,
                        Duration.ZERO);
        try (var h =
                new TwoInputStreamOperatorTestHarness<>(
                        new ScoringOperator<>(settings, new Describe()))) {
            h.open();
            h.processElement1(order(2, 1));
            assertThat(output(h).stream().map(Object::toString).collect(Collectors.toList()))
                    .containsExactly(new StreamRecord<>("rules-only", 1).toString());
        }
    }
}
