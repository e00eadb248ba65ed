package com.kartshoppe.feedback;

import static com.kartshoppe.feedback.FeedbackTestEvents.FRAUD_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.RECO_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.T0;
import static com.kartshoppe.feedback.FeedbackTestEvents.click;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudFeatures;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudPrediction;
import static com.kartshoppe.feedback.FeedbackTestEvents.label;
import static com.kartshoppe.feedback.FeedbackTestEvents.minutes;
import static com.kartshoppe.feedback.FeedbackTestEvents.order;
import static com.kartshoppe.feedback.FeedbackTestEvents.reco;
import static com.kartshoppe.feedback.FeedbackTestEvents.recoClick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.feedback.learning.LearningTestSupport;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.jobkit.time.EventTimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link FeedbackJob} through {@link JobDescription#replay}, at parallelism 2 on a
 * MiniCluster: 30 scored orders whose labels come on time, late or never, four recommendations with
 * clicks and orders, and a malformed label line.
 */
class FeedbackJobITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    private static final double HOLDOUT_SHARE = 0.2;
    private static final int PUBLISH_EVERY = 5;
    private static final Duration HORIZON = Duration.ofMinutes(30);

    @TempDir static Path dir;

    private static CollectedOutputs out;
    private static List<JsonNode> reports;
    private static List<JsonNode> decisions;

    /** Orders o-01 to o-30, one a minute from T0; o-N at minute N-1. */
    private static String orderId(int i) {
        return String.format("o-%02d", i);
    }

    private static Instant orderTime(int i) {
        return minutes(i - 1);
    }

    /** Label type and minutes after its order, per order labelled; the others never are. */
    private static final Map<Integer, Object[]> LABELS =
            Map.of(
                    2, new Object[] {FraudLabelType.CHARGEBACK, 10},
                    9, new Object[] {FraudLabelType.CHARGEBACK, 5},
                    15, new Object[] {FraudLabelType.CHARGEBACK, 29},
                    21, new Object[] {FraudLabelType.CHARGEBACK, 30}, // at the horizon: on time
                    11, new Object[] {FraudLabelType.CONFIRMED_FRAUD, 14},
                    5, new Object[] {FraudLabelType.CLEARED, 7},
                    18, new Object[] {FraudLabelType.CLEARED, 12},
                    3, new Object[] {FraudLabelType.CHARGEBACK, 45}, // late
                    25, new Object[] {FraudLabelType.CHARGEBACK, 31}, // late
                    12, new Object[] {FraudLabelType.CLEARED, 50}); // late

    private static boolean fraudulent(int i) {
        Object[] l = LABELS.get(i);
        return l != null && l[0] != FraudLabelType.CLEARED;
    }

    private static List<PredictionLog> predictions() {
        List<PredictionLog> logs = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            double score = fraudulent(i) ? 0.6 : 0.2 + (i % 4) * 0.05;
            logs.add(
                    fraudPrediction(
                            orderId(i),
                            orderTime(i),
                            score,
                            score,
                            fraudFeatures(fraudulent(i) ? 3 : 1, fraudulent(i) ? 1 : 0, i % 3)));
        }
        logs.addAll(Arrays.asList(reco("r-1", "u-1", minutes(2), "p-1", "p-2", "p-3")));
        logs.addAll(Arrays.asList(reco("r-2", "u-2", minutes(3), "p-1", "p-4")));
        logs.addAll(Arrays.asList(reco("r-3", "u-3", minutes(6), "p-5", "p-6")));
        logs.addAll(Arrays.asList(reco("r-4", "u-1", minutes(12), "p-2", "p-7")));
        logs.sort(Comparator.comparing(PredictionLog::getEventTime));
        return logs;
    }

    private static List<FraudLabel> labels() {
        List<FraudLabel> labels = new ArrayList<>();
        LABELS.forEach(
                (i, l) ->
                        labels.add(
                                label(
                                        orderId(i),
                                        (FraudLabelType) l[0],
                                        orderTime(i).plus(Duration.ofMinutes((Integer) l[1])))));
        // A label for an order never scored: unmatched, no example.
        labels.add(label("o-99", FraudLabelType.CHARGEBACK, minutes(70)));
        labels.sort(Comparator.comparing(FraudLabel::getEventTime));
        return labels;
    }

    private static List<ClickEvent> clicks() {
        return List.of(
                recoClick("u-1", "r-1", "p-2", minutes(4)),
                recoClick("u-2", "r-9", "p-1", minutes(5)), // unknown recommendation
                click("u-3", ClickType.PRODUCT_VIEW, null, "p-5", minutes(7)),
                recoClick("u-1", "r-4", "p-7", minutes(12).plusSeconds(30)),
                recoClick("u-2", "r-2", "p-4", minutes(40))); // after r-2's window
    }

    private static List<OrderEvent> orders() {
        return List.of(
                order("s-1", "u-3", minutes(8), OrderStatus.CANCELLED, "p-6"),
                order("s-2", "u-1", minutes(20), OrderStatus.PLACED, "p-3", "p-9"));
    }

    private static <T extends SpecificRecordBase> List<String> lines(
            EventType<T> type, List<T> records) {
        JsonCodec<T> codec = JsonCodec.of(type);
        return records.stream().map(codec::toJson).collect(Collectors.toCollection(ArrayList::new));
    }

    @BeforeAll
    static void runTheJob() throws Exception {
        Path events = Files.createDirectories(dir.resolve("events"));
        Path predictions = Files.createDirectories(dir.resolve("predictions"));
        JsonCodec.of(EventType.PREDICTION)
                .writeFile(JsonCodec.file(predictions, EventType.PREDICTION), predictions());
        List<String> labels = lines(EventType.FRAUD_LABEL, labels());
        labels.add(4, "{\"labelId\": \"broken\", \"eventTime\": ");
        Files.write(JsonCodec.file(events, EventType.FRAUD_LABEL), labels);
        JsonCodec.of(EventType.CLICK).writeFile(JsonCodec.file(events, EventType.CLICK), clicks());
        JsonCodec.of(EventType.ORDER).writeFile(JsonCodec.file(events, EventType.ORDER), orders());

        Configuration conf = FlinkTestSupport.configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, FlinkTestSupport.PARALLELISM);
        // A slow start of one file must not let the other's watermark run ahead alone.
        conf.set(EventTimeOptions.IDLENESS, Duration.ofHours(1));
        conf.set(FeedbackOptions.LABEL_HORIZON, HORIZON);
        conf.set(FeedbackOptions.ATTRIBUTION_WINDOW, Duration.ofMinutes(30));
        conf.set(FeedbackOptions.ACCURACY_WINDOW, Duration.ofMinutes(5));
        conf.set(FeedbackOptions.FRAUD_PUBLISH_EVERY, PUBLISH_EVERY);
        conf.set(FeedbackOptions.RECO_PUBLISH_EVERY, PUBLISH_EVERY);
        conf.set(FeedbackOptions.PUBLISH_INTERVAL, Duration.ofDays(1));
        conf.set(FeedbackOptions.MIN_HOLDOUT, 0);
        conf.set(FeedbackOptions.HOLDOUT_SHARE, HOLDOUT_SHARE);
        conf.set(FeedbackOptions.MAX_LOG_LOSS_INCREASE, 1.0);
        out =
                FeedbackJob.DESCRIPTION.replay(
                        conf, Input.jsonl(events.toString()), Input.jsonl(predictions.toString()));

        ObjectMapper json = new ObjectMapper();
        reports = new ArrayList<>();
        decisions = new ArrayList<>();
        for (String line : out.text("ml.feedback-accuracy")) {
            JsonNode node = json.readTree(line);
            switch (node.get("type").asText()) {
                case "accuracy" -> reports.add(node);
                case "adapter-update" -> decisions.add(node);
                default -> throw new AssertionError("unexpected report " + line);
            }
        }
    }

    private static List<LabeledExample> examples(UseCase useCase) {
        return out.get(EventType.LABELED_EXAMPLE).stream()
                .filter(e -> e.getUseCase() == useCase)
                .toList();
    }

    private static Tuple example(String predictionId, int label, String source, Instant labelTime) {
        return tuple(predictionId, label, source, labelTime);
    }

    private static Tuple row(LabeledExample e) {
        return tuple(e.getPredictionId(), e.getLabel(), e.getLabelSource(), e.getLabelTime());
    }

    @Test
    void everyFraudPredictionGetsItsLabelOnTimeLateOrByMaturity() {
        List<Tuple> expected = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            String id = "fraud:" + orderId(i);
            Instant deadline = orderTime(i).plus(HORIZON);
            Object[] l = LABELS.get(i);
            if (l == null) {
                expected.add(example(id, 0, "MATURED", deadline));
                continue;
            }
            FraudLabelType type = (FraudLabelType) l[0];
            Instant labelTime = orderTime(i).plus(Duration.ofMinutes((Integer) l[1]));
            int value = type == FraudLabelType.CLEARED ? 0 : 1;
            if (labelTime.isAfter(deadline)) {
                expected.add(example(id, 0, "MATURED", deadline));
                expected.add(example(id, value, "LATE_" + type, labelTime));
            } else {
                expected.add(example(id, value, type.name(), labelTime));
            }
        }
        assertThat(expected).hasSize(33);
        assertThat(examples(UseCase.FRAUD))
                .extracting(FeedbackJobITCase::row)
                .containsExactlyInAnyOrderElementsOf(expected);

        LabeledExample o02 =
                examples(UseCase.FRAUD).stream()
                        .filter(e -> e.getPredictionId().equals("fraud:o-02"))
                        .findFirst()
                        .orElseThrow();
        PredictionLog served =
                predictions().stream()
                        .filter(p -> p.getPredictionId().equals("fraud:o-02"))
                        .findFirst()
                        .orElseThrow();
        assertThat(o02.getFeatures()).isEqualTo(served.getFeatures());
        assertThat(o02.getScore()).isEqualTo(served.getScore());
        assertThat(o02.getEventTime()).isEqualTo(served.getEventTime());
        assertThat(o02.getModelName()).isEqualTo(FRAUD_MODEL);
        assertThat(o02.getEntityId()).isEqualTo("u-o-02");
    }

    @Test
    void shownItemsAreAttributedToClicksAndOrdersWithinTheWindow() {
        Instant r1 = minutes(2).plus(Duration.ofMinutes(30));
        Instant r2 = minutes(3).plus(Duration.ofMinutes(30));
        Instant r3 = minutes(6).plus(Duration.ofMinutes(30));
        Instant r4 = minutes(12).plus(Duration.ofMinutes(30));
        assertThat(examples(UseCase.RECO))
                .extracting(FeedbackJobITCase::row)
                .containsExactlyInAnyOrder(
                        example("r-1:p-1", 0, "NO_CLICK", r1),
                        example("r-1:p-2", 1, "RECO_CLICK", minutes(4)),
                        example("r-1:p-3", 1, "PURCHASE", minutes(20)),
                        example("r-2:p-1", 0, "NO_CLICK", r2),
                        example("r-2:p-4", 0, "NO_CLICK", r2),
                        example("r-3:p-5", 0, "NO_CLICK", r3),
                        example("r-3:p-6", 0, "NO_CLICK", r3),
                        example("r-4:p-2", 0, "NO_CLICK", r4),
                        example("r-4:p-7", 1, "RECO_CLICK", minutes(12).plusSeconds(30)));
        assertThat(examples(UseCase.RECO))
                .allSatisfy(
                        e -> {
                            assertThat(e.getModelName()).isEqualTo(RECO_MODEL);
                            assertThat(e.getItemId()).isEqualTo(e.getPredictionId().substring(4));
                        });
    }

    @Test
    void theMalformedLabelIsADeadLetter() {
        List<DeadLetter> dead = out.get(EventType.DEAD_LETTER);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getSourceTopic()).isEqualTo("fraud.labels");
        assertThat(dead.get(0).getJob()).isEqualTo(FeedbackJob.JOB);
        assertThat(dead.get(0).getReason()).startsWith("decode.");
    }

    private static Map<String, JsonNode> reportsOf(String model) {
        return reports.stream()
                .filter(r -> r.get("modelName").asText().equals(model))
                .collect(
                        Collectors.toMap(
                                r -> r.get("windowStart").asText(),
                                Function.identity(),
                                (a, b) -> {
                                    throw new AssertionError("two reports of " + a);
                                },
                                TreeMap::new));
    }

    @Test
    void fraudAccuracyIsReportedPerWindowWithLateLabelsCountedOnce() {
        Map<String, JsonNode> fraud = reportsOf(FRAUD_MODEL);
        assertThat(fraud.keySet())
                .containsExactly(
                        T0.toString(),
                        minutes(5).toString(),
                        minutes(10).toString(),
                        minutes(15).toString(),
                        minutes(20).toString(),
                        minutes(25).toString());
        // Per window: positives, labelled (on-time labels); five predictions each.
        long[][] expected = {{1, 2}, {1, 1}, {2, 2}, {0, 1}, {1, 1}, {0, 0}};
        long late = 0;
        int w = 0;
        for (JsonNode r : fraud.values()) {
            assertThat(r.get("useCase").asText()).isEqualTo("FRAUD");
            assertThat(r.get("modelVersion").asText()).isEqualTo("1");
            assertThat(r.get("labelHorizon").asText()).isEqualTo("PT30M");
            assertThat(r.get("predictions").asLong()).as(r.toString()).isEqualTo(5);
            assertThat(r.get("positives").asLong()).as(r.toString()).isEqualTo(expected[w][0]);
            assertThat(r.get("labelled").asLong()).as(r.toString()).isEqualTo(expected[w][1]);
            assertThat(r.get("unlabelled").asLong()).isEqualTo(5 - expected[w][1]);
            assertThat(r.get("adapted").get("thresholds")).hasSize(2);
            assertThat(r.get("base").get("logLoss").isNumber()).isTrue();
            late += r.get("lateLabels").asLong();
            w++;
        }
        assertThat(late).as("the three late labels").isEqualTo(3);
        // Frauds score 0.6, the others at most 0.35: a perfect ranking where there are both.
        assertThat(fraud.get(minutes(10).toString()).get("base").get("auc").asDouble())
                .isEqualTo(1.0);
        assertThat(fraud.get(minutes(25).toString()).get("base").get("auc").isNull()).isTrue();
    }

    @Test
    void recoAccuracyIsReportedWithClickThroughHitRateAndConversion() {
        Map<String, JsonNode> reco = reportsOf(RECO_MODEL);
        assertThat(reco.keySet())
                .containsExactly(T0.toString(), minutes(5).toString(), minutes(10).toString());
        assertThat(reco.values())
                .extracting(
                        r -> r.get("predictions").asLong(),
                        r -> r.get("positives").asLong(),
                        r -> r.get("reco").get("recommendations").asLong(),
                        r -> r.get("reco").get("ctr").asDouble(),
                        r -> r.get("reco").get("hitRate").asDouble(),
                        r -> r.get("reco").get("conversion").asDouble())
                .containsExactly(
                        tuple(5L, 2L, 2L, 0.2, 0.5, 0.5),
                        tuple(2L, 0L, 1L, 0.0, 0.0, 0.0),
                        tuple(2L, 1L, 1L, 0.5, 1.0, 0.0));
        assertThat(reco.values())
                .allSatisfy(
                        r -> assertThat(r.get("attributionWindow").asText()).isEqualTo("PT30M"));
    }

    /** Learned: every example but the late ones; trained on: those not held back. */
    private static long trained(UseCase useCase) {
        return examples(useCase).stream()
                .filter(e -> !e.getLabelSource().startsWith("LATE_"))
                .filter(e -> !LearningTestSupport.heldBack(e.getPredictionId(), HOLDOUT_SHARE))
                .count();
    }

    @Test
    void adapterUpdatesAreDecidedEveryPublishEveryExamplesAndPublishedInVersionOrder() {
        Map<String, UseCase> models = Map.of(FRAUD_MODEL, UseCase.FRAUD, RECO_MODEL, UseCase.RECO);
        List<AdapterParams> params = out.get(EventType.ADAPTER_PARAMS);
        assertThat(trained(UseCase.FRAUD)).isGreaterThanOrEqualTo(PUBLISH_EVERY);
        for (Map.Entry<String, UseCase> model : models.entrySet()) {
            List<JsonNode> decided =
                    decisions.stream()
                            .filter(d -> d.get("modelName").asText().equals(model.getKey()))
                            .sorted(Comparator.comparingLong(d -> d.get("examplesSeen").asLong()))
                            .toList();
            long due = trained(model.getValue()) / PUBLISH_EVERY;
            assertThat(decided).as(model.getKey()).hasSize((int) due);
            List<Long> seen = new ArrayList<>();
            for (int k = 1; k <= due; k++) {
                seen.add((long) k * PUBLISH_EVERY);
            }
            assertThat(decided)
                    .extracting(d -> d.get("examplesSeen").asLong())
                    .containsExactlyElementsOf(seen);
            assertThat(decided)
                    .allSatisfy(d -> assertThat(d.get("published").asBoolean()).isTrue());

            List<AdapterParams> published =
                    params.stream()
                            .filter(p -> p.getModelName().equals(model.getKey()))
                            .sorted(Comparator.comparingLong(AdapterParams::getAdapterVersion))
                            .toList();
            List<Long> versions = new ArrayList<>();
            for (long v = 1; v <= due; v++) {
                versions.add(v);
            }
            assertThat(published)
                    .extracting(AdapterParams::getAdapterVersion)
                    .containsExactlyElementsOf(versions);
            assertThat(published)
                    .extracting(AdapterParams::getExamplesSeen)
                    .containsExactlyElementsOf(seen);
            assertThat(published)
                    .allSatisfy(
                            p -> {
                                assertThat(p.getBaseModelVersion()).isEqualTo("1");
                                assertThat(p.getFeatureNames())
                                        .containsExactlyElementsOf(
                                                FeedbackOptions.settings(new Configuration())
                                                        .adapterFeatures(model.getValue()));
                            });
        }
        assertThat(params).isNotEmpty();
    }

    @Test
    void theOutputsAreExactlyTheExamplesReportsAndDecisions() {
        assertThat(out.get(EventType.LABELED_EXAMPLE)).hasSize(33 + 9);
        assertThat(reports).hasSize(6 + 3);
        assertThat(out.text("ml.feedback-accuracy")).hasSize(reports.size() + decisions.size());
    }
}
