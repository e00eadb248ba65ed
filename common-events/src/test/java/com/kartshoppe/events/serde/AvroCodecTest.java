package com.kartshoppe.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.SampleEvents;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** Tests for {@link AvroCodec}. */
class AvroCodecTest {

    @Test
    void everyTypeRoundTrips() throws Exception {
        for (int i = 0; i < EventType.ALL.size(); i++) {
            assertRoundTrip(EventType.ALL.get(i), SampleEvents.all().get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> void assertRoundTrip(
            EventType<T> type, Object sample) throws DecodeException {
        AvroCodec<T> codec = AvroCodec.of(type);
        T record = (T) sample;
        byte[] bytes = codec.encode(record);

        assertThat(bytes[0]).as("single-object marker").isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(codec.decode(bytes)).as(type.name()).isEqualTo(record);
    }

    @Test
    void aRecordWrittenWithClickEventV1DecodesWithTheV2Reader() throws Exception {
        Schema v1 = SchemaHistory.versions(EventType.CLICK).get(0);
        byte[] v1Bytes =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                        .encode(asV1(SampleEvents.click()))
                        .array();

        ClickEvent decoded = AvroCodec.of(EventType.CLICK).decode(v1Bytes);

        ClickEvent expected =
                ClickEvent.newBuilder(SampleEvents.click()).setRecoPosition(null).build();
        assertThat(decoded).isEqualTo(expected);
    }

    @Test
    void aFraudDecisionWrittenWithV1DecodesWithoutContributions() throws Exception {
        Schema v1 = SchemaHistory.versions(EventType.FRAUD_DECISION).get(0);
        byte[] v1Bytes =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                        .encode(asV1(SampleEvents.fraudDecision()))
                        .array();

        FraudDecision decoded = AvroCodec.of(EventType.FRAUD_DECISION).decode(v1Bytes);

        assertThat(decoded).isEqualTo(withoutContributions(SampleEvents.fraudDecision()));
    }

    /** The decision as a FraudDecision v1 writer would have produced it. */
    static GenericRecord asV1(FraudDecision current) {
        Schema v1 = SchemaHistory.versions(EventType.FRAUD_DECISION).get(0);
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            old.put(
                    field.name(),
                    switch (field.name()) {
                        case "eventTime" -> current.getEventTime().toEpochMilli();
                        case "decidedAt" -> current.getDecidedAt().toEpochMilli();
                        case "decision" ->
                                new GenericData.EnumSymbol(
                                        field.schema(), current.getDecision().name());
                        default -> current.get(field.name());
                    });
        }
        return old;
    }

    /** The decision as a v2 reader sees a v1 record of it: the fields' defaults. */
    static FraudDecision withoutContributions(FraudDecision current) {
        return FraudDecision.newBuilder(current)
                .setContributions(Map.of())
                .setContributionMethod("")
                .setRuleSetId("")
                .setRuleSetVersion(0L)
                .build();
    }

    /** The click as a ClickEvent v1 writer would have produced it. */
    static GenericRecord asV1(ClickEvent current) {
        Schema v1 = SchemaHistory.versions(EventType.CLICK).get(0);
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            Object value = current.get(field.name());
            old.put(
                    field.name(),
                    switch (field.name()) {
                        case "eventTime" -> current.getEventTime().toEpochMilli();
                        case "type" ->
                                new GenericData.EnumSymbol(
                                        field.schema(), current.getType().name());
                        default -> value;
                    });
        }
        return old;
    }

    @Test
    void aRecordClaimingAHugeStringIsRejectedNotAllocated() {
        // A valid ClickEvent header, then an eventId claiming 1.5 billion characters.
        byte[] header =
                Arrays.copyOf(AvroCodec.of(EventType.CLICK).encode(SampleEvents.click()), 10);
        byte[] hostile = Arrays.copyOf(header, 15);
        long length = 1_500_000_000L;
        long zigzag = length << 1;
        for (int i = 10; i < 15; i++) {
            hostile[i] = (byte) ((zigzag & 0x7F) | (i < 14 ? 0x80 : 0));
            zigzag >>>= 7;
        }

        assertReason(hostile, DecodeException.MALFORMED);
    }

    @Test
    void emptyValueIsRejectedWithReason() {
        assertReason(new byte[0], DecodeException.EMPTY);
        assertReason(null, DecodeException.EMPTY);
    }

    @Test
    void garbageIsRejectedAsBadHeader() {
        assertReason("not avro at all".getBytes(), DecodeException.BAD_HEADER);
    }

    @Test
    void anotherTypesRecordIsRejectedAsUnknownSchema() {
        byte[] order = AvroCodec.of(EventType.ORDER).encode(SampleEvents.order());
        assertReason(order, DecodeException.UNKNOWN_SCHEMA);
    }

    @Test
    void truncatedBodyIsRejectedAsMalformed() {
        byte[] click = AvroCodec.of(EventType.CLICK).encode(SampleEvents.click());
        assertReason(Arrays.copyOf(click, 14), DecodeException.MALFORMED);
    }

    /** Found by DecoderFuzzTest: Avro reads one record and ignored whatever followed it. */
    @Test
    void bytesLeftOverAfterTheRecordAreRejectedAsMalformed() {
        byte[] click = AvroCodec.of(EventType.CLICK).encode(SampleEvents.click());
        byte[] twice = Arrays.copyOf(click, click.length * 2);
        System.arraycopy(click, 0, twice, click.length, click.length);

        assertThatThrownBy(() -> AvroCodec.of(EventType.CLICK).decode(twice))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(DecodeException.MALFORMED);
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "ClickEvent: "
                                                    + click.length
                                                    + " bytes left over after the record's "
                                                    + click.length
                                                    + " bytes");
                        });
    }

    private static void assertReason(byte[] bytes, String reason) {
        assertThatThrownBy(() -> AvroCodec.of(EventType.CLICK).decode(bytes))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(reason);
                            assertThat(e.getMessage()).startsWith("ClickEvent: ");
                        });
    }
}
