package com.kartshoppe.inference.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.AdapterParams;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link FtrlLearner#resume}, {@link FtrlLearner#z()}, {@link FtrlLearner#n()} and {@link
 * FtrlLearner#published()}: the learner state saved and restored by the feedback job.
 */
class FtrlLearnerResumeTest {

    private static final List<String> FEATURES = List.of("amount_zscore", "new_device");
    private static final FtrlSettings SETTINGS = new FtrlSettings(0.5, 1.0, 0.1, 0.2);
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private static FtrlLearner fresh() {
        return new FtrlLearner("fraud", "4", FEATURES, SETTINGS);
    }

    private static FtrlLearner resumed(FtrlLearner from) {
        return FtrlLearner.resume(
                "fraud",
                "4",
                FEATURES,
                SETTINGS,
                from.z(),
                from.n(),
                from.examplesSeen(),
                from.published());
    }

    /** A stream of examples where new devices are fraud more often than the base score says. */
    private static final class Examples {
        private final Random random = new Random(17);
        double base;
        Map<String, Double> features;
        int label;

        void next() {
            base = 0.05 + 0.9 * random.nextDouble();
            boolean device = random.nextBoolean();
            features =
                    Map.of(
                            "amount_zscore",
                            random.nextGaussian(),
                            "new_device",
                            device ? 1.0 : 0.0);
            label = random.nextDouble() < (device ? Math.min(1, base * 2) : base / 2) ? 1 : 0;
        }
    }

    @Test
    void zAndNStartAtZeroAndHoldTheFirstStepsGradients() {
        FtrlLearner learner = fresh();
        assertThat(learner.z()).containsExactly(0, 0, 0, 0);
        assertThat(learner.n()).containsExactly(0, 0, 0, 0);
        assertThat(learner.published()).isZero();

        // base 0.2, label 1: error -0.8; x = [1, logit(0.2), 2, absent]; w was 0, so z = g, n =
        // g^2.
        learner.update(0.2, Map.of("amount_zscore", 2.0), 1);
        double logit = Math.log(0.25);
        double[] g = {-0.8, -0.8 * logit, -1.6, 0};
        assertThat(learner.z()).containsExactly(g, within(1e-12));
        assertThat(learner.n())
                .containsExactly(
                        new double[] {g[0] * g[0], g[1] * g[1], g[2] * g[2], 0}, within(1e-12));
    }

    @Test
    void zAndNAreCopies() {
        FtrlLearner learner = fresh();
        learner.update(0.3, Map.of("amount_zscore", 1.0, "new_device", 1.0), 1);
        double[] z = learner.z();
        double[] n = learner.n();
        double before = learner.predict(0.3, Map.of("new_device", 1.0));
        z[0] = 99;
        n[0] = 99;
        assertThat(learner.z()[0]).isNotEqualTo(99);
        assertThat(learner.n()[0]).isNotEqualTo(99);
        assertThat(learner.predict(0.3, Map.of("new_device", 1.0))).isEqualTo(before);
    }

    @Test
    void aResumedLearnerContinuesExactlyAsTheUninterruptedOne() {
        FtrlLearner uninterrupted = fresh();
        FtrlLearner first = fresh();
        Examples examples = new Examples();
        for (int i = 0; i < 300; i++) {
            examples.next();
            uninterrupted.update(examples.base, examples.features, examples.label);
            first.update(examples.base, examples.features, examples.label);
        }
        first.publish(T0, T0);
        uninterrupted.publish(T0, T0);

        FtrlLearner resumed = resumed(first);
        Map<String, Double> probe = Map.of("amount_zscore", 0.7, "new_device", 1.0);
        assertThat(resumed.predict(0.4, probe)).isEqualTo(uninterrupted.predict(0.4, probe));
        assertThat(resumed.current().weight(1)).isEqualTo(uninterrupted.current().weight(1));
        assertThat(resumed.current().version()).isEqualTo(1);
        assertThat(resumed.examplesSeen()).isEqualTo(300);
        assertThat(resumed.published()).isEqualTo(1);

        for (int i = 0; i < 300; i++) {
            examples.next();
            assertThat(resumed.update(examples.base, examples.features, examples.label))
                    .isEqualTo(
                            uninterrupted.update(examples.base, examples.features, examples.label));
        }
        assertThat(resumed.z()).containsExactly(uninterrupted.z());
        assertThat(resumed.n()).containsExactly(uninterrupted.n());
        assertThat(uninterrupted.predict(0.1, probe))
                .as("it learned that new devices are riskier")
                .isGreaterThan(uninterrupted.predict(0.1, Map.of("new_device", 0.0)));

        AdapterParams a = resumed.publish(T0.plusSeconds(1), T0.plusSeconds(2));
        AdapterParams b = uninterrupted.publish(T0.plusSeconds(1), T0.plusSeconds(2));
        assertThat(a).isEqualTo(b);
        assertThat(a.getAdapterVersion()).isEqualTo(2);
        assertThat(a.getExamplesSeen()).isEqualTo(600);
    }

    @Test
    void publishedCountsVersionsAndResumesFromTheSavedCount() {
        FtrlLearner learner = fresh();
        learner.update(0.3, Map.of("new_device", 1.0), 1);
        learner.publish(T0, T0);
        learner.publish(T0, T0);
        assertThat(learner.published()).isEqualTo(2);
        assertThat(learner.current().version()).isEqualTo(2);

        FtrlLearner resumed =
                FtrlLearner.resume(
                        "fraud", "4", FEATURES, SETTINGS, learner.z(), learner.n(), 1, 7);
        assertThat(resumed.published()).isEqualTo(7);
        assertThat(resumed.publish(T0, T0).getAdapterVersion()).isEqualTo(8);
        assertThat(resumed.published()).isEqualTo(8);
    }

    @Test
    void resumeCopiesTheSavedArrays() {
        FtrlLearner learner = fresh();
        learner.update(0.3, Map.of("amount_zscore", 2.0), 1);
        double[] z = learner.z();
        double[] n = learner.n();
        FtrlLearner resumed = FtrlLearner.resume("fraud", "4", FEATURES, SETTINGS, z, n, 1, 0);
        z[2] = 0;
        n[2] = 0;
        assertThat(resumed.z()).containsExactly(learner.z());
        assertThat(resumed.n()).containsExactly(learner.n());
    }

    @Test
    void zeroStateResumesToTheBaseModel() {
        FtrlLearner resumed =
                FtrlLearner.resume(
                        "fraud", "4", FEATURES, SETTINGS, new double[4], new double[4], 0, 0);
        assertThat(resumed.predict(0.37, Map.of("amount_zscore", 3.0, "new_device", 1.0)))
                .isCloseTo(0.37, within(1e-12));
    }

    @Test
    void savedStateOfAnotherFeatureCountIsRefused() {
        assertThatThrownBy(
                        () ->
                                FtrlLearner.resume(
                                        "fraud",
                                        "4",
                                        FEATURES,
                                        SETTINGS,
                                        new double[3],
                                        new double[3],
                                        0,
                                        0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fraud/4")
                .hasMessageContaining("3 coordinates")
                .hasMessageContaining("need 4");
        assertThatThrownBy(
                        () ->
                                FtrlLearner.resume(
                                        "fraud",
                                        "4",
                                        FEATURES,
                                        SETTINGS,
                                        new double[4],
                                        new double[5],
                                        0,
                                        0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
