package com.kartshoppe.features.sql;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.jobkit.input.Input;
import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The shop's topics as Flink SQL tables: {@code clicks}, {@code orders}, {@code payments}, {@code
 * logins}, {@code fraud_labels}, {@code decisions}, {@code recommendations} and {@code
 * predictions}, read from Kafka or from JSON-lines files ({@link Input}).
 *
 * <p>The four shop inputs are ingested as the DataStream jobs ingest them ({@link ShopEvents}:
 * decoded, validated, normalised, deduplicated), the others decoded with a plausible event time
 * ({@link Input#records}); every record rejected on the way is in {@link #deadLetters()}. Columns
 * are the records' fields ({@link AvroRows}); {@code eventTime} is the rowtime attribute, with the
 * DataStream's watermarks ({@code SOURCE_WATERMARK()}: bounded out-of-orderness, {@code
 * event-time.*}).
 *
 * <pre>{@code
 * StreamTableEnvironment tEnv = ShopTables.tableEnvironment(env);
 * ShopTables tables = ShopTables.register(tEnv, env, Input.jsonl(dir), conf, "sql", ShopTables.ALL);
 * tEnv.executeSql("SELECT COUNT(*) FROM orders").print();
 * }</pre>
 */
public final class ShopTables {

    /** Every table, by name. */
    public static final Map<String, EventType<?>> ALL = tables();

    private final List<String> names;
    private final DataStream<DeadLetter> deadLetters;

    private ShopTables(List<String> names, DataStream<DeadLetter> deadLetters) {
        this.names = names;
        this.deadLetters = deadLetters;
    }

    private static Map<String, EventType<?>> tables() {
        Map<String, EventType<?>> t = new LinkedHashMap<>();
        t.put("clicks", EventType.CLICK);
        t.put("orders", EventType.ORDER);
        t.put("payments", EventType.PAYMENT);
        t.put("logins", EventType.LOGIN);
        t.put("fraud_labels", EventType.FRAUD_LABEL);
        t.put("decisions", EventType.FRAUD_DECISION);
        t.put("recommendations", EventType.RECOMMENDATION);
        t.put("predictions", EventType.PREDICTION);
        return Collections.unmodifiableMap(t);
    }

    /**
     * Declares {@code tables} (a subset of {@link #ALL}, for example those whose files exist) as
     * temporary views of {@code tEnv}, reading {@code input}.
     *
     * @param conf topic names and the {@code event-time.*}, {@code ingest.*} options
     * @param job the name recorded in dead letters
     * @throws IllegalArgumentException if {@code tables} is empty or not a subset of {@link #ALL}
     */
    public static ShopTables register(
            StreamTableEnvironment tEnv,
            StreamExecutionEnvironment env,
            Input input,
            Configuration conf,
            String job,
            Map<String, EventType<?>> tables) {
        if (tables.isEmpty() || !ALL.entrySet().containsAll(tables.entrySet())) {
            throw new IllegalArgumentException("Tables are " + ALL.keySet() + ", got " + tables);
        }
        List<DataStream<DeadLetter>> letters = new ArrayList<>();
        List<EventType<?>> shopTypes =
                tables.values().stream().filter(EventType.SHOP_INPUTS::contains).toList();
        DataStream<ShopEvent> shop = null;
        if (!shopTypes.isEmpty()) {
            ShopEvents events = ShopEvents.read(env, input, conf, job, shopTypes);
            shop = events.deduplicatedByShopper();
            letters.add(events.deadLetters());
        }
        for (Map.Entry<String, EventType<?>> table : tables.entrySet()) {
            EventType<?> type = table.getValue();
            DataStream<RowData> rows =
                    EventType.SHOP_INPUTS.contains(type)
                            ? shopRows(shop, type, table.getKey())
                            : recordRows(env, input, conf, job, letters, type, table.getKey());
            tEnv.createTemporaryView(table.getKey(), tEnv.fromDataStream(rows, schema(type)));
        }
        DataStream<DeadLetter> all = letters.get(0);
        for (DataStream<DeadLetter> more : letters.subList(1, letters.size())) {
            all = all.union(more);
        }
        return new ShopTables(List.copyOf(tables.keySet()), all);
    }

    /**
     * A table environment on {@code env} as the shop's tables are meant to be queried: timestamps
     * shown in UTC (event times are UTC), and mini-batches of at most 1,000 rows or one second for
     * groupings, so a grouping emits one revision per key and batch instead of one per row.
     */
    public static StreamTableEnvironment tableEnvironment(StreamExecutionEnvironment env) {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        TableConfig config = tEnv.getConfig();
        config.setLocalTimeZone(ZoneOffset.UTC);
        config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_ENABLED, true);
        config.set(
                ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_ALLOW_LATENCY, Duration.ofSeconds(1));
        config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_SIZE, 1000L);
        return tEnv;
    }

    /** The table's schema: the record's fields, {@code eventTime} the rowtime attribute. */
    public static Schema schema(EventType<?> type) {
        return Schema.newBuilder()
                .fromRowDataType(AvroRows.dataType(type.schema()))
                .watermark("eventTime", "SOURCE_WATERMARK()")
                .build();
    }

    /** The names of the declared tables. */
    public List<String> names() {
        return names;
    }

    /** Every record rejected by decoding or validation, as a dead letter for {@code dlq.events}. */
    public DataStream<DeadLetter> deadLetters() {
        return deadLetters;
    }

    private static DataStream<RowData> shopRows(
            DataStream<ShopEvent> shop, EventType<?> type, String table) {
        Predicate<ShopEvent> ofType = typeFilter(type);
        AvroRows.Converter converter = converter(type);
        return shop.filter(ofType::test)
                .name(table + ": " + type.name() + " events")
                .uid("sql-" + table + "-events")
                .map(e -> converter.convert(e.record()), typeInfo(type))
                .name(table + ": rows")
                .uid("sql-" + table + "-rows");
    }

    private static <T extends SpecificRecordBase> DataStream<RowData> recordRows(
            StreamExecutionEnvironment env,
            Input input,
            Configuration conf,
            String job,
            List<DataStream<DeadLetter>> letters,
            EventType<T> type,
            String table) {
        AvroRows.Converter converter = converter(type);
        return input.records(env, type, conf, job, letters)
                .map(converter::convert, typeInfo(type))
                .name(table + ": rows")
                .uid("sql-" + table + "-rows");
    }

    private static Predicate<ShopEvent> typeFilter(EventType<?> type) {
        String name = type.name();
        return (Predicate<ShopEvent> & Serializable) e -> e.type().name().equals(name);
    }

    private static AvroRows.Converter converter(EventType<?> type) {
        return AvroRows.converter(type.schema(), rowType(type));
    }

    private static RowType rowType(EventType<?> type) {
        return (RowType) AvroRows.dataType(type.schema()).getLogicalType();
    }

    private static InternalTypeInfo<RowData> typeInfo(EventType<?> type) {
        DataType dataType = AvroRows.dataType(type.schema());
        return InternalTypeInfo.of((RowType) dataType.getLogicalType());
    }
}
