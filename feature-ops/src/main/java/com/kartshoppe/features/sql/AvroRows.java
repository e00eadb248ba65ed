package com.kartshoppe.features.sql;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Avro records as Flink SQL rows: the table type of an Avro record schema, and a converter from a
 * decoded record to {@link RowData} that maps columns to fields by name, so a table may declare any
 * subset of a record's fields, in any order.
 *
 * <p>Types: {@code string} and {@code enum} are {@code STRING}; {@code int}, {@code long}, {@code
 * float}, {@code double}, {@code boolean}, {@code bytes} the matching SQL types; {@code long} with
 * {@code timestamp-millis} is {@code TIMESTAMP(3)} in UTC (a {@code TIMESTAMP_LTZ(3)} column is
 * accepted too); {@code ["null", X]} is a nullable X, any other Avro type is {@code NOT NULL};
 * arrays, maps (string keys) and nested records are {@code ARRAY}, {@code MAP} and {@code ROW}.
 *
 * <pre>{@code
 * DataType type = AvroRows.dataType(OrderEvent.getClassSchema());
 * AvroRows.Converter toRow = AvroRows.converter(OrderEvent.getClassSchema(), (RowType) type.getLogicalType());
 * RowData row = toRow.convert(order);
 * }</pre>
 */
public final class AvroRows {

    private AvroRows() {}

    /** Converts one decoded Avro record (specific or generic) to a row of the requested type. */
    @FunctionalInterface
    public interface Converter extends Serializable {
        RowData convert(IndexedRecord record);
    }

    /** Converts one Avro value; {@code null} stays {@code null}. */
    @FunctionalInterface
    private interface ValueConverter extends Serializable {
        Object convert(Object value);
    }

    /** The row type of an Avro record schema: one column per field, in field order. */
    public static DataType dataType(Schema record) {
        return toDataType(record);
    }

    /**
     * A converter from records of {@code record} to rows of {@code rowType}, whose columns must
     * name fields of the record with a compatible type (nullability aside).
     *
     * @throws ValidationException naming the column when it is no field of the record, or when its
     *     type cannot hold the field's
     */
    public static Converter converter(Schema record, RowType rowType) {
        return rowConverter(record, rowType, record.getName());
    }

    private static Converter rowConverter(Schema record, RowType rowType, String path) {
        List<String> names = rowType.getFieldNames();
        int[] positions = new int[names.size()];
        ValueConverter[] fields = new ValueConverter[names.size()];
        for (int i = 0; i < names.size(); i++) {
            Schema.Field field = record.getField(names.get(i));
            if (field == null) {
                throw new ValidationException(
                        "Column '"
                                + names.get(i)
                                + "' is not a field of "
                                + path
                                + "; its fields are "
                                + record.getFields().stream().map(Schema.Field::name).toList());
            }
            positions[i] = field.pos();
            fields[i] =
                    valueConverter(field.schema(), rowType.getTypeAt(i), path + "." + field.name());
        }
        return r -> {
            GenericRowData row = new GenericRowData(positions.length);
            for (int i = 0; i < positions.length; i++) {
                row.setField(i, fields[i].convert(r.get(positions[i])));
            }
            return row;
        };
    }

    private static DataType toDataType(Schema schema) {
        Schema s = nonNull(schema);
        DataType type =
                switch (s.getType()) {
                    case RECORD -> {
                        List<DataTypes.Field> fields = new ArrayList<>();
                        for (Schema.Field f : s.getFields()) {
                            fields.add(DataTypes.FIELD(f.name(), toDataType(f.schema())));
                        }
                        yield DataTypes.ROW(fields);
                    }
                    case STRING, ENUM -> DataTypes.STRING();
                    case INT -> DataTypes.INT();
                    case LONG -> isTimestampMillis(s) ? DataTypes.TIMESTAMP(3) : DataTypes.BIGINT();
                    case FLOAT -> DataTypes.FLOAT();
                    case DOUBLE -> DataTypes.DOUBLE();
                    case BOOLEAN -> DataTypes.BOOLEAN();
                    case BYTES, FIXED -> DataTypes.BYTES();
                    case ARRAY -> DataTypes.ARRAY(toDataType(s.getElementType()));
                    case MAP ->
                            DataTypes.MAP(
                                    DataTypes.STRING().notNull(), toDataType(s.getValueType()));
                    default ->
                            throw new ValidationException(
                                    "Avro type " + s + " has no Flink SQL equivalent here");
                };
        return s == schema ? type.notNull() : type.nullable();
    }

