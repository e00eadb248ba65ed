package com.kartshoppe.feedback.accuracy;

import static com.kartshoppe.feedback.FeedbackTestEvents.FRAUD_MODEL;
import static com.kartshoppe.feedback.FeedbackTestEvents.example;
import static com.kartshoppe.feedback.FeedbackTestEvents.fraudFeatures;
import static com.kartshoppe.feedback.FeedbackTestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.outcome.Outcome;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Tests for {@link AccuracyGauges}: the gauges show the newest report's own figures. */
class AccuracyGaugesTest {

    private static final double[] THRESHOLDS = {0.5, 0.9};
    private static final String ADAPTED = "accuracy.model=" + FRAUD_MODEL + ".score=adapted.";

    @Test
    void theGaugesHoldTheNewestWindowsFiguresAsTheReportGivesThem() throws Exception {
        Map<String, Metric> metrics = new TreeMap<>();
        AccuracyGauges gauges = new AccuracyGauges(new Recording("", metrics), THRESHOLDS);

        AccuracyWindow second =
                window(5, new double[] {0.95, 0.7, 0.2, 0.6}, new int[] {1, 1, 0, 0});
        AccuracyWindow first = window(0, new double[] {0.1, 0.9}, new int[] {1, 0});
        gauges.update(second);
        gauges.update(first); // an older window reported later does not replace it

        JsonNode report =
                new ObjectMapper()
                        .readTree(second.report(THRESHOLDS, Duration.ofMinutes(30), 0).toString());
        assertThat(value(metrics, ADAPTED + "auc"))
                .isEqualTo(report.get("adapted").get("auc").asDouble())
                .isEqualTo(1.0);
        assertThat(value(metrics, ADAPTED + "logLoss"))
                .isEqualTo(report.get("adapted").get("logLoss").asDouble());
        for (int i = 0; i < THRESHOLDS.length; i++) {
            JsonNode at = report.get("adapted").get("thresholds").get(i);
            String t = ADAPTED + "threshold=" + THRESHOLDS[i] + ".";
            assertThat(value(metrics, t + "recall")).isEqualTo(at.get("recall").asDouble());
            assertThat(value(metrics, t + "precision")).isEqualTo(at.get("precision").asDouble());
        }
        // recall at 0.5: both positives flagged; at 0.9 one of two
        assertThat(value(metrics, ADAPTED + "threshold=0.5.recall")).isEqualTo(1.0);
        assertThat(value(metrics, ADAPTED + "threshold=0.9.recall")).isEqualTo(0.5);
        assertThat(value(metrics, "accuracy.model=" + FRAUD_MODEL + ".modelVersion")).isEqualTo(3L);
        assertThat(value(metrics, "accuracy.model=" + FRAUD_MODEL + ".windowEnd"))
                .isEqualTo(minutes(10).toEpochMilli());
        assertThat(metrics.keySet())
                .allMatch(k -> k.startsWith("accuracy.model=" + FRAUD_MODEL + "."));
    }

    private static AccuracyWindow window(int startMinute, double[] scores, int[] labels) {
        AccuracyWindow window = null;
        for (int i = 0; i < scores.length; i++) {
            LabeledExample e =
                    example(
                            "o-" + startMinute + "-" + i,
                            UseCase.FRAUD,
                            FRAUD_MODEL,
                            "3",
                            minutes(startMinute + 1),
                            minutes(startMinute + 11),
                            scores[i],
                            scores[i],
                            labels[i],
                            fraudFeatures(1, 0, 1));
            if (window == null) {
                window =
                        new AccuracyWindow(
                                e,
                                minutes(startMinute).toEpochMilli(),
                                minutes(startMinute + 5).toEpochMilli());
            }
            Outcome o = new Outcome();
            o.example = e;
            o.labelled = true;
            window.add(o, THRESHOLDS);
        }
        return window;
    }

    private static Object value(Map<String, Metric> metrics, String name) {
        assertThat(metrics).containsKey(name);
        return ((Gauge<?>) metrics.get(name)).getValue();
    }

    /** Records gauges by path: plain groups as {@code name.}, key-value groups {@code k=v.}. */
    private static final class Recording extends UnregisteredMetricsGroup {
        private final String path;
        private final Map<String, Metric> metrics;

        Recording(String path, Map<String, Metric> metrics) {
            this.path = path;
            this.metrics = metrics;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            metrics.put(path + name, gauge);
            return gauge;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new Recording(path + name + ".", metrics);
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new Recording(path + key + "=" + value + ".", metrics);
        }
    }
}
