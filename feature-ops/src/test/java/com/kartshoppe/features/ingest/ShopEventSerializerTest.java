package com.kartshoppe.features.ingest;

import static com.kartshoppe.features.TestEvents.login;
import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.payment;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Tests for {@link ShopEventSerializer}. */
class ShopEventSerializerTest {

    private final TypeSerializer<ShopEvent> serializer =
            ShopEvents.WIRE_TYPE.createSerializer(new SerializerConfigImpl());

    private static final List<ShopEvent> EVENTS =
            List.of(
                    view("u1", "p1", minutes(0)),
                    order("u1", 4_999, minutes(1)),
                    payment("u1", 4_999, false, "card-1", "FR", minutes(2)),
                    login("u1", false, "DE", "d-2", minutes(3)));

    @Test
    void everyKindRoundTripsAndCopiesAreEqualButNotShared() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        for (ShopEvent e : EVENTS) {
            serializer.serialize(e, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (ShopEvent e : EVENTS) {
            ShopEvent read = serializer.deserialize(in);
            assertThat(read).isEqualTo(e);
            assertThat(read.type()).isEqualTo(e.type());
            ShopEvent copy = serializer.copy(e);
            assertThat(copy).isEqualTo(e);
            assertThat(copy.record()).isNotSameAs(e.record());
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void anEmptyEventIsRefused() {
        assertThatThrownBy(() -> serializer.serialize(new ShopEvent(), new DataOutputSerializer(8)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theSnapshotRestoresAnEqualSerializer() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<ShopEvent> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isEqualTo(serializer);
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(read)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
    }
}
