package com.kartshoppe.features.sql;

import com.kartshoppe.events.EventType;
import java.util.Arrays;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The Flink SQL format {@code kartshoppe-avro}: the project's wire format (Avro binary in Avro's
 * single-object encoding, any released writer schema of the record) as table rows, so a table can
 * be declared over any of the project's topics.
 *
 * <pre>{@code
 * CREATE TABLE orders (
 *   eventId STRING, eventTime TIMESTAMP(3), userId STRING, status STRING, amountMinor BIGINT,
 *   WATERMARK FOR eventTime AS eventTime - INTERVAL '5' SECOND
 * ) WITH (
 *   'connector' = 'kafka', 'topic' = 'shop.orders', 'properties.bootstrap.servers' = '...',
 *   'scan.startup.mode' = 'earliest-offset',
 *   'format' = 'kartshoppe-avro', 'kartshoppe-avro.type' = 'OrderEvent'
 * )
 * }</pre>
 *
 * <p>Columns are matched to the record's fields by name ({@link AvroRows}). A value that does not
 * decode is skipped and counted ({@code kartshoppe-avro.on-error} = {@code skip}, the default) or
 * fails the job ({@code fail}). A format cannot write dead letters: Flink SQL gives it no side
 * output, so the record itself is not kept (see docs/architecture.md, "Flink SQL").
 */
public final class KartshoppeAvroFormatFactory implements DeserializationFormatFactory {

    public static final String IDENTIFIER = "kartshoppe-avro";

    /** What to do with a value that does not decode. */
    public enum OnError {
        /** Drop the value and count it in the {@code eventsUndecodable} metric. */
        SKIP,
        /** Fail the job with the decoding error. */
        FAIL
    }

    public static final ConfigOption<String> TYPE =
            ConfigOptions.key("type")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The Avro record name of the topic's values: one of "
                                    + EventType.ALL.stream().map(EventType::name).toList()
                                    + ".");

    public static final ConfigOption<OnError> ON_ERROR =
            ConfigOptions.key("on-error")
                    .enumType(OnError.class)
                    .defaultValue(OnError.SKIP)
                    .withDescription(
                            "What to do with a value that does not decode: SKIP counts it in the"
                                    + " eventsUndecodable metric and drops it (a DataStream job"
                                    + " would send it to dlq.events, which a format cannot do);"
                                    + " FAIL fails the job.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(TYPE);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(ON_ERROR);
    }

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        EventType<?> type = type(formatOptions.get(TYPE));
        OnError onError = formatOptions.get(ON_ERROR);
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(
                    DynamicTableSource.Context source, DataType physicalDataType) {
                RowType rowType = (RowType) physicalDataType.getLogicalType();
                // Fails at planning time, naming the column, if the table does not fit the record.
                AvroRows.converter(type.schema(), rowType);
                return new SingleObjectRowDeserializer(
                        type, rowType, source.createTypeInformation(physicalDataType), onError);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    private static EventType<?> type(String name) {
        try {
            return EventType.byName(name);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "'"
                            + IDENTIFIER
                            + "."
                            + TYPE.key()
                            + "' = '"
                            + name
                            + "' is no record of the project; known: "
                            + Arrays.toString(
                                    EventType.ALL.stream().map(EventType::name).toArray()));
        }
    }
}
