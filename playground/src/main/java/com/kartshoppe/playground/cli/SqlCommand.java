package com.kartshoppe.playground.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.NewestSnapshots;
import com.kartshoppe.features.sql.FinalRows;
import com.kartshoppe.features.sql.ShopTables;
import com.kartshoppe.features.sql.SqlFeatureSets;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.KafkaSinks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe sql}: Flink SQL over the shop's topics or over a simulation's files. */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs Flink SQL over the shop's topics (Kafka) or over recorded events (`kartshoppe"
                    + " simulate --out jsonl:DIR`) on a local Flink environment.",
            "Tables: clicks, orders, payments, logins, fraud_labels, decisions, recommendations,"
                    + " predictions; their columns are the Avro fields (userId, eventTime, ...),"
                    + " eventTime is the rowtime, with watermarks. Shop events are validated,"
                    + " normalised and deduplicated as the jobs do; rejected records are dead"
                    + " letters. Over files, a table is declared only if its file exists.",
            "A bounded query (files, or Kafka with --bounded) prints its final rows as a table;"
                    + " on live Kafka it prints the changelog as it comes, until interrupted.",
            "The last statement is the query; statements before it (CREATE VIEW ..., SET ...)"
                    + " are run first."
        })
final class SqlCommand implements Callable<Integer> {

    /** The consumer group of Kafka input; it commits no offsets. */
    static final String GROUP_ID = "kartshoppe-sql";

    @Spec CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Statements statements;

    static final class Statements {
        @Option(
                names = {"-e", "--execute"},
                paramLabel = "SQL",
                description = "SQL to run: statements separated by ';', the last one the query")
        String sql;

        @Option(
                names = {"-f", "--file"},
                paramLabel = "FILE",
                description =
                        "A file of SQL statements, e.g. feature-ops/src/main/resources/sql/*.sql")
        Path file;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(
                names = "--events",
                converter = Output.Converter.class,
                paramLabel = "jsonl:DIR",
                description = "Recorded events: DIR/<topic>.jsonl")
        Output events;

        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers: read the topics from their start")
        String bootstrap;
    }

    @Option(
            names = "--bounded",
            description =
                    "With --bootstrap: stop at the offsets that are the latest when the query"
                            + " starts, and print the final rows")
    boolean bounded;

    @Option(
            names = "--out",
            converter = Output.Converter.class,
            paramLabel = "jsonl:DIR|kafka:HOST:PORT",
            description =
                    "jsonl:DIR (bounded queries): write the rows to DIR/result.jsonl and the dead"
                            + " letters to DIR/dlq.events.jsonl instead of printing the table."
                            + " kafka:HOST:PORT (with --feature-set): write the snapshots to the"
                            + " features topic and the dead letters to dlq.events")
    Output out;

    @Option(
            names = "--feature-set",
            converter = FeatureSetConverter.class,
            paramLabel = "NAME",
            description =
                    "The query defines this catalogue feature set (columns entityId, eventTime"
                            + " and one per feature): its rows go to the features topic with"
                            + " --out kafka:HOST:PORT, where the feature store serves them, or to"
                            + " DIR/features.user.jsonl with --out jsonl:DIR")
    FeatureSet featureSet;

    @Option(names = "--parallelism", description = "Flink parallelism [${DEFAULT-VALUE}]")
    int parallelism = 2;

