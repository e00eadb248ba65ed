package com.kartshoppe.features.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.SchemaHistory;
import com.kartshoppe.features.TestEvents;
import com.kartshoppe.features.sql.KartshoppeAvroFormatFactory.OnError;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

/** Tests for {@link KartshoppeAvroFormatFactory} and its {@link SingleObjectRowDeserializer}. */
class KartshoppeAvroFormatFactoryTest {

    private final Counters metrics = new Counters();

    @Test
    void theFormatIsFoundByItsIdentifier() {
        DeserializationFormatFactory factory =
                FactoryUtil.discoverFactory(
                        getClass().getClassLoader(),
                        DeserializationFormatFactory.class,
                        "kartshoppe-avro");

        assertThat(factory).isInstanceOf(KartshoppeAvroFormatFactory.class);
        assertThat(factory.requiredOptions()).containsExactly(KartshoppeAvroFormatFactory.TYPE);
        assertThat(factory.optionalOptions()).containsExactly(KartshoppeAvroFormatFactory.ON_ERROR);
    }

    @Test
    void decodesEveryFieldOfAnEncodedOrder() throws Exception {
        OrderEvent order = TestEvents.order("u-1", "p-9", 4_250, TestEvents.T0, "d-1").order;
        RowType type = rowType(EventType.ORDER);

        RowData row = open(EventType.ORDER, type, OnError.FAIL).deserialize(encode(order));

        assertThat(row.getArity()).isEqualTo(type.getFieldCount());
        assertThat(field(row, type, "eventId").toString()).isEqualTo(order.getEventId());
        assertThat(row.getTimestamp(type.getFieldIndex("eventTime"), 3).toInstant())
                .isEqualTo(TestEvents.T0);
        assertThat(row.getString(type.getFieldIndex("status")).toString()).isEqualTo("PLACED");
        assertThat(row.getLong(type.getFieldIndex("amountMinor"))).isEqualTo(4_250);
        assertThat(row.isNullAt(type.getFieldIndex("campaignId"))).isTrue();
        ArrayData items = row.getArray(type.getFieldIndex("items"));
        assertThat(items.size()).isEqualTo(1);
        RowData item = items.getRow(0, 4);
        assertThat(item.getString(0).toString()).isEqualTo("p-9");
        assertThat(item.getInt(2)).isEqualTo(1);
        assertThat(item.getLong(3)).isEqualTo(4_250);
        assertThat(metrics.decoded.getCount()).isEqualTo(1);
    }

    @Test
    void aTableMayDeclareSomeFieldsInAnyOrder() throws Exception {
        OrderEvent order = TestEvents.order("u-2", 990, TestEvents.T0).order;
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("userId", DataTypes.STRING()),
                                        DataTypes.FIELD("eventTime", DataTypes.TIMESTAMP_LTZ(3)),
                                        DataTypes.FIELD("amountMinor", DataTypes.BIGINT()))
                                .getLogicalType();

        RowData row = open(EventType.ORDER, type, OnError.FAIL).deserialize(encode(order));

