package com.kartshoppe.features.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.Features;
import com.kartshoppe.features.analytics.CampaignConversion;
import com.kartshoppe.features.analytics.CampaignStats;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.join.ViewToPurchase;
import com.kartshoppe.features.join.ViewToPurchaseJoin;
import com.kartshoppe.features.quality.EventValidator;
import com.kartshoppe.features.session.SessionSummary;
import com.kartshoppe.features.session.Sessions;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link SqlFeatures}: each of the blog's SQL features, run over the {@link ShopTables}
 * of a small simulation on a MiniCluster (parallelism 2), gives the same answers as its DataStream
 * counterpart or a brute-force computation over the files. The simulation has the simulator's
 * default faults: duplicates, out-of-order and malformed records.
 */
class SqlFeaturesITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @TempDir static Path dir;

    /** The wall clock the inputs judge event times against: a day after the simulation. */
    static final Clock CLOCK =
            Clock.fixed(SimulatorConfig.DEFAULT_START.plus(Duration.ofDays(1)), ZoneOffset.UTC);

    private static final List<ViewToPurchase> joined = new ArrayList<>();
    private static final List<CampaignStats> campaigns = new ArrayList<>();
    private static final List<Object> late = new ArrayList<>();
    private static final Map<String, List<Row>> sqlRows = new HashMap<>();

    @BeforeAll
    static void runTheDataStreamAndTheSqlFeaturesOverASimulation() throws Exception {
        try (JsonLinesSink sink = new JsonLinesSink(dir)) {
            new Simulation(
                            SimulatorConfig.builder()
                                    .seed(29)
                                    .users(80)
                                    .duration(Duration.ofMinutes(60))
                                    .build())
                    .run(sink);
        }
        StreamExecutionEnvironment env = FlinkTestSupport.env();
        Configuration conf = new Configuration();
        KeyedStream<ShopEvent, String> byShopper =
                ShopEvents.read(env, Input.jsonl(dir.toString(), CLOCK), conf, "it")
                        .deduplicatedByShopper();
        SingleOutputStreamOperator<ViewToPurchase> views = Features.viewToPurchase(byShopper);
        SingleOutputStreamOperator<SessionSummary> sessions = Sessions.summarize(byShopper, conf);
        SingleOutputStreamOperator<CampaignStats> stats =
                CampaignConversion.compute(sessions, conf);
        CloseableIterator<ViewToPurchase> v = views.collectAsync();
        CloseableIterator<CampaignStats> c = stats.collectAsync();
        CloseableIterator<ShopEvent> lateViews =
                views.getSideOutput(ViewToPurchaseJoin.LATE).collectAsync();
        CloseableIterator<ShopEvent> lateSessions =
                sessions.getSideOutput(Sessions.LATE).collectAsync();
        env.execute("DataStream features");
        v.forEachRemaining(joined::add);
        c.forEachRemaining(campaigns::add);
        lateViews.forEachRemaining(late::add);
        lateSessions.forEachRemaining(late::add);
        sqlRows.putAll(runTheSqlFeatures());
    }

    @Test
    void viewToPurchaseEqualsTheDataStreamJoinRowForRow() throws Exception {
        List<Row> rows = sqlRows.get(SqlFeatures.VIEW_TO_PURCHASE);

        assertThat(late).as("nothing was late for the DataStream operators").isEmpty();
        List<String> sql = new ArrayList<>();
        for (Row r : rows) {
            LocalDateTime purchase = r.getFieldAs("purchaseTime");
            Double seconds = r.getFieldAs("secondsToPurchase");
            sql.add(
                    line(
                            r.getFieldAs("userId"),
                            r.getFieldAs("productId"),
                            millis(r.getFieldAs("viewTime")),
                            purchase == null ? -1 : millis(purchase),
                            seconds == null ? -1 : seconds));
        }
        List<String> dataStream = new ArrayList<>();
        for (ViewToPurchase j : joined) {
            dataStream.add(
                    line(j.userId, j.productId, j.viewTime, j.purchaseTime, j.secondsToPurchase()));
        }
        assertThat(sql).hasSizeGreaterThan(300).containsExactlyInAnyOrderElementsOf(dataStream);
        assertThat(joined.stream().filter(j -> j.converted).count())
                .as("some views converted")
                .isGreaterThan(20);
    }

    @Test
    void campaignConversionEqualsTheDataStreamAggregation() throws Exception {
        List<Row> rows = sqlRows.get(SqlFeatures.CAMPAIGN_CONVERSION);

        Map<String, String> sql = new TreeMap<>();
        for (Row r : rows) {
            String key = r.getFieldAs("campaignId") + "@" + millis(r.getFieldAs("windowStart"));
            assertThat(millis(r.getFieldAs("windowEnd")) - millis(r.getFieldAs("windowStart")))
                    .isEqualTo(Duration.ofHours(1).toMillis());
            String previous =
                    sql.put(
                            key,
                            stats(
                                    r.<Long>getFieldAs("sessions"),
                                    r.<Integer>getFieldAs("conversions"),
                                    r.<Double>getFieldAs("conversionRate"),
                                    r.<Double>getFieldAs("avgSessionSeconds")));
            assertThat(previous).as("one row per campaign and window").isNull();
        }
        Map<String, String> dataStream = new TreeMap<>();
        for (CampaignStats s : campaigns) {
            // The second stage emits a window's totals once, and again only after a late update.
            dataStream.put(
                    s.campaignId + "@" + s.windowStart,
                    stats(
                            s.sessions,
                            s.conversions,
                            s.conversionRate(),
                            s.averageSessionSeconds()));
        }
        assertThat(dataStream).hasSizeGreaterThan(5);
        assertThat(sql).isEqualTo(dataStream);
    }

    @Test
    void sessionDurationEqualsABruteForceComputationOverTheFiles() throws Exception {
        List<Row> rows = sqlRows.get(SqlFeatures.SESSION_DURATION);

        // Valid, first copies only, as ingestion passes them: [first, last] per (user, session).
        EventValidator validator = ShopEvents.validator(new Configuration(), CLOCK);
        Set<String> seen = new HashSet<>();
        Map<String, long[]> spans = new HashMap<>();
        for (SpecificRecordBase r : records(EventType.CLICK)) {
            ClickEvent c = (ClickEvent) r;
            if (validator.check(c) == null && seen.add(c.getEventId())) {
                span(spans, c.getUserId(), c.getSessionId(), c.getEventTime().toEpochMilli());
            }
        }
        for (SpecificRecordBase r : records(EventType.ORDER)) {
            OrderEvent o = (OrderEvent) r;
            if (validator.check(o) == null
                    && seen.add(o.getEventId())
                    && o.getStatus() == OrderStatus.PLACED
                    && o.getSessionId() != null) {
                span(spans, o.getUserId(), o.getSessionId(), o.getEventTime().toEpochMilli());
            }
        }
        Map<String, double[]> byUser = new TreeMap<>();
        spans.forEach(
                (key, s) -> {
                    double[] sum =
                            byUser.computeIfAbsent(
                                    key.substring(0, key.indexOf('|')), u -> new double[2]);
                    sum[0]++;
                    sum[1] += (s[1] - s[0]) / 1000.0;
                });

        Map<String, double[]> sql = new TreeMap<>();
        for (Row r : rows) {
            sql.put(
                    r.getFieldAs("entityId"),
                    new double[] {
                        r.<Double>getFieldAs("sessions"), r.<Double>getFieldAs("avg_session_sec")
                    });
        }
        assertThat(sql.keySet()).hasSizeGreaterThan(30).isEqualTo(byUser.keySet());
        byUser.forEach(
                (user, sum) -> {
                    assertThat(sql.get(user)[0]).as("sessions of %s", user).isEqualTo(sum[0]);
                    assertThat(sql.get(user)[1])
                            .as("mean duration of %s", user)
                            .isCloseTo(sum[1] / sum[0], within(1e-9));
                });
    }

    /** The final rows of every SQL feature over the simulation's tables, in one job. */
    private static Map<String, List<Row>> runTheSqlFeatures() throws Exception {
        StreamExecutionEnvironment env = FlinkTestSupport.env();
        StreamTableEnvironment tEnv = ShopTables.tableEnvironment(env);
        ShopTables.register(
                tEnv,
                env,
                Input.jsonl(dir.toString(), CLOCK),
                new Configuration(),
                "it",
                Map.of("clicks", EventType.CLICK, "orders", EventType.ORDER));
        Map<String, CloseableIterator<Row>> changes = new HashMap<>();
        for (String feature : SqlFeatures.ALL) {
            changes.put(
                    feature,
                    tEnv.toChangelogStream(tEnv.sqlQuery(SqlFeatures.query(feature)))
                            .collectAsync());
        }
        env.execute("SQL features");
        Map<String, List<Row>> rows = new HashMap<>();
        changes.forEach((feature, changelog) -> rows.put(feature, FinalRows.of(changelog)));
        return rows;
    }

    private static void span(Map<String, long[]> spans, String user, String session, long t) {
        long[] s = spans.computeIfAbsent(user + "|" + session, k -> new long[] {t, t});
        s[0] = Math.min(s[0], t);
        s[1] = Math.max(s[1], t);
    }

    private static List<SpecificRecordBase> records(EventType<?> type) throws Exception {
        JsonCodec<?> codec = JsonCodec.of(type);
        List<SpecificRecordBase> out = new ArrayList<>();
        for (String line : Files.readAllLines(JsonCodec.file(dir, type))) {
            try {
                out.add(codec.fromJson(line));
            } catch (DecodeException garbage) {
                // dead-lettered by ingestion
            }
        }
        return out;
    }

    private static long millis(LocalDateTime t) {
        return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static String line(
            String user, String product, long view, long purchase, double seconds) {
        return user + " " + product + " " + view + " " + purchase + " " + seconds;
    }

    private static String stats(long sessions, long conversions, double rate, double avg) {
        return sessions
                + " sessions, "
                + conversions
                + " conversions, rate "
                + Math.round(rate * 1e9)
                + "e-9, avg "
                + Math.round(avg * 1e6)
                + "e-6 s";
    }
}
