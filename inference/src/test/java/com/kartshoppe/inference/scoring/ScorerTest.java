package com.kartshoppe.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.inference.adapter.OnlineAdapter;
import com.kartshoppe.inference.adapter.TestParams;
import com.kartshoppe.inference.model.LinearOnnx;
import com.kartshoppe.inference.model.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Scorer}: name mapping, defaults, batching and the adapter. */
class ScorerTest {

    @TempDir Path models;

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private ModelRegistry start(String name) {
        return ModelRegistry.builder(models, name, FeatureCatalog.FRAUD_V1).build().start();
    }

    @Test
    void buildsTheTensorByNameWhateverTheModelsColumnOrder() throws Exception {
        LinearOnnx.of(
                        List.of("orders_1h", "payment_declines_10m", "order_amount_eur"),
                        new float[] {0.5f, -1f, 0.01f},
                        -2f)
                .writeTo(models, "ordered", "1");
        LinearOnnx.of(
                        List.of("order_amount_eur", "orders_1h", "payment_declines_10m"),
                        new float[] {0.01f, 0.5f, -1f},
                        -2f)
                .writeTo(models, "shuffled", "1");
        Map<String, Double> row =
                Map.of(
                        "payment_declines_10m", 3.0,
                        "order_amount_eur", 120.0,
                        "orders_1h", 4.0,
                        "country_mismatch", 1.0);
        double expected = sigmoid(0.5 * 4 - 3 + 0.01 * 120 - 2);
        try (ModelRegistry ordered = start("ordered");
                ModelRegistry shuffled = start("shuffled")) {
            assertThat(new Scorer(ordered, 1).score(List.of(row), null).get(0).score())
                    .isCloseTo(expected, offset(1e-6));
            assertThat(new Scorer(shuffled, 1).score(List.of(row), null).get(0).score())
                    .isCloseTo(expected, offset(1e-6));
        }
    }

    @Test
    void aMissingOrNonFiniteFeatureTakesItsDefaultAndIsCounted() throws Exception {
        // minutes_since_last_login defaults to 43,200 (a month: never logged in recently)
        LinearOnnx.of(
                        List.of("minutes_since_last_login", "orders_1h"),
                        new float[] {0.0001f, 1f},
                        -5f)
                .writeTo(models, "fraud", "1");
        try (ModelRegistry registry = start("fraud")) {
            Scorer scorer = new Scorer(registry, 4);
            Map<String, Double> nan = new HashMap<>(Map.of("orders_1h", 1.0));
            nan.put("minutes_since_last_login", Double.NaN);
            List<Score> scores = scorer.score(List.of(Map.of("orders_1h", 1.0), nan), null);
            double expected = sigmoid(0.0001 * FeatureCatalog.MINUTES_CAP + 1 - 5);
            assertThat(scores.get(0).score()).isCloseTo(expected, offset(1e-5));
            assertThat(scores.get(1).score()).isCloseTo(expected, offset(1e-5));
            assertThat(scorer.defaultedValues()).isEqualTo(2);
        }
    }

    @Test
    void aBatchScoresEachRowAsItWouldAlone() throws Exception {
        LinearOnnx.of(List.of("orders_1h", "amount_zscore"), new float[] {0.3f, 0.7f}, -1f)
                .writeTo(models, "fraud", "7");
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(Map.of("orders_1h", (double) (i % 5), "amount_zscore", (i % 11) - 5.0));
        }
        try (ModelRegistry registry = start("fraud")) {
            Scorer batched = new Scorer(registry, 8); // grows its buffer past the expected size
            List<Score> all = batched.score(rows, null);
            Scorer single = new Scorer(registry, 1);
            assertThat(all).hasSize(300);
            for (int i = 0; i < rows.size(); i++) {
                Score alone = single.score(List.of(rows.get(i)), null).get(0);
                assertThat(all.get(i)).isEqualTo(alone);
                assertThat(alone.modelName()).isEqualTo("fraud");
                assertThat(alone.modelVersion()).isEqualTo("7");
                assertThat(alone.adapterVersion()).isZero();
            }
        }
    }

    @Test
    void appliesTheAdapterOnlyToTheBaseVersionItWasTrainedFor() throws Exception {
        LinearOnnx.of(List.of("orders_1h"), new float[] {1f}, -2f).writeTo(models, "fraud", "3");
        Map<String, Double> row = Map.of("orders_1h", 1.0, "amount_zscore", 2.0);
        try (ModelRegistry registry = start("fraud")) {
            Scorer scorer = new Scorer(registry, 1);
            double base = sigmoid(1 - 2);

            Score adapted = scorer.score(List.of(row), adapter("3", 5)).get(0);
            assertThat(adapted.baseScore()).isCloseTo(base, offset(1e-6));
            assertThat(adapted.adapterVersion()).isEqualTo(5);
            double logit = Math.log(base / (1 - base));
            assertThat(adapted.score())
                    .isCloseTo(sigmoid(logit + 0.2 + 0.5 * logit + 0.25 * 2.0), offset(1e-6));

            Score other = scorer.score(List.of(row), adapter("2", 9)).get(0);
            assertThat(other.adapterVersion()).isZero();
            assertThat(other.score()).isEqualTo(other.baseScore());
        }
    }

    private static OnlineAdapter adapter(String baseVersion, long version) {
        return OnlineAdapter.from(
                TestParams.of(
                        "fraud",
                        baseVersion,
                        version,
                        0.2,
                        0.5,
                        List.of("amount_zscore"),
                        List.of(0.25)));
    }
}
