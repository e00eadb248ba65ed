package com.kartshoppe.features.user;

import static com.kartshoppe.features.TestEvents.login;
import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.payment;
import static com.kartshoppe.features.TestEvents.seconds;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Tests for {@link ActivityStateSerializer} and {@link CommerceStateSerializer}. */
class ShopperStateSerializerTest {

    private final ShopperFeatures features =
            new ShopperFeatures(Duration.ofMinutes(30), Duration.ofDays(30));

    /** A shopper with some of everything: views over two sessions, devices, orders, payments. */
    private List<ShopEvent> history() {
        List<ShopEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(view("u1", "p" + (i % 7), seconds(20L * i)));
        }
        events.add(login("u1", false, "DE", "d-2", minutes(14)));
        events.add(login("u1", true, "DE", "d-2", minutes(15)));
        events.add(order("u1", 4_999, minutes(16)));
        events.add(payment("u1", 4_999, false, "card-1", "FR", minutes(16).plusSeconds(5)));
        events.add(payment("u1", 4_999, true, "card-2", "DE", minutes(16).plusSeconds(9)));
        events.add(view("u1", "p9", minutes(80)));
        events.add(order("u1", 12_000, minutes(81)));
        return events;
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void roundTripsGiveTheSameFeaturesFromThenOn() throws Exception {
        ActivityState a = features.newActivity();
        CommerceState c = features.newCommerce();
        ActivityState a2 = null;
        CommerceState c2 = null;
        for (ShopEvent e : history()) {
            features.onActivity(a, e);
            if (ShopperFeatures.touchesCommerce(e)) {
                features.onCommerce(a, c, e);
            }
            // Every step: the copy read back from bytes goes on exactly like the original.
            a2 = roundTrip(ActivityStateSerializer.INSTANCE, a);
            c2 = roundTrip(CommerceStateSerializer.INSTANCE, c);
            assertThat(bytes(ActivityStateSerializer.INSTANCE, a2))
                    .isEqualTo(bytes(ActivityStateSerializer.INSTANCE, a));
            assertThat(bytes(CommerceStateSerializer.INSTANCE, c2))
                    .isEqualTo(bytes(CommerceStateSerializer.INSTANCE, c));
        }
        ShopEvent next = payment("u1", 20_000, true, "card-3", "DE", minutes(82));
        features.onActivity(a, next);
        features.onActivity(a2, next);
        assertThat(features.onCommerce(a2, c2, next))
                .containsExactly(features.onCommerce(a, c, next));
    }

    @Test
    void copiesAreDeepAndNullFieldsSurvive() throws Exception {
        ActivityState a = features.newActivity();
        features.onActivity(a, view("u1", "p1", minutes(0)));
        ActivityState copy = ActivityStateSerializer.INSTANCE.copy(a);
        features.onActivity(a, view("u1", "p2", minutes(1)));
        assertThat(copy.sessionItems.size).isEqualTo(1);
        assertThat(a.sessionItems.size).isEqualTo(2);

        ActivityState empty = roundTrip(ActivityStateSerializer.INSTANCE, new ActivityState());
        assertThat(empty.views).isNull();
        assertThat(empty.lastSeen).isEqualTo(ActivityState.NONE);
        CommerceState none = roundTrip(CommerceStateSerializer.INSTANCE, new CommerceState());
        assertThat(none.lastLoginCountry).isNull();
        assertThat(none.amounts).isNull();
    }

    @Test
    void snapshotsRestoreTheSerializerAndMigrateFromThePojoLayout() throws Exception {
        TypeSerializerSnapshot<ActivityState> own =
                ActivityStateSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, own);
        TypeSerializerSnapshot<ActivityState> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isSameAs(ActivityStateSerializer.INSTANCE);
        assertThat(own.resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();

        // Savepoints taken before the compact layout hold Flink's POJO serializer.
        TypeSerializerSnapshot<ActivityState> pojo =
                TypeInformation.of(ActivityState.class)
                        .createSerializer(new SerializerConfigImpl())
                        .snapshotConfiguration();
        assertThat(own.resolveSchemaCompatibility(pojo).isCompatibleAfterMigration()).isTrue();
        TypeSerializerSnapshot<CommerceState> commercePojo =
                TypeInformation.of(CommerceState.class)
                        .createSerializer(new SerializerConfigImpl())
                        .snapshotConfiguration();
        assertThat(
                        CommerceStateSerializer.INSTANCE
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(commercePojo)
                                .isCompatibleAfterMigration())
                .isTrue();
    }
}