        assertThat(row.getString(0).toString()).isEqualTo("u-2");
        assertThat(row.getTimestamp(1, 3).toInstant()).isEqualTo(TestEvents.T0);
        assertThat(row.getLong(2)).isEqualTo(990);
    }

    @Test
    void decodesARecordWrittenWithAnOlderReleasedSchema() throws Exception {
        Schema v1 = SchemaHistory.versions(EventType.CLICK).get(0);
        assertThat(v1.getField("recoPosition")).as("v2 added recoPosition").isNull();
        GenericRecord click = new GenericData.Record(v1);
        click.put("eventId", "e-1");
        click.put("eventTime", Instant.parse("2026-03-02T09:00:01Z").toEpochMilli());
        click.put("userId", "u-1");
        click.put("sessionId", "s-1");
        click.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "RECO_CLICK"));
        click.put("deviceId", "d-1");
        click.put("ip", "10.0.0.1");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(click, bytes);
        RowType type = rowType(EventType.CLICK);

        RowData row = open(EventType.CLICK, type, OnError.FAIL).deserialize(bytes.toByteArray());

        assertThat(row.getString(type.getFieldIndex("type")).toString()).isEqualTo("RECO_CLICK");
        assertThat(row.getTimestamp(type.getFieldIndex("eventTime"), 3).getMillisecond())
                .isEqualTo(Instant.parse("2026-03-02T09:00:01Z").toEpochMilli());
        assertThat(row.isNullAt(type.getFieldIndex("recoPosition"))).isTrue();
    }

    @Test
    void skipsAndCountsWhatDoesNotDecode() throws Exception {
        SingleObjectRowDeserializer skip =
                open(EventType.ORDER, rowType(EventType.ORDER), OnError.SKIP);

        assertThat(skip.deserialize("not avro".getBytes())).isNull();
        assertThat(skip.deserialize(new byte[0])).isNull();
        assertThat(metrics.undecodable.getCount()).isEqualTo(2);
        assertThat(metrics.decoded.getCount()).isZero();
    }

    @Test
    void failsWithTheDecodingReasonWhenAskedTo() throws Exception {
        SingleObjectRowDeserializer fail =
                open(EventType.ORDER, rowType(EventType.ORDER), OnError.FAIL);
        // An order's bytes read as a click: the header names a schema clicks never had.
        byte[] order = encode(TestEvents.order("u-3", 100, TestEvents.T0).order);

        assertThatThrownBy(() -> fail.deserialize("not avro".getBytes()))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeException.BAD_HEADER));
        SingleObjectRowDeserializer clicks =
                open(EventType.CLICK, rowType(EventType.CLICK), OnError.FAIL);
        assertThatThrownBy(() -> clicks.deserialize(order))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeException.UNKNOWN_SCHEMA));
    }

    @Test
    void refusesAColumnTheRecordDoesNotHave() {
        RowType wrongName =
                (RowType)
                        DataTypes.ROW(DataTypes.FIELD("amount", DataTypes.BIGINT()))
                                .getLogicalType();
        RowType wrongType =
                (RowType)
                        DataTypes.ROW(DataTypes.FIELD("amountMinor", DataTypes.STRING()))
                                .getLogicalType();

        assertThatThrownBy(() -> AvroRows.converter(EventType.ORDER.schema(), wrongName))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Column 'amount' is not a field of OrderEvent");
        assertThatThrownBy(() -> AvroRows.converter(EventType.ORDER.schema(), wrongType))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("OrderEvent.amountMinor is declared STRING")
                .hasMessageContaining("BIGINT");
    }

    private SingleObjectRowDeserializer open(EventType<?> type, RowType rowType, OnError onError) {
        SingleObjectRowDeserializer d =
                new SingleObjectRowDeserializer(
                        type, rowType, InternalTypeInfo.of(rowType), onError);
        d.open(metrics);
        return d;
    }

    private static RowType rowType(EventType<?> type) {
        return (RowType) AvroRows.dataType(type.schema()).getLogicalType();
    }

    private static Object field(RowData row, RowType type, String name) {
        return row.getString(type.getFieldIndex(name));
    }

    private static byte[] encode(OrderEvent order) {
        return AvroCodec.of(EventType.ORDER).encode(order);
    }

    /** The deserializer's context: its two counters, kept for the assertions. */
    private static final class Counters implements DeserializationSchema.InitializationContext {
        final SimpleCounter decoded = new SimpleCounter();
        final SimpleCounter undecodable = new SimpleCounter();

        @Override
        public MetricGroup getMetricGroup() {
            return new UnregisteredMetricsGroup() {
                @Override
                public Counter counter(String name) {
                    return name.equals("eventsDecoded") ? decoded : undecodable;
                }
            };
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }
}
