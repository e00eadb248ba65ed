package com.kartshoppe.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.Scorer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ModelRegistry} and {@link OnnxModel} validation, on real onnxruntime. */
class ModelRegistryTest {

    static final List<String> FEATURES = List.of("orders_1h", "payment_declines_10m");
    static final Map<String, Double> ROW = Map.of("orders_1h", 2.0, "payment_declines_10m", 1.0);

    @TempDir Path models;

    /** A valid model whose score on {@link #ROW} identifies it: sigmoid(bias + 2 + 1). */
    static LinearOnnx valid(float bias) {
        return LinearOnnx.of(FEATURES, new float[] {1f, 1f}, bias);
    }

    static double expected(float bias) {
        return 1 / (1 + Math.exp(-(bias + 3.0)));
    }

    private ModelRegistry.Builder registry(RecordingListener listener) {
        return ModelRegistry.builder(models, "fraud", FeatureCatalog.FRAUD_V1)
                .pollInterval(Duration.ofHours(1))
                .listener(listener);
    }

    private static double scoreOnce(ModelRegistry registry) {
        List<Score> scores = new Scorer(registry, 1).score(List.of(ROW), null);
        assertThat(scores).hasSize(1);
        return scores.get(0).score();
    }

    @Test
    void servesTheNewestVersionComparingIntegersNumerically() throws Exception {
        valid(-1f).writeTo(models, "fraud", "2");
        valid(-2f).writeTo(models, "fraud", "10");
        valid(-3f).writeTo(models, "fraud", "9");
        try (ModelRegistry registry = registry(new RecordingListener()).build().start()) {
            assertThat(registry.servingVersion()).isEqualTo("10");
            assertThat(scoreOnce(registry)).isCloseTo(expected(-2f), within());
        }
    }

    @Test
    void servesThePinnedVersionEvenWhenNewerOnesExist() throws Exception {
        valid(-1f).writeTo(models, "fraud", "1");
        valid(-2f).writeTo(models, "fraud", "2");
        try (ModelRegistry registry =
                registry(new RecordingListener()).pinnedVersion("1").build().start()) {
            assertThat(registry.servingVersion()).isEqualTo("1");
            valid(-3f).writeTo(models, "fraud", "3");
            registry.refresh();
            assertThat(registry.servingVersion()).isEqualTo("1");
        }
    }

    @Test
    void swapsToANewVersionAndClosesTheOldSession() throws Exception {
        valid(-1f).writeTo(models, "fraud", "1");
        try (ModelRegistry registry = registry(new RecordingListener()).build().start()) {
            OnnxModel first = registry.acquire();
            first.release();
            valid(-2f).writeTo(models, "fraud", "2");
            registry.refresh();
            assertThat(registry.servingVersion()).isEqualTo("2");
            assertThat(first.isClosed()).isTrue();
            assertThat(scoreOnce(registry)).isCloseTo(expected(-2f), within());
            assertThat(registry.swapCount()).isEqualTo(2);
        }
    }

    @Test
    void anInFlightCallKeepsTheOldSessionOpenUntilItReleases() throws Exception {
        valid(-1f).writeTo(models, "fraud", "1");
        try (ModelRegistry registry = registry(new RecordingListener()).build().start()) {
            OnnxModel inFlight = registry.acquire();
            valid(-2f).writeTo(models, "fraud", "2");
            registry.refresh();
            assertThat(inFlight.isClosed()).isFalse();
            double[] p = new double[1];
            inFlight.predict(rowBuffer(2f, 1f), 1, p);
            assertThat(p[0]).isCloseTo(expected(-1f), within());
            inFlight.release();
            assertThat(inFlight.isClosed()).isTrue();
        }
    }

    @Test
    void fiftySwapsLeaveOneSessionOpen() throws Exception {
        int before = OnnxModel.openSessions();
        valid(0f).writeTo(models, "fraud", "1");
        List<OnnxModel> served = new ArrayList<>();
        RecordingListener listener = new RecordingListener();
        try (ModelRegistry registry = registry(listener).build().start()) {
            for (int v = 2; v <= 51; v++) {
                valid(-v / 10f).writeTo(models, "fraud", Integer.toString(v));
                registry.refresh();
                assertThat(registry.servingVersion()).isEqualTo(Integer.toString(v));
            }
            served.addAll(listener.served);
            assertThat(OnnxModel.openSessions()).isEqualTo(before + 1);
            assertThat(scoreOnce(registry)).isCloseTo(expected(-5.1f), within());
        }
        assertThat(served).hasSize(51);
        assertThat(served).allMatch(OnnxModel::isClosed);
        assertThat(OnnxModel.openSessions()).isEqualTo(before);
    }

