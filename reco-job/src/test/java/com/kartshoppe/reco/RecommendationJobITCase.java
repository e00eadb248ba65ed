package com.kartshoppe.reco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.catalog.FeatureDefinition;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.jobkit.testing.SameAnswers;
import com.kartshoppe.reco.backtest.NextActions;
import com.kartshoppe.reco.backtest.RecoReport;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests for {@link RecommendationJob} over 90 simulated minutes of shoppers the starter model never
 * saw (it was trained on another seed), at parallelism 2, with the simulator's malformed records
 * mixed in.
 *
 * <p>Same answers: every recommendation (its products in order, their scores within {@value
 * #TOLERANCE}, the explored slot and the model version) is compared with those recorded in {@code
 * same-answers/} by the job as it was before a change ({@link SameAnswers}); differences made on
 * purpose are declared in {@link #INTENDED} with their counts. To write the fixture with the job as
 * it is (the run then fails with "fixture written"):
 *
 * <pre>{@code
 * ./mvnw -B -o test -pl reco-job -am -Dtest=RecommendationJobITCase \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsame-answers.write=true
 * }</pre>
 */
class RecommendationJobITCase {

    private static final Logger LOG = LoggerFactory.getLogger(RecommendationJobITCase.class);

    private static final int K = 10;

    /**
     * Products bought by their shopper at or before a recommendation's time are no candidates: a
     * shown product the shopper had bought is replaced, and a bought candidate below the top may
     * have let in one that ranks higher.
     */
    static final String BOUGHT_SHOWN = "a shown product bought before: left out";

    static final String BOUGHT_OTHER = "other products bought before: left out of the candidates";

    /**
     * Differences from the recorded recommendations that the current code makes on purpose: kind
     * ({@link Shown#kind}) to its exact number of recommendations.
     */
    static final Map<String, Integer> INTENDED = Map.of(BOUGHT_SHOWN, 853, BOUGHT_OTHER, 38);

    static final double TOLERANCE = 1e-6;

    private static final SameAnswers SAME =
            new SameAnswers(RecommendationJobITCase.class, "same-answers");
    private static final String SHOWN = "recommendations.csv.gz";
    private static final String HEADER = "recoId,products,scores,explored,modelVersion";
    private static final String INPUT = "input.sha256";

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir static Path dir;

    private static Path events;
    private static Path models;
    private static CollectedOutputs result;
    private static RecoReport report;
    private static NextActions actions;

    @BeforeAll
    static void runTheJob() throws Exception {
        events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(5)
                                    .users(600)
                                    .duration(Duration.ofMinutes(90))
                                    .build())
                    .run(sink);
        }
        models = dir.resolve("models");
        StarterModels.install(models);
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        result = Scoring.backtest(RecommendationJob.DESCRIPTION, conf, events);
        report =
                RecoReport.of(
                        result.get(EventType.RECOMMENDATION),
                        actions = NextActions.read(events),
                        Duration.ofMinutes(30).toMillis(),
                        conf.get(FeatureOptions.POPULARITY_WINDOW).toMillis(),
                        conf.get(FeatureOptions.SESSION_GAP).toMillis(),
                        K);
        LOG.info("Backtest of the simulation:\n{}", report.format());
        if (SameAnswers.writing()) {
            List<String> lines =
                    shown(result.get(EventType.RECOMMENDATION)).stream()
                            .sorted(Comparator.comparing(Shown::recoId))
                            .map(Shown::line)
                            .toList();
            SAME.write(SHOWN, HEADER, lines);
            SAME.write(INPUT, "sha256", List.of(SameAnswers.digest(events)));
            fail(
                    "fixture written, re-run without the property %s (%s)",
                    SameAnswers.WRITE_PROPERTY, SAME.directory());
        }
    }

    @Test
    void theSimulationIsTheRecordedOne() throws Exception {
        assertThat(SameAnswers.digest(events))
                .as(
                        "digest of the simulated input: the simulator changed since the fixture"
                                + " was written; write it again with the job as it was (see the"
                                + " class Javadoc)")
                .isEqualTo(SAME.read(INPUT, "sha256").get(0));
    }

    @Test
    void everyRecommendationIsTheRecordedOneOrAnIntendedDifference() throws Exception {
        List<Shown> recorded = SAME.read(SHOWN, HEADER).stream().map(Shown::parse).toList();
        assertThat(recorded).hasSizeGreaterThan(2000);
        SameAnswers.assertOnlyIntended(
                SameAnswers.differences(
                        recorded,
                        shown(result.get(EventType.RECOMMENDATION)),
                        Shown::recoId,
                        kinds()),
                INTENDED,
                "same-answers/" + SHOWN);
    }

    @Test
    void differencesAreClassifiedByWhatMoved() {
        Shown a = new Shown("reco-1", List.of("p1", "p2"), List.of(0.5, 0.4), -1, "1");
        assertThat(Shown.kind(a, a)).isNull();
        assertThat(
                        Shown.kind(
                                a,
                                new Shown(
                                        "reco-1",
                                        List.of("p1", "p2"),
                                        List.of(0.5, 0.4 + 1e-7),
                                        -1,
                                        "1")))
                .isNull();
        assertThat(
                        Shown.kind(
                                a,
                                new Shown(
                                        "reco-1", List.of("p2", "p1"), List.of(0.5, 0.4), -1, "1")))
                .isEqualTo("products reordered");
        assertThat(
                        Shown.kind(
                                a,
                                new Shown(
                                        "reco-1", List.of("p1", "p3"), List.of(0.5, 0.41), 1, "2")))
                .isEqualTo(
                        "products differ in 1 of 2; scores differ; explored slot -1->1;"
                                + " modelVersion 1->2");
        assertThat(Shown.kind(a, null)).isEqualTo("missing");
        assertThat(Shown.kind(null, a)).isEqualTo("extra");
        assertThat(Shown.parse(a.line())).isEqualTo(a);
    }

    /**
     * {@link Shown#kind}, except that a recommendation whose shopper had bought products by its
     * time is of kind {@value #BOUGHT_SHOWN} when it showed one of them, else {@value
     * #BOUGHT_OTHER}, whatever moved in it; a shopper who had bought nothing must get the recorded
     * answer.
     */
    private static BiFunction<Shown, Shown, String> kinds() {
        Map<String, Recommendation> byId =
                result.get(EventType.RECOMMENDATION).stream()
                        .collect(Collectors.toMap(Recommendation::getRecoId, r -> r));
        Map<String, List<NextActions.Action>> purchases =
                actions.all().stream()
                        .filter(a -> a.units() > 0)
                        .collect(Collectors.groupingBy(NextActions.Action::userId));
        return (recorded, now) -> {
            String kind = Shown.kind(recorded, now);
            if (kind == null || recorded == null || now == null) {
                return kind;
            }
            Recommendation r = byId.get(now.recoId());
            long time = r.getEventTime().toEpochMilli();
            Set<String> bought =
                    purchases.getOrDefault(r.getUserId(), List.of()).stream()
                            .filter(a -> a.time() <= time)
                            .map(NextActions.Action::productId)
                            .collect(Collectors.toSet());
            if (bought.isEmpty()) {
                return kind;
            }
            return recorded.products().stream().anyMatch(bought::contains)
                    ? BOUGHT_SHOWN
                    : BOUGHT_OTHER;
        };
    }

    /** One recommendation as the fixture records it; {@code explored} is the slot, or -1. */
    record Shown(
            String recoId,
            List<String> products,
            List<Double> scores,
            int explored,
            String modelVersion) {

        static Shown of(Recommendation r) {
            List<RecommendedItem> items = r.getItems();
            int explored = -1;
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).getExplored()) {
                    explored = i;
                }
            }
            return new Shown(
                    r.getRecoId(),
                    items.stream().map(RecommendedItem::getProductId).toList(),
                    items.stream().map(RecommendedItem::getScore).toList(),
                    explored,
                    r.getModelVersion());
        }

        static Shown parse(String line) {
            String[] f = line.split(",", -1);
            return new Shown(
                    f[0],
                    List.of(f[1].split("\\|")),
                    Arrays.stream(f[2].split("\\|")).map(Double::valueOf).toList(),
                    Integer.parseInt(f[3]),
                    f[4]);
        }

        /** Scores to 9 decimals, well within {@link #TOLERANCE}. */
        String line() {
            return String.join(
                    ",",
                    recoId,
                    String.join("|", products),
                    scores.stream()
                            .map(d -> String.format(Locale.ROOT, "%.9f", d))
                            .collect(Collectors.joining("|")),
                    Integer.toString(explored),
                    modelVersion);
        }

        /**
         * What moved between the recorded recommendation and the current one, or null if nothing
         * did: {@code missing}, {@code extra}, or the parts that differ joined by {@code "; "}.
         */
        static String kind(Shown recorded, Shown now) {
            if (now == null) {
                return "missing";
            }
            if (recorded == null) {
                return "extra";
            }
            List<String> parts = new ArrayList<>();
            if (!recorded.products.equals(now.products)) {
                long moved =
                        recorded.products.stream().filter(p -> !now.products.contains(p)).count();
                parts.add(
                        moved == 0
                                ? "products reordered"
                                : "products differ in "
                                        + moved
                                        + " of "
                                        + recorded.products.size());
            }
            boolean scores = recorded.scores.size() == now.scores.size();
            for (int i = 0; scores && i < now.scores.size(); i++) {
                scores = SameAnswers.close(recorded.scores.get(i), now.scores.get(i), TOLERANCE);
            }
            if (!scores) {
                parts.add("scores differ");
            }
            if (recorded.explored != now.explored) {
                parts.add("explored slot " + recorded.explored + "->" + now.explored);
            }
            if (!recorded.modelVersion.equals(now.modelVersion)) {
                parts.add("modelVersion " + recorded.modelVersion + "->" + now.modelVersion);
            }
            return parts.isEmpty() ? null : String.join("; ", parts);
        }
    }

    private static List<Shown> shown(List<Recommendation> recommendations) {
        return recommendations.stream().map(Shown::of).toList();
    }

    @Test
    void recommendationsShowKDistinctProductsOtherThanTheOneViewed() {
        List<Recommendation> recos = result.get(EventType.RECOMMENDATION);
        assertThat(recos).hasSizeGreaterThan(2000);
        for (Recommendation r : recos) {
            List<String> shown = r.getItems().stream().map(RecommendedItem::getProductId).toList();
            assertThat(shown).as(r.getRecoId()).hasSizeLessThanOrEqualTo(K).doesNotHaveDuplicates();
            assertThat(shown).as(r.getRecoId()).doesNotContain(r.getTriggerProductId());
            assertThat(r.getRecoId()).startsWith("reco-");
            assertThat(r.getModelVersion()).isEqualTo("1");
        }
        // Only requests before the first trending window closed can have fewer candidates.
        assertThat(recos.stream().filter(r -> r.getItems().size() == K).count())
                .isGreaterThan(recos.size() * 95L / 100);
    }

    @Test
    void aShopperGetsAtMostOneRecommendationPerMinInterval() {
        Map<String, List<Recommendation>> byUser =
                result.get(EventType.RECOMMENDATION).stream()
                        .collect(Collectors.groupingBy(Recommendation::getUserId));
        long min = RecoOptions.MIN_INTERVAL.defaultValue().toMillis();
        for (List<Recommendation> recos : byUser.values()) {
            recos.sort(Comparator.comparing(Recommendation::getEventTime));
            for (int i = 1; i < recos.size(); i++) {
                assertThat(
                                recos.get(i).getEventTime().toEpochMilli()
                                        - recos.get(i - 1).getEventTime().toEpochMilli())
                        .as(recos.get(i).getRecoId())
                        .isGreaterThanOrEqualTo(min);
            }
        }
    }

    @Test
    void everyShownItemIsLoggedWithItsRankingRow() {
        Map<String, PredictionLog> byId =
                result.get(EventType.PREDICTION).stream()
                        .collect(
                                Collectors.toMap(
                                        PredictionLog::getPredictionId, p -> p, (a, b) -> a));
        int shown = 0;
        for (Recommendation r : result.get(EventType.RECOMMENDATION)) {
            for (int i = 0; i < r.getItems().size(); i++) {
                RecommendedItem item = r.getItems().get(i);
                PredictionLog p = byId.get(r.getRecoId() + ":" + item.getProductId());
                assertThat(p).as(r.getRecoId() + ":" + item.getProductId()).isNotNull();
                assertThat(p.getPosition()).isEqualTo(i);
                assertThat(p.getScore()).isEqualTo(item.getScore());
                assertThat(p.getExplored()).isEqualTo(item.getExplored());
                assertThat(p.getFeatures().keySet())
                        .containsExactlyInAnyOrderElementsOf(
                                FeatureCatalog.RECO_V1.definitions().stream()
                                        .map(FeatureDefinition::name)
                                        .toList());
                shown++;
            }
        }
        assertThat(result.get(EventType.PREDICTION)).hasSize(shown);
    }

    @Test
    void aboutOneInTenRecommendationsExplores() {
        double share = (double) report.explored() / report.recommendations();
        assertThat(share).isBetween(0.07, 0.13);
    }

    @Test
    void rankedRecommendationsBeatThePopularityBaselineOnHeldOutShoppers() {
        RecoReport.Target anyNext = report.anyNext();
        assertThat(anyNext.judged()).isGreaterThan(report.recommendations() * 8 / 10);
        assertThat(anyNext.job().hitRate()).isGreaterThan(anyNext.popularity().hitRate() + 0.03);
        assertThat(anyNext.job().ndcg()).isGreaterThan(anyNext.popularity().ndcg() * 1.3);
    }

    @Test
    void sessionWindowsWriteSessionFeatures() {
        List<FeatureSnapshot> sessions = result.get(EventType.FEATURE_SNAPSHOT);
        assertThat(sessions).hasSizeGreaterThan(300);
        assertThat(sessions)
                .allMatch(s -> s.getFeatureSet().equals("session_v1"))
                .allMatch(s -> s.getValues().size() == FeatureCatalog.SESSION_V1.size());
    }

    @Test
    void malformedInputGoesToTheDeadLetterQueue() {
        assertThat(result.get(EventType.DEAD_LETTER)).isNotEmpty();
        assertThat(result.get(EventType.DEAD_LETTER))
                .allMatch(
                        d ->
                                d.getSourceTopic().equals("shop.clicks")
                                        || d.getSourceTopic().equals("shop.orders"));
    }

    @Test
    void withoutAModelRulesOnlyModeRecommendsTrendingAndNeighboursUnscored() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-models"));
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(InferenceOptions.MODELS_DIR, empty.toString());
        conf.set(InferenceOptions.ALLOW_RULES_ONLY, true);
        conf.set(RecoOptions.EXPLORATION, 0.0);
        CollectedOutputs rulesOnly = Scoring.backtest(RecommendationJob.DESCRIPTION, conf, events);

        assertThat(rulesOnly.get(EventType.RECOMMENDATION))
                .hasSameSizeAs(result.get(EventType.RECOMMENDATION));
        assertThat(rulesOnly.get(EventType.PREDICTION)).isEmpty();
        assertThat(rulesOnly.get(EventType.RECOMMENDATION))
                .allMatch(r -> r.getModelVersion().isEmpty())
                .allMatch(r -> r.getItems().stream().allMatch(i -> i.getScore() == 0));
    }
}
