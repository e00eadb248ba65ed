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
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link ScoringOperator}: micro-batching, watermarks, adapters and their state; and for
 * {@link WithAdapterParams}, which merges its two inputs.
 */
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

    /** Describes like {@link Describe}, plus the contributions it asked for. */
    static final class Explain implements ScoringFunction<HashMap<String, Double>, String> {
        @Override
        public List<Map<String, Double>> rows(HashMap<String, Double> request) {
            return List.of(request);
        }

        @Override
        public String decide(
                HashMap<String, Double> request,
                List<Map<String, Double>> rows,
                List<Score> scores) {
            Score s = scores.get(0);
            return new Describe().decide(request, rows, scores)
                    + " "
                    + s.explanation().method().id()
                    + s.explanation().contributions();
        }

        @Override
        public boolean explains() {
            return true;
        }
    }

    @BeforeEach
    void publishModel() throws Exception {
        // sigmoid(orders_1h - 2): 1 order scores 269/1000, 2 orders 500, 3 orders 731
        LinearOnnx.of(List.of("orders_1h"), new float[] {1f}, -2f).writeTo(models, "fraud", "1");
    }

    private OneInputStreamOperatorTestHarness<
                    Either<HashMap<String, Double>, AdapterParams>, String>
            harness(int batchSize) throws Exception {
        return harness(batchSize, new Describe(), 0);
    }

    private OneInputStreamOperatorTestHarness<
                    Either<HashMap<String, Double>, AdapterParams>, String>
            harness(
                    int batchSize,
                    ScoringFunction<HashMap<String, Double>, String> function,
                    int contributions)
                    throws Exception {
        ScoringSettings settings =
                new ScoringSettings(
                        models.toString(),
                        "fraud",
                        FeatureCatalog.FRAUD_V1,
                        null,
                        Duration.ofHours(1),
                        false,
                        batchSize,
                        Duration.ofMillis(20),
                        contributions);
        return new OneInputStreamOperatorTestHarness<>(new ScoringOperator<>(settings, function));
    }

    private static StreamRecord<Either<HashMap<String, Double>, AdapterParams>> order(
            double orders, long time) {
        return new StreamRecord<>(Either.Left(new HashMap<>(Map.of("orders_1h", orders))), time);
    }

    private static StreamRecord<Either<HashMap<String, Double>, AdapterParams>> adapter(
            AdapterParams params) {
        return new StreamRecord<>(Either.Right(params));
    }

    private static List<Object> output(OneInputStreamOperatorTestHarness<?, String> h) {
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
            h.processElement(order(1, 10));
            h.processElement(order(2, 11));
            assertThat(h.getOutput()).isEmpty();
            h.processElement(order(3, 12));
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>("1/0:269", 10),
                            new StreamRecord<>("1/0:500", 11),
                            new StreamRecord<>("1/0:731", 12));
        }
    }

    @Test
    void aFunctionThatExplainsGetsTheConfiguredNumberOfContributions() throws Exception {
        // logit = orders_1h - 2; with the adapter below, + 0.5 * cep_velocity
        AdapterParams params =
                TestParams.of("fraud", "1", 1, 0, 0, List.of("cep_velocity"), List.of(0.5));
        try (var h = harness(1, new Explain(), 2)) {
            h.open();
            h.processElement(adapter(params));
            h.processElement(
                    new StreamRecord<>(
                            Either.Left(
                                    new HashMap<>(Map.of("orders_1h", 3.0, "cep_velocity", 1.0))),
                            4));
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>(
                                    "1/1:818 linear{orders_1h=3.0, cep_velocity=0.5}", 4));
        }
        try (var h = harness(1, new Describe(), 2)) {
            h.open();
            h.processElement(order(3, 5));
            // a function that does not explain gets no explanation, whatever the setting
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/0:731", 5));
        }
    }

    @Test
    void aPartialBatchIsScoredWhenItsWaitIsOver() throws Exception {
        try (var h = harness(32)) {
            h.open();
            h.setProcessingTime(100);
            h.processElement(order(2, 5));
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
            h.processElement(order(1, 5));
            h.processWatermark(new Watermark(5));
            assertThat(output(h))
                    .containsExactly(new StreamRecord<>("1/0:269", 5), new Watermark(5));
            h.processElement(order(3, 6));
            h.prepareSnapshotPreBarrier(1);
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/0:731", 6));
            h.processElement(order(2, 7));
            h.getOperator().finish();
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/0:500", 7));
        }
    }

    @Test
    void requestsAndParametersAreMergedAndTheParameterStreamNeverHoldsBackEventTime()
            throws Exception {
        AdapterParams p = params("1", 1, 1.0);
        try (var h =
                new TwoInputStreamOperatorTestHarness<>(
                        new WithAdapterParams<HashMap<String, Double>>())) {
            h.setup(
                    Scoring.withParams(
                                    TypeInformation.of(new TypeHint<HashMap<String, Double>>() {}))
                            .createSerializer(new SerializerConfigImpl()));
            h.open();
            h.processElement1(new StreamRecord<>(new HashMap<>(Map.of("orders_1h", 1.0)), 3));
            h.processElement2(new StreamRecord<>(p));
            h.processWatermark2(new Watermark(Long.MIN_VALUE));
            h.processWatermark1(new Watermark(50));
            assertThat(new ArrayList<>(h.getOutput()))
                    .containsExactly(
                            new StreamRecord<>(Either.Left(Map.of("orders_1h", 1.0)), 3),
                            new StreamRecord<>(Either.Right(p)),
                            new Watermark(50));
        }
    }

    @Test
    void appliesTheNewestAdapterForTheServingVersionAndRestoresItFromState() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(1)) {
            h.open();
            h.processElement(adapter(params("1", 2, 1.0)));
            h.processElement(adapter(params("1", 1, -5.0))); // older: ignored
            h.processElement(adapter(params("9", 1, 3.0))); // other base version
            h.processElement(order(2, 1));
            // logit(0.5) + 1 = 1: sigmoid(1) = 0.731
            assertThat(output(h)).containsExactly(new StreamRecord<>("1/2:731", 1));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(1)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(order(2, 2));
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
                        Duration.ZERO,
                        0);
        try (var h =
                new OneInputStreamOperatorTestHarness<>(
                        new ScoringOperator<>(settings, new Describe()))) {
            h.open();
            h.processElement(order(2, 1));
            assertThat(output(h).stream().map(Object::toString).collect(Collectors.toList()))
                    .containsExactly(new StreamRecord<>("rules-only", 1).toString());
        }
    }
}
