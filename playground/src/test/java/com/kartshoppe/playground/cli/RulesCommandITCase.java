package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.Decision;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudRuleSet;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.TopicReader;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.rules.RuleSetUpdates;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.KafkaEventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule sets on a running fraud job: {@code kartshoppe rules publish} to the embedded broker while
 * the job runs on a MiniCluster, and the next decisions follow the new set; a set the job finds
 * invalid lands in the dead-letter queue while the old one keeps deciding; {@code rules show} says
 * which one is in force.
 */
class RulesCommandITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;
    private static int orders;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createProjectTopics(new Configuration());
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void aPublishedRuleSetDecidesTheNextOrdersAndAnInvalidOneLeavesItInForce() throws Exception {
        Path models = dir.resolve("models");
        StarterModels.install(models);
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(KafkaSinks.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestSupport.PARALLELISM);
        FraudDetectionJob.DESCRIPTION.wireOnKafka(conf, env);
        JobClient job = env.executeAsync("fraud job under rule sets");
        try {
            FraudDecision first = decide("u-first", "d-stolen");
            assertThat(first.getRuleSetId()).isEqualTo("default");
            assertThat(first.getRuleSetVersion()).isZero();
            assertThat(first.getReasons()).doesNotContain("deny:device");

            Path v1 =
                    write(
                            "v1.json",
                            "{\"id\": \"default\", \"version\": 1, \"description\": \"stolen"
                                    + " device\", \"deny\": {\"devices\": [\"d-stolen\"]}}");
            CliRunner published = cli("rules", "publish", v1.toString());
            assertThat(published.exitCode()).as(published.err()).isZero();
            assertThat(published.out())
                    .startsWith(
                            "Published default v1: review >= 0.5, block >= 0.9, allow 0, deny 1")
                    .contains("to fraud.rules at " + kafka.bootstrapServers());

            // The set reaches the job some time after it is published; from the first decision
            // made under it on, every decision is.
            Instant deadline = Instant.now().plus(DEADLINE);
            FraudDecision probe = first;
            for (int i = 0; probe.getRuleSetVersion() == 0; i++) {
                assertThat(Instant.now()).as("version 1 never applied").isBefore(deadline);
                probe = decide("u-probe-" + i, "d-probe");
            }
            List<FraudDecision> next = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                next.add(decide("u-next-" + i, "d-stolen"));
                next.add(decide("u-other-" + i, "d-own-" + i));
            }
            assertThat(next).allSatisfy(d -> assertThat(d.getRuleSetVersion()).isEqualTo(1));
            assertThat(next)
                    .filteredOn(d -> d.getUserId().startsWith("u-next-"))
                    .hasSize(4)
                    .allSatisfy(
                            d -> {
                                assertThat(d.getDecision()).isEqualTo(Decision.BLOCK);
                                assertThat(d.getReasons()).last().isEqualTo("deny:device");
                            });
            assertThat(next)
                    .filteredOn(d -> d.getUserId().startsWith("u-other-"))
                    .hasSize(4)
                    .allSatisfy(d -> assertThat(d.getReasons()).doesNotContain("deny:device"));

            // `rules publish` refuses an invalid file; one published by another tool reaches
            // the job, which rejects it into the dead-letter queue and keeps version 1.
            String invalid =
                    "{\"id\": \"default\", \"version\": 2, \"thresholds\": {\"review\": 0.95}}";
            CliRunner refused = cli("rules", "publish", write("v2.json", invalid).toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err().lines()).hasSize(1);
            try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), new Configuration())) {
                sink.write(
                        EventType.FRAUD_RULES,
                        FraudRuleSet.newBuilder()
                                .setRuleSetId("default")
                                .setVersion(2)
                                .setDocument(invalid)
                                .setPublishedAt(Instant.now())
                                .build());
            }
            DeadLetter rejected =
                    await(
                                    EventType.DEAD_LETTER,
                                    Topics.DLQ.defaultValue(),
                                    all ->
                                            all.stream()
                                                    .anyMatch(
                                                            d ->
                                                                    d.getSourceTopic()
                                                                            .equals("fraud.rules")))
                            .stream()
                            .filter(d -> d.getSourceTopic().equals("fraud.rules"))
                            .findFirst()
                            .orElseThrow();
            assertThat(rejected.getReason()).isEqualTo(RuleSetUpdates.INVALID);
            assertThat(rejected.getDetail())
                    .isEqualTo(
                            "default v2: thresholds.review and thresholds.block must satisfy 0"
                                    + " <= review <= block <= 1, got 0.95 and 0.9");
            FraudDecision after = decide("u-after", "d-stolen");
            assertThat(after.getRuleSetVersion()).isEqualTo(1);
            assertThat(after.getDecision()).isEqualTo(Decision.BLOCK);

            CliRunner shown = cli("rules", "show");
            assertThat(shown.exitCode()).as(shown.err()).isZero();
            assertThat(shown.out())
                    .contains(
                            "Rejected default v2 (rules.invalid): thresholds.review and"
                                    + " thresholds.block must satisfy")
                    .contains(
                            "In force: default v1: review >= 0.5, block >= 0.9, allow 0, deny 1"
                                    + " (stolen device)")
                    .contains("\"devices\" : [ \"d-stolen\" ]");
        } finally {
            job.cancel().get();
        }
    }

    private static CliRunner cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", kafka.bootstrapServers()));
        return CliRunner.run(all.toArray(String[]::new));
    }

    private static Path write(String name, String document) throws Exception {
        return Files.writeString(dir.resolve(name), document);
    }

    /** Places an order by {@code user} from {@code device} now, and waits for its decision. */
    private static FraudDecision decide(String user, String device) throws Exception {
        String orderId = "o-" + (++orders);
        OrderEvent order =
                OrderEvent.newBuilder(SampleEvents.order())
                        .setEventId("e-" + orderId)
                        .setOrderId(orderId)
                        .setUserId(user)
                        .setDeviceId(device)
                        .setEventTime(Instant.now())
                        .build();
        try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), new Configuration())) {
            sink.write(EventType.ORDER, order);
        }
        Map<String, FraudDecision> byOrder =
                await(
                                EventType.FRAUD_DECISION,
                                Topics.FRAUD_DECISIONS.defaultValue(),
                                all -> all.stream().anyMatch(d -> d.getOrderId().equals(orderId)))
                        .stream()
                        .collect(Collectors.toMap(FraudDecision::getOrderId, d -> d, (a, b) -> a));
        return byOrder.get(orderId);
    }

    /** Reads {@code topic} until what it holds satisfies {@code done}, or fails at the deadline. */
    private static <T extends SpecificRecordBase> List<T> await(
            EventType<T> type, String topic, Predicate<List<T>> done) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (true) {
            List<T> all = TopicReader.readAll(kafka.bootstrapServers() + "/" + topic, type);
            if (done.test(all)) {
                return all;
            }
            assertThat(Instant.now()).as("%s never satisfied the wait", topic).isBefore(deadline);
            Thread.onSpinWait();
        }
    }
}
