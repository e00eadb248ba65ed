package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.quality.EventValidator;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link SqlCommand} on Kafka: the same simulation in files and on an embedded broker,
 * its tables read with {@code --bootstrap --bounded}, and a table of the user's own declared with
 * the {@code kartshoppe-avro} format over the Kafka SQL connector.
 */
class SqlCommandKafkaITCase {

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;

    /** Order records that decode, and those of them that pass validation, first copies only. */
    private static long decodableOrders;

    private static long validOrders;

    @BeforeAll
    static void simulateToFilesAndKafka() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createProjectTopics(new Configuration());
        SimulatorConfig config =
                SimulatorConfig.builder()
                        .seed(7)
                        .users(100)
                        .duration(Duration.ofMinutes(20))
                        .malformedRate(0.03)
                        .build();
        try (KafkaEventSink sink = new KafkaEventSink(kafka.settings(), new Configuration())) {
            new Simulation(config).run(sink);
        }
        // The same simulation (equal seeds give equal output) as files, to count from.
        Path files = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(files)) {
            new Simulation(config).run(sink);
        }
        EventValidator validator = ShopEvents.validator(new Configuration(), Clock.systemUTC());
        Set<String> seen = new HashSet<>();
        for (String line : Files.readAllLines(JsonCodec.file(files, EventType.ORDER))) {
            OrderEvent o;
            try {
                o = JsonCodec.of(EventType.ORDER).fromJson(line);
            } catch (DecodeException garbage) {
                continue;
            }
            decodableOrders++;
            if (validator.check(o) == null && seen.add(o.getEventId())) {
                validOrders++;
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void readsTheTablesAndATableDeclaredWithTheFormatUpToTheLatestOffsets() {
        String ddl =
                "CREATE TABLE raw_orders ("
                        + " eventId STRING, eventTime TIMESTAMP(3), amountMinor BIGINT,"
                        + " WATERMARK FOR eventTime AS eventTime - INTERVAL '5' SECOND"
                        + ") WITH ("
                        + " 'connector' = 'kafka', 'topic' = 'shop.orders',"
                        + " 'properties.bootstrap.servers' = '"
                        + kafka.bootstrapServers()
                        + "', 'scan.startup.mode' = 'earliest-offset',"
                        + " 'scan.bounded.mode' = 'latest-offset',"
                        + " 'format' = 'kartshoppe-avro', 'kartshoppe-avro.type' = 'OrderEvent');";
        CliRunner run =
                CliRunner.run(
                        "sql",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--bounded",
                        "--execute",
                        ddl
                                + " SELECT o.n AS orders, r.n AS records"
                                + " FROM (SELECT COUNT(*) AS n FROM orders) AS o"
                                + " CROSS JOIN (SELECT COUNT(*) AS n FROM raw_orders) AS r");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] row =
                run.out().lines().toList().get(3).replaceAll("[| ]+", " ").strip().split(" ");
        // The shop's table: valid records, each once. The format's: every record that decodes,
        // duplicates and invalid ones included; what does not decode is skipped.
        assertThat(Long.parseLong(row[0])).isEqualTo(validOrders).isPositive();
        assertThat(Long.parseLong(row[1])).isEqualTo(decodableOrders).isGreaterThan(validOrders);
    }
}
