package com.kartshoppe.jobkit.input;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;

/**
 * A decoded record with where it came from: the Kafka partition and offset, or partition -1 and the
 * line number for a file. Validation needs the position to dead-letter a record it rejects so that
 * an operator can find the original.
 *
 * <p>A Flink POJO with an Avro field; {@link #typeInfo} gives its type without reflection.
 *
 * @param <T> the Avro event type
 */
public class Sourced<T extends SpecificRecordBase> {

    public T record;
    public int partition;
    public long offset;

    /** For Flink's POJO serializer. */
    public Sourced() {}

    public static <T extends SpecificRecordBase> Sourced<T> of(
            T record, int partition, long offset) {
        Sourced<T> s = new Sourced<>();
        s.record = record;
        s.partition = partition;
        s.offset = offset;
        return s;
    }

    /** The type of {@code Sourced<T>}: a POJO of an Avro record and two numbers, no Kryo. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T extends SpecificRecordBase> TypeInformation<Sourced<T>> typeInfo(
            EventType<T> type) {
        try {
            return new PojoTypeInfo<>(
                    (Class<Sourced<T>>) (Class) Sourced.class,
                    List.of(
                            new PojoField(
                                    Sourced.class.getField("record"),
                                    new AvroTypeInfo<>(type.recordClass())),
                            new PojoField(Sourced.class.getField("partition"), Types.INT),
                            new PojoField(Sourced.class.getField("offset"), Types.LONG)));
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The type of a decoded source stream: dead letters or sourced events. */
    public static <T extends SpecificRecordBase>
            TypeInformation<Either<DeadLetter, Sourced<T>>> decodedType(EventType<T> type) {
        return new EitherTypeInfo<>(new AvroTypeInfo<>(DeadLetter.class), typeInfo(type));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sourced<?> s
                && partition == s.partition
                && offset == s.offset
                && Objects.equals(record, s.record);
    }

    @Override
    public int hashCode() {
        return Objects.hash(record, partition, offset);
    }

    @Override
    public String toString() {
        return record + "@" + partition + ":" + offset;
    }
}