    @Test
    void rejectsEachBadFileAndKeepsServingThePreviousVersion() throws Exception {
        valid(-1f).writeTo(models, "fraud", "1");
        RecordingListener listener = new RecordingListener();
        try (ModelRegistry registry = registry(listener).build().start()) {
            byte[] good = valid(-2f).bytes();
            Path dir = models.resolve("fraud");

            Files.write(dir.resolve("2.onnx"), "not a model at all".getBytes());
            assertRejected(registry, listener, "not a loadable ONNX model");

            Files.write(dir.resolve("3.onnx"), Arrays.copyOf(good, good.length / 2));
            assertRejected(registry, listener, "not a loadable ONNX model");

            valid(-2f).withoutMetadata().writeTo(models, "fraud", "4");
            assertRejected(registry, listener, "has no 'kartshoppe.features'");

            LinearOnnx.of(FEATURES, new float[] {1f, 1f, 1f}, 0f).writeTo(models, "fraud", "5");
            assertRejected(registry, listener, "has width 3 but metadata lists 2 features");

            LinearOnnx.of(List.of("orders_1h", "shoe_size"), new float[] {1f, 1f}, 0f)
                    .writeTo(models, "fraud", "6");
            assertRejected(registry, listener, "input feature 'shoe_size' is not in feature set");

            LinearOnnx.of(FEATURES, new float[] {Float.NaN, 1f}, 0f).writeTo(models, "fraud", "7");
            assertRejected(registry, listener, "gave NaN, not a probability");

            assertThat(registry.rejectedCount()).isEqualTo(6);
            assertThat(registry.servingVersion()).isEqualTo("1");
            assertThat(scoreOnce(registry)).isCloseTo(expected(-1f), within());

            registry.refresh(); // rejected files are not retried (nor logged) until they change
            assertThat(registry.rejectedCount()).isEqualTo(6);
        }
    }

    private static void assertRejected(
            ModelRegistry registry, RecordingListener listener, String reason) {
        registry.refresh();
        assertThat(listener.rejected.poll()).contains(reason);
        assertThat(registry.servingVersion()).isEqualTo("1");
    }

    @Test
    void aHalfWrittenFileIsReCheckedOnceCompleteAndTempFilesAreIgnored() throws Exception {
        valid(-1f).writeTo(models, "fraud", "1");
        RecordingListener listener = new RecordingListener();
        try (ModelRegistry registry = registry(listener).build().start()) {
            byte[] good = valid(-2f).bytes();
            Path dir = models.resolve("fraud");
            Files.write(dir.resolve("2.onnx.tmp"), good);
            Files.write(dir.resolve(".3.onnx"), good);
            registry.refresh();
            assertThat(registry.servingVersion()).isEqualTo("1");
            assertThat(registry.rejectedCount()).isZero();

            Files.write(dir.resolve("2.onnx"), Arrays.copyOf(good, good.length - 7));
            registry.refresh();
            assertThat(registry.rejectedCount()).isEqualTo(1);
            Files.write(dir.resolve("2.onnx"), good);
            registry.refresh();
            assertThat(registry.servingVersion()).isEqualTo("2");
        }
    }

    @Test
    void removingTheNewestFileRollsBackToTheNextValidVersion() throws Exception {
        valid(-1f).writeTo(models, "fraud", "1");
        Path second = valid(-2f).writeTo(models, "fraud", "2");
        try (ModelRegistry registry = registry(new RecordingListener()).build().start()) {
            assertThat(registry.servingVersion()).isEqualTo("2");
            Files.delete(second);
            registry.refresh();
            assertThat(registry.servingVersion()).isEqualTo("1");
        }
    }

