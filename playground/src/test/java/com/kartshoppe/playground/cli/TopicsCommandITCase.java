package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.config.ClusterTopics;
import com.kartshoppe.events.config.ClusterTopics.Planned;
import com.kartshoppe.events.config.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link TopicsCommand}: {@code kartshoppe topics create} against the embedded broker,
 * run twice, and what the broker then describes.
 */
class TopicsCommandITCase {

    @TempDir Path dir;

    private EmbeddedKafka kafka;
    private Admin admin;

    @BeforeEach
    void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        admin = Admin.create(props);
    }

    @AfterEach
    void stopBroker() {
        admin.close();
        kafka.close();
    }

    @Test
    void createsEveryTopicOfTheLayoutOnceWithItsPartitionsCompactionAndRetention()
            throws Exception {
        CliRunner first =
                CliRunner.run("topics", "create", "--bootstrap", kafka.bootstrapServers());
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRunner second =
                CliRunner.run("topics", "create", "--bootstrap", kafka.bootstrapServers());
        assertThat(second.exitCode()).as(second.err()).isZero();

        Configuration defaults = new Configuration();
        for (ConfigOption<String> option : Topics.ALL) {
            String topic = defaults.get(option);
            assertThat(first.out()).containsPattern("\\| +" + topic + " \\|.*\\| +created \\|");
            assertThat(second.out()).containsPattern("\\| +" + topic + " \\|.*\\| +exists \\|");
        }
        Map<String, Planned> plan =
                ClusterTopics.plan(defaults).stream()
                        .collect(Collectors.toMap(Planned::name, p -> p));
        Map<String, TopicDescription> described = describe(plan.keySet().stream().toList());
        assertThat(described).hasSize(Topics.ALL.size());
        for (ConfigOption<String> option : Topics.ALL) {
            String topic = defaults.get(option);
            Config config = config(topic);
            assertThat(described.get(topic).partitions())
                    .as(topic)
                    .hasSize(plan.get(topic).partitions());
            boolean compacted = Topics.COMPACTED.contains(option);
            assertThat(config.get("cleanup.policy").value())
                    .as(topic)
                    .isEqualTo(compacted ? "compact" : "delete");
            if (!compacted) {
                assertThat(config.get("retention.ms").value())
                        .as(topic)
                        .isEqualTo(plan.get(topic).configs().get("retention.ms"));
            }
        }
        // features.user must be compacted; labels wait for weeks-late chargebacks
        assertThat(config("features.user").get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config("fraud.labels").get("retention.ms").value())
                .isEqualTo(Long.toString(Duration.ofDays(90).toMillis()));
        assertThat(config("shop.clicks").get("retention.ms").value())
                .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
    }

    @Test
    void anExistingTopicThatDiffersIsReportedAndAlignedOnlyWhenAsked() throws Exception {
        admin.createTopics(
                        List.of(
                                new NewTopic("features.user", 2, (short) 1)
                                        .configs(Map.of("cleanup.policy", "delete"))))
                .all()
                .get(30, TimeUnit.SECONDS);

        CliRunner report =
                CliRunner.run("topics", "create", "--bootstrap", kafka.bootstrapServers());
        assertThat(report.exitCode()).isEqualTo(TopicsCommand.Create.DIFFERS);
        assertThat(report.out())
                .contains(
                        "differs: partitions 2, planned 4; cleanup.policy delete, planned compact");
        assertThat(config("features.user").get("cleanup.policy").value()).isEqualTo("delete");

        CliRunner aligned =
                CliRunner.run(
                        "topics",
                        "create",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--alter-configs");
        assertThat(aligned.exitCode()).as(aligned.err()).isZero();
        assertThat(aligned.out()).contains("altered: partitions 2, planned 4;");
        assertThat(config("features.user").get("cleanup.policy").value()).isEqualTo("compact");
        // partitions are never changed: that would move keys
        assertThat(describe(List.of("features.user")).get("features.user").partitions()).hasSize(2);
    }

    @Test
    void readsTheJobsConnectionSettingsAndTopicNamesFromItsPropertiesFile() throws Exception {
        Path properties = dir.resolve("fraud.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.security-protocol=PLAINTEXT",
                        "kafka.properties.client.id=kartshoppe-topics",
                        "topics.dlq=prod.dlq.events",
                        "models.dir=/mnt/models",
                        ""));
        CliRunner run = CliRunner.run("topics", "create", "--config", properties.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                .contains("prod.dlq.events")
                .doesNotContain("dlq.events");

        Files.writeString(
                properties,
                "kafka.bootstrap-servers="
                        + kafka.bootstrapServers()
                        + "\n"
                        + "kafka.security-protocol=SASL_PLAIN\n");
        CliRunner bad = CliRunner.run("topics", "create", "--config", properties.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("kafka.security-protocol");
    }

    private Map<String, TopicDescription> describe(List<String> topics) throws Exception {
        return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    }

    private Config config(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource);
    }
}
