package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.feedback.FeedbackJob;
import com.kartshoppe.feedback.FeedbackOptions;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for the jobs' metrics as Flink's Prometheus reporter exports them: the fraud job and the
 * feedback job run on the embedded broker, on a MiniCluster whose reporter listens on a free port,
 * and a scrape of {@code /metrics} over HTTP finds every series the Grafana dashboard ({@code
 * docs/grafana-dashboard.json}) plots, each with a value: throughput, scoring latency, consumer
 * lag, dead letters by reason, the model and adapter versions, and the accuracy figures.
 */
class PrometheusMetricsITCase {

    private static final int PORT = freePort();

    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana-dashboard.json");

    private static final Pattern SERIES = Pattern.compile("flink_[A-Za-z0-9_]+");

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2 * FlinkTestSupport.PARALLELISM)
                            .setConfiguration(withPrometheus(FlinkTestSupport.configuration()))
                            .build());

    @TempDir Path dir;

    /** The settings docs/deploy.md gives, with the test's port. */
    private static Configuration withPrometheus(Configuration conf) {
        conf.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", Integer.toString(PORT));
        conf.setString("metrics.reporter.prom.filterLabelValueCharacters", "false");
        return conf;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aScrapeFindsEverySeriesTheDashboardPlotsWithValues() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Configuration conf = FlinkTestSupport.configuration();
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            conf.set(KafkaSinks.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
            Path models = dir.resolve("models");
            StarterModels.install(models);
            conf.set(InferenceOptions.MODELS_DIR, models.toString());
            conf.set(FeedbackOptions.ACCURACY_WINDOW, Duration.ofMinutes(15));
            kafka.createProjectTopics(conf);
            // two hours of traffic, 1% of it malformed (dead letters), written before the jobs
            // start: they read it as a backlog, so the consumers lag at first
            try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), conf)) {
                new Simulation(
                                SimulatorConfig.builder()
                                        .seed(7)
                                        .users(600)
                                        .duration(Duration.ofHours(2))
                                        .malformedRate(0.01)
                                        .build())
                        .run(sink);
            }

            JobClient fraud = submit(conf, "it-prom-fraud", true);
            JobClient feedback = submit(conf, "it-prom-feedback", false);
            try {
                Map<String, DoublePredicate> wanted =
                        Map.of(
                                // throughput, per operator
                                OPERATOR + "numRecordsOutPerSecond", v -> v >= 0,
                                OPERATOR + "numRecordsOut", v -> v > 0,
                                // latency of each inference call
                                OPERATOR + "scoringLatencyMicros", v -> v > 0,
                                // consumer lag of the Kafka sources
                                OPERATOR + "pendingRecords", v -> v >= 0,
                                // dead letters, the reason a label
                                OPERATOR + "reason_deadLetters", v -> v > 0,
                                // the versions serving: the starter model is version 1
                                OPERATOR + "modelVersion", v -> v == 1,
                                OPERATOR + "adapterVersion", v -> v >= 0,
                                // accuracy of the feedback job's newest report
                                OPERATOR + "accuracy_model_score_auc", v -> v >= 0 && v <= 1,
                                OPERATOR + "accuracy_model_score_threshold_recall",
                                        v -> v >= 0 && v <= 1,
                                OPERATOR + "accuracy_model_score_threshold_precision",
                                        v -> v >= 0 && v <= 1);
                List<Sample> scraped = awaitSeries(wanted, Duration.ofMinutes(4));

                assertThat(labelsOf(scraped, OPERATOR + "reason_deadLetters"))
                        .anyMatch(l -> l.contains("reason=\"decode."));
                assertThat(labelsOf(scraped, OPERATOR + "accuracy_model_score_auc"))
                        .anyMatch(
                                l -> l.contains("model=\"fraud\"") && l.contains("score=\"base\""))
                        .anyMatch(l -> l.contains("score=\"adapted\""));
                assertThat(labelsOf(scraped, OPERATOR + "accuracy_model_score_threshold_recall"))
                        .anyMatch(l -> l.contains("threshold=\"0.5\""));
                assertThat(labelsOf(scraped, OPERATOR + "scoringLatencyMicros"))
                        .anyMatch(l -> l.contains("quantile=\"0.99\""));
                assertThat(labelsOf(scraped, OPERATOR + "modelVersion"))
                        .allMatch(l -> l.contains("job_name=\"it-prom-fraud\""));
                // every series the dashboard queries is one the reporter exports
                assertThat(dashboardSeries())
                        .hasSizeGreaterThanOrEqualTo(9)
                        .allSatisfy(
                                series ->
                                        assertThat(scraped)
                                                .as(series)
                                                .anyMatch(s -> s.name().equals(series)));
            } finally {
                fraud.cancel().get();
                feedback.cancel().get();
            }
        }
    }

    /** One line of the text format: a series' name, its labels and its value. */
    private record Sample(String name, String labels, double value) {}

    private static final Pattern LINE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

    /**
     * Scrapes until each wanted series has a sample whose value the predicate accepts, or fails at
     * the deadline naming those still missing.
     */
    private static List<Sample> awaitSeries(Map<String, DoublePredicate> wanted, Duration timeout)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> missing = List.copyOf(wanted.keySet());
        while (true) {
            HttpResponse<String> response = http.send(scrape, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            List<Sample> samples = parse(response.body());
            missing =
                    wanted.entrySet().stream()
                            .filter(
                                    w ->
                                            samples.stream()
                                                    .noneMatch(
                                                            s ->
                                                                    s.name().equals(w.getKey())
                                                                            && w.getValue()
                                                                                    .test(
                                                                                            s
                                                                                                    .value())))
                            .map(Map.Entry::getKey)
                            .sorted()
                            .toList();
            if (missing.isEmpty()) {
                return samples;
            }
            assertThat(System.nanoTime())
                    .as("series without a value after %s: %s", timeout, missing)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(500); // the interval between scrapes, up to the deadline
        }
    }

    private static List<Sample> parse(String body) {
        List<Sample> samples = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                samples.add(
                        new Sample(
                                m.group(1),
                                m.group(2) == null ? "" : m.group(2),
                                Double.parseDouble(m.group(3))));
            }
        }
        return samples;
    }

    /** The Flink series the dashboard's queries name. */
    private static Set<String> dashboardSeries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> series = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = SERIES.matcher(target.get("expr").asText());
                while (m.find()) {
                    series.add(m.group());
                }
            }
        }
        return series;
    }

    private static List<String> labelsOf(List<Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).map(Sample::labels).toList();
    }

    private static JobClient submit(Configuration conf, String group, boolean fraud)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        Input topics = Input.kafka(KafkaSettings.from(conf), group, false);
        if (fraud) {
            new FraudDetectionJob(conf, topics, topics).build(env).sinkToKafka(conf, group);
        } else {
            new FeedbackJob(conf, topics, topics).build(env).sinkToKafka(conf, group);
        }
        return env.executeAsync(group);
    }
}
