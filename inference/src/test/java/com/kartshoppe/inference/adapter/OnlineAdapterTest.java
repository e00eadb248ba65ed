package com.kartshoppe.inference.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.inference.explain.Contributions;
import com.kartshoppe.inference.explain.Explanation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link OnlineAdapter} and {@link FtrlLearner}. */
class OnlineAdapterTest {

    private static final List<String> FEATURES = List.of("amount_zscore", "new_device");

    @Test
    void zeroWeightsReproduceTheBaseScoreExactly() {
        OnlineAdapter zero =
                new FtrlLearner("fraud", "1", FEATURES, FtrlSettings.DEFAULTS).current();
        Map<String, Double> features = Map.of("amount_zscore", 3.5, "new_device", 1.0);
        for (double p : new double[] {0.0, 1e-12, 0.013, 0.5, 0.77, 0.999999, 1.0}) {
            assertThat(zero.apply(p, features)).isEqualTo(p);
        }
    }

    @Test
    void oneFtrlStepMatchesTheHandComputedUpdate() {
        // alpha 0.5, beta 1, l1 0.1, l2 0.2; base 0.2, amount_zscore 2, new_device absent; label 1
        FtrlLearner learner =
                new FtrlLearner("fraud", "1", FEATURES, new FtrlSettings(0.5, 1.0, 0.1, 0.2));
        double base = 0.2;
        double logit = Math.log(0.25); // logit(0.2)
        double before = learner.update(base, Map.of("amount_zscore", 2.0), 1);
        assertThat(before).isCloseTo(0.2, offset(1e-12)); // zero weights: the base score

        // error = 0.2 - 1 = -0.8; g = error * x; n = g^2; z = g (w was 0)
        // w = -(z - sign(z) * l1) / ((beta + |g|) / alpha + l2)
        double gBias = -0.8;
        double gLogit = -0.8 * logit;
        double gAmount = -1.6;
        OnlineAdapter after = learner.current();
        assertThat(after.bias()).isCloseTo(weight(gBias), offset(1e-12));
        assertThat(after.logitWeight()).isCloseTo(weight(gLogit), offset(1e-12));
        assertThat(after.weight(0)).isCloseTo(weight(gAmount), offset(1e-12));
        assertThat(after.weight(1)).isZero(); // absent feature: no gradient

        double margin = logit + weight(gBias) + weight(gLogit) * logit + weight(gAmount) * 2.0;
        assertThat(learner.predict(base, Map.of("amount_zscore", 2.0)))
                .isCloseTo(1 / (1 + Math.exp(-margin)), offset(1e-12));
    }

    @Test
    void turnsTheBaseModelsContributionsIntoTheAdaptedLogits() {
        OnlineAdapter adapter =
                OnlineAdapter.from(
                        TestParams.of("fraud", "1", 2, 0.3, -0.25, FEATURES, List.of(0.5, 2.0)));
        // base logit = 1 - 0.5 + 0.25 (intercept) = 0.75, explained by two model features
        double base = 1 / (1 + Math.exp(-0.75));
        Contributions parts =
                new Contributions(
                        Explanation.Method.LINEAR,
                        new String[] {"amount_zscore", "orders_1h"},
                        new double[] {1.0, -0.5},
                        0.25);
        Map<String, Double> features = Map.of("amount_zscore", 2.0, "new_device", 1.0);

        double score = adapter.apply(base, features, parts);

        assertThat(score).isEqualTo(adapter.apply(base, features));
        Explanation explained = parts.top(10);
        // (1 - 0.25) scales the model's part; the bias joins the intercept; w x per feature
        assertThat(explained.intercept()).isCloseTo(0.75 * 0.25 + 0.3, offset(1e-12));
        assertThat(explained.contributions())
                .containsExactly(
                        Map.entry("new_device", 2.0),
                        Map.entry("amount_zscore", 0.75 * 1.0 + 0.5 * 2.0),
                        Map.entry("orders_1h", 0.75 * -0.5));
        double logit = Math.log(score / (1 - score));
        double sum =
                explained.intercept()
                        + explained.contributions().values().stream().mapToDouble(d -> d).sum();
        assertThat(sum).isCloseTo(logit, offset(1e-12));
    }

