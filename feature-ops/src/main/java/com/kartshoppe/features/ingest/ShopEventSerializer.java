package com.kartshoppe.features.ingest;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.PaymentEvent;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;

/**
 * Serializes a {@link ShopEvent} as a one-byte tag and the one record it wraps. Flink's POJO
 * serializer, by contrast, builds all four Avro records by reflection for every event it reads and
 * then drops the three that are null; on the shuffle to the per-shopper operators that was a fifth
 * of the feature pipeline's time.
 *
 * <p>Used for the ingested streams up to the shuffle ({@link ShopEvents#WIRE_TYPE}); the
 * deduplicated stream keeps {@link ShopEvents#TYPE}, so the state of operators after it (CEP,
 * windows) keeps its serializer.
 */
public final class ShopEventSerializer extends TypeSerializer<ShopEvent> {

    private static final long serialVersionUID = 1L;

    private static final byte CLICK = 0;
    private static final byte ORDER = 1;
    private static final byte PAYMENT = 2;
    private static final byte LOGIN = 3;

    private final AvroSerializer<ClickEvent> clicks = new AvroSerializer<>(ClickEvent.class);
    private final AvroSerializer<OrderEvent> orders = new AvroSerializer<>(OrderEvent.class);
    private final AvroSerializer<PaymentEvent> payments = new AvroSerializer<>(PaymentEvent.class);
    private final AvroSerializer<LoginEvent> logins = new AvroSerializer<>(LoginEvent.class);

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ShopEvent> duplicate() {
        // The Avro serializers hold encoder state: one set per thread.
        return new ShopEventSerializer();
    }

    @Override
    public ShopEvent createInstance() {
        return new ShopEvent();
    }

    @Override
    public ShopEvent copy(ShopEvent from) {
        ShopEvent e = new ShopEvent();
        if (from.click != null) {
            e.click = clicks.copy(from.click);
        } else if (from.order != null) {
            e.order = orders.copy(from.order);
        } else if (from.payment != null) {
            e.payment = payments.copy(from.payment);
        } else if (from.login != null) {
            e.login = logins.copy(from.login);
        }
        return e;
    }

    @Override
    public ShopEvent copy(ShopEvent from, ShopEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ShopEvent e, DataOutputView out) throws IOException {
        if (e.click != null) {
            out.writeByte(CLICK);
            clicks.serialize(e.click, out);
        } else if (e.order != null) {
            out.writeByte(ORDER);
            orders.serialize(e.order, out);
        } else if (e.payment != null) {
            out.writeByte(PAYMENT);
            payments.serialize(e.payment, out);
        } else if (e.login != null) {
            out.writeByte(LOGIN);
            logins.serialize(e.login, out);
        } else {
            throw new IOException("empty ShopEvent");
        }
    }

    @Override
    public ShopEvent deserialize(DataInputView in) throws IOException {
        byte tag = in.readByte();
        SpecificRecordBase record =
                switch (tag) {
                    case CLICK -> clicks.deserialize(in);
                    case ORDER -> orders.deserialize(in);
                    case PAYMENT -> payments.deserialize(in);
                    case LOGIN -> logins.deserialize(in);
                    default -> throw new IOException("unknown ShopEvent tag " + tag);
                };
        return ShopEvent.of(record);
    }

    @Override
    public ShopEvent deserialize(ShopEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShopEventSerializer;
    }

    @Override
    public int hashCode() {
        return ShopEventSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ShopEvent> snapshotConfiguration() {
        return new ShopEventSerializerSnapshot();
    }

    /**
     * Snapshot of {@link ShopEventSerializer}. The layout follows the Avro schemas of the four
     * records, which evolve only compatibly (common-events' schema rules).
     */
    public static final class ShopEventSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<ShopEvent> {

        public ShopEventSerializerSnapshot() {
            super(ShopEventSerializer::new);
        }
    }

    /** The type of a stream serialized with {@link ShopEventSerializer}. */
    static final class WireType extends TypeInformation<ShopEvent> {

        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<ShopEvent> getTypeClass() {
            return ShopEvent.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<ShopEvent> createSerializer(SerializerConfig config) {
            return new ShopEventSerializer();
        }

        @Override
        public String toString() {
            return "ShopEvent (tagged Avro)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WireType;
        }

        @Override
        public int hashCode() {
            return WireType.class.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof WireType;
        }
    }
}
