package com.kartshoppe.features.sql;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * A feature set defined in SQL: the rows of a query as {@link FeatureSnapshot}s of a catalogue
 * {@link FeatureSet}, for the features topic. The query names its columns {@code entityId} (a
 * string), {@code eventTime} (a timestamp: as of when the values hold) and one numeric column per
 * feature of the set; every insert and update of a row is a snapshot, retractions are dropped (the
 * update that follows replaces them). A NULL value takes the feature's default.
 *
 * <pre>{@code
 * Table query = tEnv.sqlQuery(SqlFeatures.query("shopper_sessions_v1"));
 * DataStream<FeatureSnapshot> snapshots =
 *         SqlFeatureSets.snapshots(tEnv, query, FeatureCatalog.SHOPPER_SESSIONS_V1);
 * }</pre>
 */
public final class SqlFeatureSets {

    public static final String ENTITY_ID = "entityId";
    public static final String EVENT_TIME = "eventTime";

    private SqlFeatureSets() {}

    /**
     * @throws ValidationException naming the columns the query lacks or whose type does not fit
     */
    public static DataStream<FeatureSnapshot> snapshots(
            StreamTableEnvironment tEnv, Table query, FeatureSet set) {
        ResolvedSchema schema = query.getResolvedSchema();
        int entity = column(schema, set, ENTITY_ID, LogicalTypeFamily.CHARACTER_STRING);
        int time = column(schema, set, EVENT_TIME, LogicalTypeFamily.TIMESTAMP);
        int[] features = new int[set.size()];
        for (int i = 0; i < features.length; i++) {
            features[i] =
                    column(schema, set, set.definitions().get(i).name(), LogicalTypeFamily.NUMERIC);
        }
        return tEnv.toChangelogStream(query)
                .flatMap(
                        new ToSnapshot(set, entity, time, features),
                        new AvroTypeInfo<>(FeatureSnapshot.class))
                .uid("sql-feature-snapshots")
                .name(set.name() + " snapshots");
    }

    private static int column(
            ResolvedSchema schema, FeatureSet set, String name, LogicalTypeFamily family) {
        List<String> names = schema.getColumnNames();
        int i = names.indexOf(name);
        if (i < 0) {
            List<String> expected = new ArrayList<>(List.of(ENTITY_ID, EVENT_TIME));
            set.definitions().forEach(d -> expected.add(d.name()));
            throw new ValidationException(
                    "The query of feature set "
                            + set.name()
                            + " has no column '"
                            + name
                            + "': it needs "
                            + expected
                            + ", it has "
                            + names);
        }
        Column column = schema.getColumns().get(i);
        LogicalType type = column.getDataType().getLogicalType();
        if (!type.is(family)) {
            throw new ValidationException(
                    "Column '"
                            + name
                            + "' of feature set "
                            + set.name()
                            + " must be "
                            + family.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                            + ", not "
                            + type.asSummaryString());
        }
        return i;
    }

    /** One row to one snapshot; retractions to none. */
    private static final class ToSnapshot implements FlatMapFunction<Row, FeatureSnapshot> {
        private static final long serialVersionUID = 1L;

        private final FeatureSet set;
        private final int entity;
        private final int time;
        private final int[] features;

        ToSnapshot(FeatureSet set, int entity, int time, int[] features) {
            this.set = set;
            this.entity = entity;
            this.time = time;
            this.features = features;
        }

        @Override
        public void flatMap(Row row, Collector<FeatureSnapshot> out) {
            if (row.getKind() != RowKind.INSERT && row.getKind() != RowKind.UPDATE_AFTER) {
                return;
            }
            Object id = row.getField(entity);
            Object at = row.getField(time);
            if (id == null || at == null) {
                return;
            }
            double[] values = new double[features.length];
            for (int i = 0; i < values.length; i++) {
                Object v = row.getField(features[i]);
                values[i] =
                        v == null
                                ? set.definitions().get(i).defaultValue()
                                : ((Number) v).doubleValue();
            }
            out.collect(set.snapshot(id.toString(), millis(at), values));
        }

        private static long millis(Object t) {
            return t instanceof Instant i
                    ? i.toEpochMilli()
                    : ((LocalDateTime) t).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
    }
}