    private static double weight(double g) {
        double z = g;
        return Math.abs(z) <= 0.1
                ? 0
                : -(z - Math.signum(z) * 0.1) / ((1 + Math.abs(g)) / 0.5 + 0.2);
    }

    @Test
    void l1KeepsSmallGradientsAtExactlyZero() {
        FtrlLearner learner =
                new FtrlLearner("fraud", "1", FEATURES, new FtrlSettings(0.1, 1.0, 5.0, 0.0));
        learner.update(0.5, Map.of("amount_zscore", 0.1), 1);
        OnlineAdapter adapter = learner.current();
        assertThat(adapter.bias()).isZero();
        assertThat(adapter.weight(0)).isZero();
        assertThat(adapter.apply(0.5, Map.of("amount_zscore", 0.1))).isEqualTo(0.5);
    }

    @Test
    void learningCorrectsASystematicallyLowBaseScore() {
        FtrlLearner learner =
                new FtrlLearner("fraud", "1", FEATURES, new FtrlSettings(0.2, 1.0, 0.0, 0.0));
        // the base model says 0.1 where new devices are fraudulent 60% of the time
        for (int i = 0; i < 2000; i++) {
            learner.update(0.1, Map.of("new_device", 1.0), i % 5 < 3 ? 1 : 0);
            learner.update(0.1, Map.of("new_device", 0.0), i % 10 == 0 ? 1 : 0);
        }
        assertThat(learner.predict(0.1, Map.of("new_device", 1.0))).isCloseTo(0.6, offset(0.05));
        assertThat(learner.predict(0.1, Map.of("new_device", 0.0))).isCloseTo(0.1, offset(0.05));
        assertThat(learner.examplesSeen()).isEqualTo(4000);
    }

    @Test
    void publishedParamsRoundTripAndVersionsIncrease() {
        FtrlLearner learner = new FtrlLearner("fraud", "4", FEATURES, FtrlSettings.DEFAULTS);
        learner.update(0.3, Map.of("amount_zscore", 1.5, "new_device", 1.0), 1);
        AdapterParams first = learner.publish(Instant.ofEpochMilli(5), Instant.ofEpochMilli(9));
        AdapterParams second = learner.publish(Instant.ofEpochMilli(6), Instant.ofEpochMilli(10));
        assertThat(first.getAdapterVersion()).isEqualTo(1);
        assertThat(second.getAdapterVersion()).isEqualTo(2);
        assertThat(first.getExamplesSeen()).isEqualTo(1);

        OnlineAdapter restored = OnlineAdapter.from(second);
        Map<String, Double> features = Map.of("amount_zscore", -0.5, "new_device", 1.0);
        assertThat(restored.apply(0.3, features)).isEqualTo(learner.predict(0.3, features));
        assertThat(restored.appliesTo("fraud", "4")).isTrue();
        assertThat(restored.appliesTo("fraud", "5")).isFalse();
        assertThat(restored.version()).isEqualTo(2);
    }

    @Test
    void invalidSettingsAndLabelsAreRefusedByName() {
        assertThatThrownBy(() -> new FtrlSettings(0, 1, 0, 0)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new FtrlSettings(0.1, -1, 0, 0)).hasMessageContaining("beta");
        assertThatThrownBy(() -> new FtrlSettings(0.1, 1, Double.NaN, 0))
                .hasMessageContaining("l1");
        assertThatThrownBy(() -> new FtrlSettings(0.1, 1, 0, -0.5)).hasMessageContaining("l2");
        FtrlLearner learner = new FtrlLearner("fraud", "1", FEATURES, FtrlSettings.DEFAULTS);
        assertThatThrownBy(() -> learner.update(0.5, Map.of(), 2)).hasMessageContaining("label");
    }
}
