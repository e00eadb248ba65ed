package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.quality.EventValidator;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link SqlCommand}. */
class SqlCommandITCase {

    @TempDir static Path dir;

    private static Path events;

    /** Order events that decode, pass validation and are first copies: the orders table. */
    private static long validOrders;

    private static long validPlacedOrders;

    /** Shop records that do not decode or fail validation. */
    private static long rejected;

    @BeforeAll
    static void simulate() throws Exception {
        events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(29)
                                    .users(150)
                                    .duration(Duration.ofMinutes(30))
                                    .malformedRate(0.02)
                                    .build())
                    .run(sink);
        }
        // Counted independently of Flink: the validator the command's tables use, on the
        // system clock as the command's, which is after the simulation's fixed dates.
        EventValidator validator = ShopEvents.validator(new Configuration(), Clock.systemUTC());
        Set<String> seen = new HashSet<>();
        for (EventType<?> type : EventType.SHOP_INPUTS) {
            JsonCodec<?> codec = JsonCodec.of(type);
            for (String line : Files.readAllLines(JsonCodec.file(events, type))) {
                SpecificRecordBase r;
                try {
                    r = codec.fromJson(line);
                } catch (DecodeException e) {
                    rejected++;
                    continue;
                }
                if (validator.check(r) != null) {
                    rejected++;
                } else if (seen.add((String) r.get("eventId")) && r instanceof OrderEvent o) {
                    validOrders++;
                    validPlacedOrders += o.getStatus() == OrderStatus.PLACED ? 1 : 0;
                }
            }
        }
    }

    @Test
    void countsTheOrdersThatPassValidation() {
        CliRunner run =
                CliRunner.run(
                        "sql",
                        "--events",
                        "jsonl:" + events,
                        "--execute",
                        "SELECT COUNT(*) FROM orders");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(6).endsWith("1 row in set");
        assertThat(lines.get(1).replace(" ", "")).isEqualTo("|EXPR$0|");
        assertThat(Long.parseLong(lines.get(3).replaceAll("[| ]", "")))
                .isEqualTo(validOrders)
                .isGreaterThan(validPlacedOrders);
        assertThat(rejected).as("the simulation has bad records").isPositive();
        assertThat(run.err())
                .isEqualTo(
                        rejected
                                + " input records were rejected (dead letters); --out jsonl:DIR"
                                + " keeps them"
                                + System.lineSeparator());
    }

    @Test
    void runsAFileOfStatementsAndWritesTheRowsAndDeadLetters() throws Exception {
        Path sql = dir.resolve("placed.sql");
        Files.writeString(
                sql,
                "-- placed orders; a ';' in a comment or 'a literal;' does not end a statement\n"
                        + "CREATE TEMPORARY VIEW placed AS\n"
                        + "  SELECT * FROM orders WHERE status = 'PLACED' AND eventId <> 'x;y';\n"
                        + "SELECT COUNT(*) AS placed, COUNT(DISTINCT userId) AS buyers"
                        + " FROM placed;\n");
        Path out = dir.resolve("out");

        CliRunner run =
                CliRunner.run(
                        "sql",
                        "--events",
                        "jsonl:" + events,
                        "--file",
                        sql.toString(),
                        "--out",
                        "jsonl:" + out,
                        "--parallelism",
                        "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> rows = Files.readAllLines(out.resolve("result.jsonl"));
        assertThat(rows).hasSize(1);
        JsonNode row = new ObjectMapper().readTree(rows.get(0));
        assertThat(row.get("placed").asLong()).isEqualTo(validPlacedOrders);
        assertThat(row.get("buyers").asLong()).isPositive().isLessThanOrEqualTo(validPlacedOrders);
        List<DeadLetter> dead =
                JsonCodec.of(EventType.DEAD_LETTER)
                        .readFile(JsonCodec.file(out, EventType.DEAD_LETTER));
        assertThat(dead)
                .hasSize((int) rejected)
                .allSatisfy(d -> assertThat(d.getJob()).isEqualTo("sql"));
        assertThat(run.out()).startsWith("Wrote 1 rows to ");
    }

    @Test
    void aBadQueryFailsWithFlinksMessageInOneLine() {
        CliRunner run =
                CliRunner.run(
                        "sql",
                        "--events",
                        "jsonl:" + events,
                        "--execute",
                        "SELECT COUNT(*) FROM ordrs");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo(
                        "kartshoppe sql: From line 1, column 22 to line 1, column 26: Object"
                                + " 'ordrs' not found (--verbose shows the stack trace)"
                                + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRunner neither = CliRunner.run("sql", "--events", "jsonl:" + events);
        CliRunner both =
                CliRunner.run(
                        "sql", "--events", "jsonl:" + events, "-e", "SELECT 1", "-f", "x.sql");
        CliRunner unbounded =
                CliRunner.run(
                        "sql",
                        "--bootstrap",
                        "localhost:9092",
                        "-e",
                        "SELECT 1",
                        "--out",
                        "jsonl:" + dir.resolve("x"));
        CliRunner setting =
                CliRunner.run(
                        "sql", "--events", "jsonl:" + events, "-e", "SELECT 1", "-D", "no.such=1");

        assertThat(List.of(neither, both, unbounded, setting))
                .allSatisfy(
                        r -> {
                            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
                            assertThat(r.err().lines()).hasSize(1);
                        });
        assertThat(unbounded.err()).contains("--out needs a bounded query");
        assertThat(setting.err()).contains("Unknown setting 'no.such'");
    }
}