    @Option(
            names = {"-D", "--set"},
            description =
                    "A setting key=value: topic names (topics.*), watermark.*, event-time.*,"
                            + " ingest.*, features.*, kafka.delivery-guarantee (at-least-once"
                            + " here), Kafka client properties (kafka.properties.*)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        // Usage errors first, then the files, then the work.
        if (source.events != null && source.events.kind() != Output.Kind.JSONL) {
            throw new ParameterException(spec.commandLine(), "--events takes jsonl:DIR");
        }
        if (out != null && out.kind() != Output.Kind.JSONL && featureSet == null) {
            throw new ParameterException(
                    spec.commandLine(), "--out takes jsonl:DIR (kafka: only with --feature-set)");
        }
        if (featureSet != null && out == null) {
            throw new ParameterException(
                    spec.commandLine(), "--feature-set needs --out kafka:HOST:PORT or jsonl:DIR");
        }
        boolean files = source.events != null;
        if (bounded && files) {
            throw new ParameterException(
                    spec.commandLine(), "--bounded goes with --bootstrap; files always end");
        }
        if (out != null && out.kind() == Output.Kind.JSONL && !files && !bounded) {
            throw new ParameterException(
                    spec.commandLine(), "--out needs a bounded query: --events, or --bounded");
        }
        Configuration conf = settings();
        String script =
                statements.sql != null
                        ? statements.sql
                        : Files.readString(InputPaths.file(statements.file, "--file"));
        List<String> sql = SqlScript.statements(script);
        if (sql.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "No SQL statement to run");
        }
        String last = sql.get(sql.size() - 1);
        if (featureSet != null && !isQuery(last)) {
            throw new ParameterException(
                    spec.commandLine(), "--feature-set needs a query as the last statement");
        }
        Input input;
        Map<String, EventType<?>> tables;
        if (files) {
            Path dir = InputPaths.directory(source.events.dir(), "--events");
            input = Input.jsonl(dir.toString());
            tables = new LinkedHashMap<>();
            for (Map.Entry<String, EventType<?>> t : ShopTables.ALL.entrySet()) {
                if (Files.isRegularFile(JsonCodec.file(dir, conf.get(t.getValue().topic())))) {
                    tables.put(t.getKey(), t.getValue());
                }
            }
            if (tables.isEmpty()) {
                throw new IOException(dir + ": no <topic>.jsonl file of any table (--events)");
            }
        } else {
            input = Input.kafka(KafkaSettings.from(conf), GROUP_ID, bounded);
            tables = ShopTables.ALL;
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tEnv = ShopTables.tableEnvironment(env);
        ShopTables shop = ShopTables.register(tEnv, env, input, conf, "sql", tables);
        for (String statement : sql.subList(0, sql.size() - 1)) {
            tEnv.executeSql(statement).await();
        }
        PrintWriter w = spec.commandLine().getOut();
        if (!isQuery(last)) {
            TableResult result = tEnv.executeSql(last);
            result.await();
            if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                result.print();
            } else {
                w.println("OK");
            }
        } else if (featureSet != null) {
            featureSnapshots(env, tEnv, shop, tEnv.sqlQuery(last), conf, w);
        } else if (files || bounded) {
            finalRows(tEnv, shop, tEnv.sqlQuery(last), w);
        } else {
            // Live: the changelog as it comes, in Flink's own layout, until interrupted.
            tEnv.sqlQuery(last).execute().print();
        }
        w.flush();
        return 0;
    }

    /** Runs a bounded query and its dead letters in one job; prints or writes the final rows. */
    private void finalRows(StreamTableEnvironment tEnv, ShopTables shop, Table query, PrintWriter w)
            throws Exception {
        List<String> columns = query.getResolvedSchema().getColumnNames();
        List<Row> changes = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        collect(tEnv.toChangelogStream(query), shop.deadLetters(), "kartshoppe sql", changes, dead);
        List<Row> rows = FinalRows.of(changes.iterator());
        if (out == null) {
            TablePrinter.print(columns, rows, w);
            if (!dead.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                "%d input records were rejected (dead letters); --out jsonl:DIR"
                                        + " keeps them%n",
                                dead.size());
            }
            return;
        }
        Files.createDirectories(out.dir());
        Path result = out.dir().resolve("result.jsonl");
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter file = Files.newBufferedWriter(result, StandardCharsets.UTF_8)) {
            for (Row row : rows) {
                Map<String, Object> object = new LinkedHashMap<>();
                for (int c = 0; c < columns.size(); c++) {
                    object.put(columns.get(c), jsonValue(row.getField(c)));
                }
                file.write(json.writeValueAsString(object));
                file.newLine();
            }
        }
        JsonCodec.of(EventType.DEAD_LETTER)
                .writeFile(JsonCodec.file(out.dir(), EventType.DEAD_LETTER), dead);
        w.printf(
                "Wrote %d rows to %s and %d dead letters to %s%n",
                rows.size(), result, dead.size(), JsonCodec.file(out.dir(), EventType.DEAD_LETTER));
    }

    /**
     * Runs a feature set's query: its snapshots (the newest per key only) and the dead letters to
     * Kafka, or collected into JSON-lines files.
     */
    private void featureSnapshots(
            StreamExecutionEnvironment env,
            StreamTableEnvironment tEnv,
            ShopTables shop,
            Table query,
            Configuration conf,
            PrintWriter w)
            throws Exception {
        DataStream<FeatureSnapshot> snapshots =
                NewestSnapshots.newestOnly(SqlFeatureSets.snapshots(tEnv, query, featureSet), conf);
        if (out.kind() == Output.Kind.KAFKA) {
            Configuration kafka = new Configuration(conf);
            kafka.set(KafkaOptions.BOOTSTRAP_SERVERS, out.target());
            String prefix = GROUP_ID + "-" + featureSet.name();
            KafkaSinks.write(snapshots, kafka, EventType.FEATURE_SNAPSHOT, prefix, "sql-features");
            KafkaSinks.write(shop.deadLetters(), kafka, EventType.DEAD_LETTER, prefix, "sql-dlq");
            env.execute("kartshoppe sql " + featureSet.name());
            w.printf(
                    "Wrote the %s snapshots to %s at %s%n",
                    featureSet.name(), conf.get(Topics.FEATURES_USER), out.target());
            return;
        }
        List<FeatureSnapshot> written = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        collect(
                snapshots,
                shop.deadLetters(),
                "kartshoppe sql " + featureSet.name(),
                written,
                dead);
        Files.createDirectories(out.dir());
        JsonCodec.of(EventType.FEATURE_SNAPSHOT)
                .writeFile(JsonCodec.file(out.dir(), EventType.FEATURE_SNAPSHOT), written);
        JsonCodec.of(EventType.DEAD_LETTER)
                .writeFile(JsonCodec.file(out.dir(), EventType.DEAD_LETTER), dead);
        w.printf(
                "Wrote %d %s snapshots to %s and %d dead letters to %s%n",
                written.size(),
                featureSet.name(),
                JsonCodec.file(out.dir(), EventType.FEATURE_SNAPSHOT),
                dead.size(),
                JsonCodec.file(out.dir(), EventType.DEAD_LETTER));
    }

    /**
     * Runs the job and collects both streams through one collect sink ({@code executeAndCollect}):
     * with a collect sink each, a job on its own local cluster can end before the client has
     * fetched what is left in them (the backtests' experience, {@code CollectedOutputs}).
     */
    private static <T> void collect(
            DataStream<T> results,
            DataStream<DeadLetter> deadLetters,
            String job,
            List<T> into,
            List<DeadLetter> deadInto)
            throws Exception {
        TypeInformation<Either<T, DeadLetter>> type =
                new EitherTypeInfo<>(results.getType(), new AvroTypeInfo<>(DeadLetter.class));
        DataStream<Either<T, DeadLetter>> both =
                results.map(r -> Either.<T, DeadLetter>Left(r), type)
                        // Forward from each producer: a changelog keeps its order per key.
                        .setParallelism(results.getParallelism())
                        .name("results")
                        .union(
                                deadLetters
                                        .map(d -> Either.<T, DeadLetter>Right(d), type)
                                        .name("dead letters"));
        try (CloseableIterator<Either<T, DeadLetter>> all = both.executeAndCollect(job)) {
            while (all.hasNext()) {
                Either<T, DeadLetter> next = all.next();
                if (next.isLeft()) {
                    into.add(next.left());
                } else {
                    deadInto.add(next.right());
                }
            }
        }
    }

    /** A value as JSON: timestamps as ISO-8601 UTC instants, arrays and rows as lists. */
    static Object jsonValue(Object value) {
        if (value instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC).toString();
        }
        if (value instanceof Instant t) {
            return t.toString();
        }
        if (value instanceof Object[] array) {
            List<Object> items = new ArrayList<>();
            for (Object item : array) {
                items.add(jsonValue(item));
            }
            return items;
        }
        if (value instanceof Row row) {
            List<Object> fields = new ArrayList<>();
            for (int i = 0; i < row.getArity(); i++) {
                fields.add(jsonValue(row.getField(i)));
            }
            return fields;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> object = new LinkedHashMap<>();
            map.forEach((k, v) -> object.put(String.valueOf(k), jsonValue(v)));
            return object;
        }
        return value;
    }

    /** A SELECT, WITH or VALUES query: what prints rows, as opposed to DDL, SET or INSERT. */
    static boolean isQuery(String statement) {
        String s = statement.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
        String first =
                s.strip()
                        .replaceFirst("^[(\\s]+", "")
                        .split("[\\s(]+", 2)[0]
                        .toUpperCase(Locale.ROOT);
        return first.equals("SELECT") || first.equals("WITH") || first.equals("VALUES");
    }

    /** The settings; refuses an unknown or invalid one. */
    private Configuration settings() {
        Configuration conf;
        try {
            conf =
                    Settings.validate(
                            Configuration.fromMap(settings),
                            JobDescription.options(FeatureOptions.ALL),
                            Settings.JOB_PREFIXES);
            if (source.bootstrap != null) {
                conf.set(KafkaOptions.BOOTSTRAP_SERVERS, source.bootstrap);
                KafkaSettings.from(conf);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
        }
        // Exactly-once needs checkpoints, which a command-line query has not: its sinks are
        // at-least-once unless -D kafka.delivery-guarantee (and a checkpoint interval) say so.
        if (!settings.containsKey(KafkaSinks.DELIVERY_GUARANTEE.key())) {
            conf.set(KafkaSinks.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
        }
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        return conf;
    }
}
