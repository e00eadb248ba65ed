package com.kartshoppe.embeddedkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.config.TopicLayout;
import com.kartshoppe.events.config.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link EmbeddedKafka}. */
class EmbeddedKafkaTest {

    @TempDir Path tmp;

    @Test
    void transactionalWritesAreReadCommittedAndAbortedOnesAreNot() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());

            try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "tx-1")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("shop.clicks", "u-1", "committed-1"));
                producer.send(new ProducerRecord<>("shop.clicks", "u-2", "committed-2"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("shop.clicks", "u-3", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("shop.clicks", "u-4", "committed-3"));
                producer.commitTransaction();
            }

            assertThat(readCommitted(kafka, "shop.clicks", 3))
                    .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
        }
    }

    @Test
    void projectTopicsGetTheirLayout() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                Admin admin = admin(kafka)) {
            Configuration conf = new Configuration();
            conf.setString("topics.clicks", "custom.clicks");

            List<String> created = kafka.createProjectTopics(conf);
            List<String> again = kafka.createProjectTopics(conf);

            assertThat(created)
                    .hasSize(Topics.ALL.size())
                    .contains("custom.clicks", "fraud.rules")
                    .doesNotContain("shop.clicks");
            assertThat(again).isEmpty();
            Map<String, TopicDescription> topics =
                    admin.describeTopics(List.of("custom.clicks", "ml.model-params", "fraud.rules"))
                            .allTopicNames()
                            .get();
            assertThat(topics.get("custom.clicks").partitions()).hasSize(4);
            assertThat(topics.get("ml.model-params").partitions()).hasSize(1);
            assertThat(topics.get("fraud.rules").partitions()).hasSize(1);
            for (String compacted : List.of("features.user", "fraud.rules")) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
                assertThat(
                                admin.describeConfigs(List.of(topic))
                                        .all()
                                        .get()
                                        .get(topic)
                                        .get("cleanup.policy")
                                        .value())
                        .as(compacted)
                        .isEqualTo("compact");
            }
        }
    }

    @Test
    void everyPartitionTakesWritesWithoutRetryAsSoonAsItsTopicIsCreated() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Properties props = kafka.settings().clientProperties();
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            List<NewTopic> topics = TopicLayout.topics(new Configuration());
            int sent = 0;
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                kafka.createTopics(topics);
                for (NewTopic topic : topics) {
                    for (int partition = 0; partition < topic.numPartitions(); partition++) {
                        producer.send(new ProducerRecord<>(topic.name(), partition, "k", "v"));
                        sent++;
                    }
                }
                producer.flush();
                // a partition not yet led by the broker answers NOT_LEADER_OR_FOLLOWER: a retry
                assertThat(metric(producer, "record-retry-total")).isZero();
                assertThat(metric(producer, "record-error-total")).isZero();
                assertThat(metric(producer, "record-send-total")).isEqualTo(sent);
            }
        }
    }

    private static double metric(KafkaProducer<?, ?> producer, String name) {
        return producer.metrics().entrySet().stream()
                .filter(
                        e ->
                                e.getKey().name().equals(name)
                                        && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aPersistentDirectorySurvivesARestart() throws Exception {
        Path dir = tmp.resolve("kafka");
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start()) {
            kafka.createProjectTopics(new Configuration());
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "tx-2")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("shop.orders", "u-1", "kept"));
                producer.commitTransaction();
            }
            clusterId = clusterId(kafka);
        }
        assertThat(dir.resolve("meta.properties")).exists();

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start()) {
            assertThat(clusterId(kafka)).isEqualTo(clusterId);
            assertThat(kafka.createProjectTopics(new Configuration())).isEmpty();
            assertThat(readCommitted(kafka, "shop.orders", 1)).containsExactly("kept");
        }
        assertThat(dir).exists();
    }

    @Test
    void aFixedPortIsUsedAndReleasedOnClose() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path storage;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).build().start()) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            storage = kafka.dataDir();
            assertThat(storage).exists();
        }
        try (ServerSocket rebind = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(rebind.getLocalPort()).isEqualTo(port);
        }
        assertThat(Files.exists(storage)).as("temporary storage is deleted").isFalse();
    }

    @Test
    void aBusyPortFailsWithAClearMessage() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafka kafka = EmbeddedKafka.builder().port(taken.getLocalPort()).build();
            assertThatThrownBy(kafka::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Embedded Kafka failed to start");
        }
    }

    private static String clusterId(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            return admin.describeCluster().clusterId().get();
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return Admin.create(props);
    }

    private static KafkaProducer<String, String> transactionalProducer(
            EmbeddedKafka kafka, String transactionalId) {
        Properties props = kafka.settings().clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Reads until {@code expected} values arrived, then one more poll to catch extras. */
    private static List<String> readCommitted(EmbeddedKafka kafka, String topic, int expected) {
        Properties props = kafka.settings().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
        }
        return values;
    }
}