    @Test
    void startFailsNamingTheDirectoryAndRejectedFilesWhenNoModelIsValid() throws Exception {
        valid(-1f).withoutMetadata().writeTo(models, "fraud", "1");
        assertThatThrownBy(() -> registry(new RecordingListener()).build().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No valid model 'fraud'")
                .hasMessageContaining(models.resolve("fraud").toString())
                .hasMessageContaining("1.onnx");
        assertThatThrownBy(
                        () ->
                                ModelRegistry.builder(models, "reco", FeatureCatalog.FRAUD_V1)
                                        .build()
                                        .start())
                .hasMessageContaining("no <version>.onnx file");
    }

    @Test
    void rulesOnlyModeStartsWithoutAModelAndServesOneOncePublished() throws Exception {
        try (ModelRegistry registry =
                registry(new RecordingListener()).allowNoModel(true).build()) {
            registry.start();
            Scorer scorer = new Scorer(registry, 1);
            assertThat(scorer.score(List.of(ROW), null)).isEmpty();
            valid(-1f).writeTo(models, "fraud", "1");
            registry.refresh();
            assertThat(scorer.score(List.of(ROW), null)).hasSize(1);
        }
    }

    @Test
    void theWatcherPicksUpANewVersionOnItsOwn() throws Exception {
        valid(-1f).writeTo(models, "fraud", "1");
        RecordingListener listener = new RecordingListener();
        try (ModelRegistry registry =
                ModelRegistry.builder(models, "fraud", FeatureCatalog.FRAUD_V1)
                        .pollInterval(Duration.ofMillis(50))
                        .listener(listener)
                        .build()
                        .start()) {
            assertThat(listener.served.poll(10, TimeUnit.SECONDS).version()).isEqualTo("1");
            Path tmp = models.resolve("fraud").resolve("2.onnx.tmp");
            Files.write(tmp, valid(-2f).bytes());
            Files.move(tmp, models.resolve("fraud").resolve("2.onnx"));
            OnnxModel swapped = listener.served.poll(30, TimeUnit.SECONDS);
            assertThat(swapped).isNotNull();
            assertThat(swapped.version()).isEqualTo("2");
            assertThat(scoreOnce(registry)).isCloseTo(expected(-2f), within());
        }
    }

    @Test
    void scoringThreadsNeverFailWhileVersionsSwap() throws Exception {
        valid(0f).writeTo(models, "fraud", "1");
        RecordingListener listener = new RecordingListener();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        AtomicBoolean running = new AtomicBoolean(true);
        try (ModelRegistry registry = registry(listener).build().start()) {
            List<Future<Integer>> scorers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                scorers.add(
                        threads.submit(
                                () -> {
                                    Scorer scorer = new Scorer(registry, 8);
                                    int calls = 0;
                                    while (running.get() || calls == 0) {
                                        for (Score s : scorer.score(List.of(ROW, ROW), null)) {
                                            int v = Integer.parseInt(s.modelVersion());
                                            // version v scores sigmoid(3 - (v - 1) / 10)
                                            assertThat(s.score())
                                                    .isCloseTo(expected(-(v - 1) / 10f), within());
                                        }
                                        calls++;
                                    }
                                    return calls;
                                }));
            }
            for (int v = 2; v <= 30; v++) {
                valid(-(v - 1) / 10f).writeTo(models, "fraud", Integer.toString(v));
                registry.refresh();
            }
            running.set(false);
            for (Future<Integer> f : scorers) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isPositive();
            }
            assertThat(registry.servingVersion()).isEqualTo("30");
        } finally {
            threads.shutdownNow();
        }
        assertThat(listener.served).hasSize(30).allMatch(OnnxModel::isClosed);
    }

    static FloatBuffer rowBuffer(float... values) {
        return ModelFiles.floatBuffer(values.length).put(values);
    }

    static Offset<Double> within() {
        return Offset.offset(1e-6);
    }

    /** Collects what the registry reports. */
    static final class RecordingListener implements ModelRegistry.Listener {
        final BlockingQueue<OnnxModel> served = new LinkedBlockingQueue<>();
        final BlockingQueue<String> rejected = new LinkedBlockingQueue<>();

        @Override
        public void served(OnnxModel model) {
            served.add(model);
        }

        @Override
        public void rejected(Path file, String reason) {
            rejected.add(file.getFileName() + ": " + reason);
        }
    }
}
