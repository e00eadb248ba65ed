package com.kartshoppe.feedback.accuracy;

import static com.kartshoppe.feedback.FeedbackTestEvents.FRAUD_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.RECO_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.T0;
import static com.kartshoppe.feedback.FeedbackTestEvents.example;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudFeatures;
import static com.kartshoppe.feedback.FeedbackTestEvents.millis;
import static com.kartshoppe.feedback.FeedbackTestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.FeedbackOptions;
import com.kartshoppe.feedback.FeedbackSettings;
import com.kartshoppe.feedback.outcome.Outcome;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link AccuracyReports}. */
class AccuracyReportsTest {

    private static final long WINDOW = Duration.ofMinutes(5).toMillis();
    private static final long HORIZON = Duration.ofMinutes(30).toMillis();
    private static final long ATTRIBUTION = Duration.ofMinutes(10).toMillis();
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyedOneInputStreamOperatorTestHarness<String, Outcome, JsonReport> harness;
    private Backend backend;

    private void open(Backend backend) throws Exception {
        this.backend = backend;
        Configuration conf = new Configuration();
        conf.set(FeedbackOptions.ACCURACY_WINDOW, Duration.ofMillis(WINDOW));
        conf.set(FeedbackOptions.LABEL_HORIZON, Duration.ofMillis(HORIZON));
        conf.set(FeedbackOptions.ATTRIBUTION_WINDOW, Duration.ofMillis(ATTRIBUTION));
        FeedbackSettings settings = FeedbackOptions.settings(conf);
        harness =
                Harnesses.keyed(
                        new AccuracyReports(settings),
                        o -> AccuracyReports.key(o.example),
                        backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** The fraud window starting {@code start} is reported at this watermark. */
    private static long fraudReportAt(Instant start) {
        return millis(start) + WINDOW - 1 + HORIZON;
    }

    private static Outcome fraud(
            String id, String version, Instant t, double score, double base, int label) {
        LabeledExample e =
                example(
                        id,
                        UseCase.FRAUD,
                        FRAUD_MODEL,
                        version,
                        t,
                        t.plus(Duration.ofMinutes(10)),
                        score,
                        base,
                        label,
                        fraudFeatures(0, 0, 0));
        Outcome o = new Outcome();
        o.example = e;
        o.labelled = label == 1 || !id.startsWith("m");
        o.requestItems = 1;
        return o;
    }

    private static Outcome late(Outcome o) {
        o.late = true;
        o.requestItems = 0;
        return o;
    }

    private void send(Outcome o) throws Exception {
        harness.processElement(o, millis(o.example.getLabelTime()));
    }

    private void watermark(long t) throws Exception {
        harness.processWatermark(new Watermark(t));
    }

    private List<JsonNode> drain() throws Exception {
        List<JsonNode> reports = new ArrayList<>();
        for (JsonReport r : harness.extractOutputValues()) {
            JsonNode json = JSON.readTree(r.json);
            assertThat(r.key).as("keyed by model name").isEqualTo(json.get("modelName").asText());
            reports.add(json);
        }
        harness.getOutput().clear();
        return reports;
    }

    private void assertNothingLeft() throws Exception {
        assertThat(Harnesses.stateEntries(harness, backend, "windows", "late-labels")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aWindowIsReportedWhenTheWatermarkPassesItsEndAndTheLabelHorizon(Backend backend)
            throws Exception {
        open(backend);
        send(fraud("o-1", "1", minutes(1), 0.9, 0.3, 1));
        send(fraud("m-2", "1", Instant.ofEpochMilli(millis(minutes(5)) - 1), 0.2, 0.4, 0));
        send(fraud("o-3", "1", minutes(3), 0.6, 0.1, 0));
        send(fraud("o-4", "1", minutes(5), 0.5, 0.5, 1));
        assertThat(harness.numEventTimeTimers()).as("one per window").isEqualTo(2);

        watermark(fraudReportAt(T0) - 1);
        assertThat(drain()).isEmpty();
        watermark(fraudReportAt(T0));
        List<JsonNode> reports = drain();
        assertThat(reports).hasSize(1);
        JsonNode r = reports.get(0);
        assertThat(r.get("type").asText()).isEqualTo("accuracy");
        assertThat(r.get("modelName").asText()).isEqualTo(FRAUD_MODEL);
        assertThat(r.get("modelVersion").asText()).isEqualTo("1");
        assertThat(r.get("windowStart").asText()).isEqualTo(T0.toString());
        assertThat(r.get("windowEnd").asText()).isEqualTo(minutes(5).toString());
        assertThat(r.get("labelHorizon").asText()).isEqualTo("PT30M");
        assertThat(r.get("predictions").asLong()).isEqualTo(3);
        assertThat(r.get("positives").asLong()).isEqualTo(1);
        assertThat(r.get("labelled").asLong()).isEqualTo(2);
        assertThat(r.get("unlabelled").asLong()).isEqualTo(1);
        assertThat(r.get("lateLabels").asLong()).isZero();
        assertThat(r.get("adapted").get("auc").asDouble()).isEqualTo(1.0);
        assertThat(r.get("base").get("auc").asDouble()).isEqualTo(0.5);
        assertThat(r.get("adapted").get("thresholds")).hasSize(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark(fraudReportAt(minutes(5)) - 1);
        assertThat(drain()).isEmpty();
        watermark(fraudReportAt(minutes(5)));
        reports = drain();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("windowStart").asText()).isEqualTo(minutes(5).toString());
        assertThat(reports.get(0).get("predictions").asLong()).isEqualTo(1);
        assertThat(reports.get(0).get("positives").asLong()).isEqualTo(1);
        assertThat(reports.get(0).get("adapted").get("auc").isNull()).isTrue();
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void recoWindowsMatureAfterTheAttributionWindow(Backend backend) throws Exception {
        open(backend);
        Outcome shown = new Outcome();
        shown.example =
                example(
                        "r-1:p-a",
                        UseCase.RECO,
                        RECO_MODEL,
                        "1",
                        minutes(2),
                        minutes(4),
                        0.4,
                        0.4,
                        1,
                        Map.of("same_category", 1.0));
        shown.labelled = true;
        shown.clicked = true;
        shown.requestItems = 1;
        shown.requestHit = true;
        send(shown);
        send(fraud("o-1", "1", minutes(2), 0.9, 0.3, 1));

        long recoReportAt = millis(T0) + WINDOW - 1 + ATTRIBUTION;
        watermark(recoReportAt - 1);
        assertThat(drain()).isEmpty();
        watermark(recoReportAt);
        List<JsonNode> reports = drain();
        assertThat(reports).hasSize(1);
        JsonNode r = reports.get(0);
        assertThat(r.get("useCase").asText()).isEqualTo("RECO");
        assertThat(r.get("attributionWindow").asText()).isEqualTo("PT10M");
        assertThat(r.get("reco").get("recommendations").asLong()).isEqualTo(1);
        assertThat(r.get("reco").get("ctr").asDouble()).isEqualTo(1.0);
        assertThat(r.get("reco").get("hitRate").asDouble()).isEqualTo(1.0);
        assertThat(r.get("reco").get("conversion").asDouble()).isEqualTo(0.0);

        watermark(fraudReportAt(T0));
        assertThat(drain()).extracting(j -> j.get("useCase").asText()).containsExactly("FRAUD");
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void lateOutcomesAreCountedInTheNextReportOfTheirModelVersion(Backend backend)
            throws Exception {
        open(backend);
        send(fraud("o-1", "1", minutes(1), 0.9, 0.3, 1));
        send(fraud("o-2", "1", minutes(6), 0.2, 0.3, 0));
        send(fraud("o-3", "1", minutes(11), 0.2, 0.3, 0));
        // A late label of a window not yet reported: not a prediction of it, a late label.
        send(late(fraud("o-0", "1", minutes(2), 0.1, 0.1, 1)));

        watermark(fraudReportAt(T0));
        List<JsonNode> reports = drain();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("predictions").asLong()).isEqualTo(1);
        assertThat(reports.get(0).get("lateLabels").asLong()).isEqualTo(1);

        // An outcome for the window just reported, and a late label for the next window.
        send(fraud("o-4", "1", minutes(3), 0.5, 0.5, 1));
        send(late(fraud("o-5", "1", minutes(7), 0.5, 0.5, 0)));
        assertThat(harness.numEventTimeTimers()).as("no window reopened").isEqualTo(2);

        watermark(fraudReportAt(minutes(5)));
        reports = drain();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("windowStart").asText()).isEqualTo(minutes(5).toString());
        assertThat(reports.get(0).get("predictions").asLong()).isEqualTo(1);
        assertThat(reports.get(0).get("lateLabels").asLong()).isEqualTo(2);

        watermark(fraudReportAt(minutes(10)));
        reports = drain();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("lateLabels").asLong()).isZero();
        assertNothingLeft();
    }

    @Test
    void eachModelVersionIsReportedOnItsOwn() throws Exception {
        open(Backend.HEAP);
        send(fraud("o-1", "1", minutes(1), 0.9, 0.9, 1));
        send(fraud("o-2", "2", minutes(1), 0.2, 0.2, 0));
        send(fraud("o-3", "2", minutes(2), 0.3, 0.3, 0));
        watermark(Long.MAX_VALUE);
        assertThat(drain())
                .extracting(
                        j -> j.get("modelVersion").asText(),
                        j -> j.get("predictions").asLong(),
                        j -> j.get("positives").asLong())
                .containsExactlyInAnyOrder(tuple("1", 1L, 1L), tuple("2", 2L, 0L));
        assertNothingLeft();
    }
}
