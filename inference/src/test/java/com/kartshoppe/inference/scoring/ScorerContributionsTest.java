package com.kartshoppe.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.catalog.FeatureDefinition;
import com.kartshoppe.inference.adapter.OnlineAdapter;
import com.kartshoppe.inference.adapter.TestParams;
import com.kartshoppe.inference.explain.Explanation;
import com.kartshoppe.inference.model.LinearOnnx;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.model.OnnxModel;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.training.ModelTrainer;
import com.kartshoppe.inference.training.ModelTrainer.Algorithm;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Scorer}: the feature contributions that explain its scores. */
class ScorerContributionsTest {

    private static final int ALL = Integer.MAX_VALUE;

    @TempDir Path models;

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    private ModelRegistry start(String name) {
        return ModelRegistry.builder(models, name, FeatureCatalog.FRAUD_V1).build().start();
    }

    /** An adapter on model version 1 with a bias, a logit weight and two feature weights. */
    private static OnlineAdapter adapter() {
        return OnlineAdapter.from(
                TestParams.of(
                        "fraud",
                        "1",
                        4,
                        -0.3,
                        0.4,
                        List.of("cep_velocity", "new_device", "amount_zscore"),
                        List.of(0.8, -0.6, 0.0)));
    }

    /** Rows with every fraud_v1 feature set: counts, amounts and flags of plausible size. */
    private static List<Map<String, Double>> rows(int n, long seed) {
        Random random = new Random(seed);
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Double> row = new HashMap<>();
            for (FeatureDefinition d : FeatureCatalog.FRAUD_V1.definitions()) {
                String name = d.name();
                double v;
                if (name.endsWith("_eur")) {
                    v = Math.round(random.nextDouble() * 400 * 100) / 100.0;
                } else if (name.startsWith("minutes_") || name.equals("account_age_days")) {
                    v = random.nextInt(2000);
                } else if (name.equals("new_device") || name.equals("country_mismatch")) {
                    v = random.nextInt(2);
                } else if (name.endsWith("_zscore")) {
                    v = random.nextGaussian();
                } else if (name.endsWith("_ratio_10m")) {
                    v = random.nextInt(5) / 4.0;
                } else {
                    v = random.nextInt(4);
                }
                row.put(name, v);
            }
            row.put("cep_velocity", (double) random.nextInt(2));
            rows.add(row);
        }
        return rows;
    }

    private static double sum(Explanation e) {
        return e.intercept() + e.contributions().values().stream().mapToDouble(d -> d).sum();
    }

    /**
     * The contributions and the intercept add up to the logit of the score to 1e-6 relative, plus
     * what the model's float32 probability output can resolve: the terms are exact, but {@code
     * logit(p)} of a float {@code p} near 1 moves by {@code ulp(p) / (p (1 - p))} per ulp. Below p
     * = 0.5 that is under 1.3e-7, so there 1e-6 relative is the whole bound.
     *
     * @param logitScale how the adapter scales the base model's logit (1 + logitWeight), else 1
     */
    private static void addsUpToTheLogit(Score score, double logitScale) {
        double logit = logit(score.score());
        double p = score.baseScore();
        double resolution = logitScale * Math.ulp((float) p) / (p * (1 - p));
        assertThat(sum(score.explanation()))
                .as("intercept %s + %s", score.explanation().intercept(), score.explanation())
                .isCloseTo(logit, offset(1e-6 * Math.max(1, Math.abs(logit)) + resolution));
    }

    @Test
    void theStarterModelsContributionsAddUpToItsLogitWithTheAdapterIncluded() throws Exception {
        StarterModels.install(models);
        try (ModelRegistry registry = start("fraud")) {
            Scorer scorer = new Scorer(registry, 8);
            List<Map<String, Double>> rows = rows(64, 1);

            List<Score> base = scorer.score(rows, null, ALL);
            List<Score> adapted = scorer.score(rows, adapter(), ALL);
            // the rows span clear, doubtful and near-certain fraud
            assertThat(base).anySatisfy(b -> assertThat(b.baseScore()).isLessThan(0.1));
            assertThat(base).anySatisfy(b -> assertThat(b.baseScore()).isBetween(0.3, 0.7));
            assertThat(base).anySatisfy(b -> assertThat(b.baseScore()).isGreaterThan(0.99));

            for (int i = 0; i < rows.size(); i++) {
                Score b = base.get(i);
                assertThat(b.explanation().method()).isEqualTo(Explanation.Method.LINEAR);
                assertThat(b.explanation().contributions()).hasSize(21);
                addsUpToTheLogit(b, 1);

                Score a = adapted.get(i);
                assertThat(a.adapterVersion()).isEqualTo(4);
                assertThat(a.score()).isNotEqualTo(a.baseScore());
                addsUpToTheLogit(a, 1.4);
                // the adapter: intercept (1 + 0.4) b + bias, model terms scaled by 1.4, its own
                assertThat(a.explanation().intercept())
                        .isCloseTo(1.4 * b.explanation().intercept() - 0.3, offset(1e-9));
                double flag = rows.get(i).get("cep_velocity");
                assertThat(a.explanation().contributions().getOrDefault("cep_velocity", 0.0))
                        .isEqualTo(0.8 * flag);
                double newDevice = b.explanation().contributions().getOrDefault("new_device", 0.0);
                assertThat(a.explanation().contributions().getOrDefault("new_device", 0.0))
                        .isCloseTo(
                                1.4 * newDevice - 0.6 * rows.get(i).get("new_device"),
                                offset(1e-9));
            }
        }
    }

    @Test
    void aLogisticModelTrainedHereIsExplainedExactly() throws Exception {
        List<LabeledExample> examples = examples(2000, 5);
        new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.LOGISTIC, 7, 2)
                .train(examples, models.resolve("fraud/1.onnx"));
        try (ModelRegistry registry = start("fraud")) {
            Scorer scorer = new Scorer(registry, 8);
            List<Map<String, Double>> rows =
                    examples.subList(0, 50).stream().map(LabeledExample::getFeatures).toList();

            for (Score score : scorer.score(rows, adapter(), ALL)) {
                assertThat(score.explanation().method()).isEqualTo(Explanation.Method.LINEAR);
                addsUpToTheLogit(score, 1.4);
            }
            // A row at the training means: every model term is zero, the intercept is the logit.
            OnnxModel model = registry.acquire();
            Map<String, Double> atMean = new HashMap<>();
            for (int j = 0; j < model.features().size(); j++) {
                atMean.put(model.features().get(j), (double) model.explainer().reference(j));
            }
            model.release();
            Score mean = scorer.score(List.of(atMean), null, ALL).get(0);
            assertThat(mean.explanation().contributions().values())
                    .allSatisfy(t -> assertThat(t).isCloseTo(0.0, offset(1e-6)));
            assertThat(mean.explanation().intercept()).isCloseTo(logit(mean.score()), offset(1e-6));
        }
    }

    @Test
    void aHandBuiltLogisticModelsTermsAreItsWeightsTimesTheValues() throws Exception {
        LinearOnnx.of(
                        List.of("orders_1h", "payment_declines_10m", "order_amount_eur"),
                        new float[] {0.5f, -1f, 0.25f},
                        -2f)
                .writeTo(models, "fraud", "1");
        Map<String, Double> row =
                Map.of("orders_1h", 4.0, "payment_declines_10m", 3.0, "order_amount_eur", 10.0);
        try (ModelRegistry registry = start("fraud")) {
            Score score = new Scorer(registry, 1).score(List.of(row), null, ALL).get(0);

            assertThat(score.explanation().intercept()).isEqualTo(-2.0);
            assertThat(score.explanation().contributions())
                    .containsExactly(
                            Map.entry("payment_declines_10m", -3.0),
                            Map.entry("order_amount_eur", 2.5),
                            Map.entry("orders_1h", 2.0));
            addsUpToTheLogit(score, 1);
        }
    }

    @Test
    void keepsTheLargestContributionsByMagnitudeAndNoneWhenAskedForNone() throws Exception {
        StarterModels.install(models);
        try (ModelRegistry registry = start("fraud")) {
            Scorer scorer = new Scorer(registry, 8);
            List<Map<String, Double>> rows = rows(10, 2);
            List<Score> all = scorer.score(rows, adapter(), ALL);
            List<Score> top = scorer.score(rows, adapter(), 3);
            List<Score> none = scorer.score(rows, adapter(), 0);

            for (int i = 0; i < rows.size(); i++) {
                List<Map.Entry<String, Double>> full =
                        new ArrayList<>(all.get(i).explanation().contributions().entrySet());
                assertThat(top.get(i).explanation().contributions().entrySet())
                        .containsExactlyElementsOf(full.subList(0, 3));
                assertThat(Math.abs(full.get(2).getValue()))
                        .isGreaterThanOrEqualTo(Math.abs(full.get(3).getValue()));
                assertThat(none.get(i).explanation()).isNull();
                assertThat(none.get(i).score()).isEqualTo(top.get(i).score());
            }
        }
    }

    @Test
    void aFactorizationMachineIsExplainedByOcclusionAtTheTrainingMeans() throws Exception {
        List<LabeledExample> examples = examples(2000, 9);
        new ModelTrainer(FeatureCatalog.FRAUD_V1, Algorithm.FM, 7, 2)
                .train(examples, models.resolve("fraud/1.onnx"));
        try (ModelRegistry registry = start("fraud")) {
            Scorer scorer = new Scorer(registry, 8);
            OnnxModel model = registry.acquire();
            List<String> features = model.features();
            assertThat(model.explainer().linear()).isEmpty();
            // the reference is the training split's mean (ModelTrainer holds out by id hash)
            for (int j = 0; j < features.size(); j++) {
                String feature = features.get(j);
                double mean =
                        examples.stream()
                                .filter(e -> Math.floorMod(e.getPredictionId().hashCode(), 5) != 0)
                                .mapToDouble(e -> e.getFeatures().get(feature))
                                .average()
                                .orElseThrow();
                assertThat((double) model.explainer().reference(j))
                        .as(feature)
                        .isCloseTo(mean, offset(1e-4 * Math.max(1, Math.abs(mean))));
            }
            model.release();
            List<Map<String, Double>> rows =
                    examples.subList(0, 6).stream().map(LabeledExample::getFeatures).toList();

            List<Score> explained = scorer.score(rows, null, ALL);
            List<Score> plain = scorer.score(rows, null, 0);

            for (int i = 0; i < rows.size(); i++) {
                Score score = explained.get(i);
                assertThat(score.explanation().method()).isEqualTo(Explanation.Method.OCCLUSION);
                // explaining does not change the score
                assertThat(score.score()).isEqualTo(plain.get(i).score());
                // each term is the logit's change when that feature alone takes its reference
                Map<String, Double> reference = new HashMap<>();
                for (int j = 0; j < features.size(); j++) {
                    String feature = features.get(j);
                    Map<String, Double> occluded = new HashMap<>(rows.get(i));
                    occluded.put(feature, (double) referenceOf(registry, j));
                    reference.put(feature, (double) referenceOf(registry, j));
                    double change =
                            logit(score.score())
                                    - logit(scorer.score(List.of(occluded), null).get(0).score());
                    assertThat(score.explanation().contributions().getOrDefault(feature, 0.0))
                            .as(feature)
                            .isCloseTo(change, offset(1e-9));
                }
                // the intercept is the reference row's logit
                assertThat(score.explanation().intercept())
                        .isCloseTo(
                                logit(scorer.score(List.of(reference), null).get(0).score()),
                                offset(1e-9));
            }
        }
    }

    private static float referenceOf(ModelRegistry registry, int j) {
        OnnxModel model = registry.acquire();
        try {
            return model.explainer().reference(j);
        } finally {
            model.release();
        }
    }

    /**
     * Log-odds {@code 1.2 declines + 1.5 new_device + amount / 400 - 1.5 declines * new_device -
     * 3}.
     */
    private static List<LabeledExample> examples(int n, long seed) {
        Random random = new Random(seed);
        List<LabeledExample> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double declines = random.nextInt(4);
            double newDevice = random.nextDouble() < 0.3 ? 1 : 0;
            double amount = 10 + random.nextDouble() * 1500;
            double logOdds =
                    1.2 * declines + 1.5 * newDevice + amount / 400 - declines * newDevice - 3;
            int label = random.nextDouble() < 1 / (1 + Math.exp(-logOdds)) ? 1 : 0;
            examples.add(
                    LabeledExample.newBuilder()
                            .setPredictionId("p-" + i)
                            .setUseCase(UseCase.FRAUD)
                            .setEntityId("u-" + i)
                            .setEventTime(Instant.EPOCH)
                            .setLabelTime(Instant.EPOCH)
                            .setFeatureSet(FeatureCatalog.FRAUD_V1.name())
                            .setFeatureSetVersion(FeatureCatalog.FRAUD_V1.version())
                            .setFeatures(
                                    Map.of(
                                            "payment_declines_10m", declines,
                                            "new_device", newDevice,
                                            "order_amount_eur", amount))
                            .setScore(0.5)
                            .setBaseScore(0.5)
                            .setModelName("fraud")
                            .setModelVersion("0")
                            .setAdapterVersion(0)
                            .setLabel(label)
                            .setLabelSource("test")
                            .build());
        }
        return examples;
    }
}