    private static ValueConverter valueConverter(Schema schema, LogicalType type, String path) {
        Schema s = nonNull(schema);
        LogicalTypeRoot root = type.getTypeRoot();
        ValueConverter converter =
                switch (s.getType()) {
                    case RECORD -> {
                        expect(root == LogicalTypeRoot.ROW, type, s, path);
                        Converter row = rowConverter(s, (RowType) type, path);
                        yield v -> row.convert((IndexedRecord) v);
                    }
                    case STRING, ENUM -> {
                        expect(root == LogicalTypeRoot.VARCHAR, type, s, path);
                        yield v -> StringData.fromString(v.toString());
                    }
                    case INT -> {
                        expect(root == LogicalTypeRoot.INTEGER, type, s, path);
                        yield v -> v;
                    }
                    case LONG -> {
                        if (isTimestampMillis(s)) {
                            expect(
                                    root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                                            || root
                                                    == LogicalTypeRoot
                                                            .TIMESTAMP_WITH_LOCAL_TIME_ZONE,
                                    type,
                                    s,
                                    path);
                            yield v ->
                                    TimestampData.fromEpochMillis(
                                            v instanceof Instant i
                                                    ? i.toEpochMilli()
                                                    : ((Number) v).longValue());
                        }
                        expect(root == LogicalTypeRoot.BIGINT, type, s, path);
                        yield v -> v;
                    }
                    case FLOAT -> {
                        expect(root == LogicalTypeRoot.FLOAT, type, s, path);
                        yield v -> v;
                    }
                    case DOUBLE -> {
                        expect(root == LogicalTypeRoot.DOUBLE, type, s, path);
                        yield v -> v;
                    }
                    case BOOLEAN -> {
                        expect(root == LogicalTypeRoot.BOOLEAN, type, s, path);
                        yield v -> v;
                    }
                    case BYTES -> {
                        expect(root == LogicalTypeRoot.VARBINARY, type, s, path);
                        yield v -> {
                            ByteBuffer b = ((ByteBuffer) v).duplicate();
                            byte[] bytes = new byte[b.remaining()];
                            b.get(bytes);
                            return bytes;
                        };
                    }
                    case ARRAY -> {
                        expect(root == LogicalTypeRoot.ARRAY, type, s, path);
                        ValueConverter element =
                                valueConverter(
                                        s.getElementType(),
                                        ((ArrayType) type).getElementType(),
                                        path + "[]");
                        yield v -> {
                            List<?> list = (List<?>) v;
                            Object[] out = new Object[list.size()];
                            for (int i = 0; i < out.length; i++) {
                                out[i] = element.convert(list.get(i));
                            }
                            return new GenericArrayData(out);
                        };
                    }
                    case MAP -> {
                        expect(
                                root == LogicalTypeRoot.MAP
                                        && ((MapType) type).getKeyType().getTypeRoot()
                                                == LogicalTypeRoot.VARCHAR,
                                type,
                                s,
                                path);
                        ValueConverter value =
                                valueConverter(
                                        s.getValueType(),
                                        ((MapType) type).getValueType(),
                                        path + "{}");
                        yield v -> {
                            Map<StringData, Object> out = new HashMap<>();
                            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                                out.put(
                                        StringData.fromString(e.getKey().toString()),
                                        value.convert(e.getValue()));
                            }
                            return new GenericMapData(out);
                        };
                    }
                    default ->
                            throw new ValidationException(
                                    path
                                            + ": Avro type "
                                            + s
                                            + " has no Flink SQL equivalent here");
                };
        return v -> v == null ? null : converter.convert(v);
    }

    private static void expect(boolean compatible, LogicalType type, Schema s, String path) {
        if (!compatible) {
            throw new ValidationException(
                    "Column "
                            + path
                            + " is declared "
                            + type.asSummaryString()
                            + " but the Avro field is "
                            + s.getType().getName()
                            + " ("
                            + toDataType(s).getLogicalType().copy(true).asSummaryString()
                            + " in SQL)");
        }
    }

    private static boolean isTimestampMillis(Schema s) {
        org.apache.avro.LogicalType logical = s.getLogicalType();
        return logical != null
                && logical.getName().equals(LogicalTypes.timestampMillis().getName());
    }

    /** X of a union ["null", X] or [X, "null"]; the schema itself otherwise. */
    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        List<Schema> types = schema.getTypes();
        List<Schema> nonNull = types.stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        if (nonNull.size() != 1 || types.size() != 2) {
            throw new ValidationException(
                    "Avro union " + schema + " has no Flink SQL equivalent here (only [null, X])");
        }
        return nonNull.get(0);
    }
}
