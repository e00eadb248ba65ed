package com.kartshoppe.jobkit.input;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DeadLetterRecords;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Reads one event type from Kafka without ever failing on bad bytes: a decodable record becomes
 * {@code Either.Right(Sourced(event, partition, offset))}, anything else {@code
 * Either.Left(DeadLetter)} carrying the raw key and value, topic, partition, offset and the reason.
 * Use {@link DeadLetters#split} right after the source to separate the two.
 *
 * <p>Metrics on the source: {@code eventsDecoded} and {@code eventsUndecodable}.
 */
public final class KafkaEventDeserializer<T extends SpecificRecordBase>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, Sourced<T>>> {

    private static final long serialVersionUID = 1L;

    private final EventType<T> type;
    private final String job;
    private transient AvroCodec<T> codec;
    private transient Counter decoded;
    private transient Counter undecodable;

    /**
     * @param job name of the reading job, recorded in each dead letter
     */
    public KafkaEventDeserializer(EventType<T> type, String job) {
        this.type = type;
        this.job = job;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec = AvroCodec.of(type);
        decoded = context.getMetricGroup().counter("eventsDecoded");
        undecodable = context.getMetricGroup().counter("eventsUndecodable");
    }

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, Sourced<T>>> out) {
        try {
            T event = codec.decode(record.value());
            decoded.inc();
            out.collect(Either.Right(Sourced.of(event, record.partition(), record.offset())));
        } catch (DecodeException e) {
            undecodable.inc();
            Instant recordTime =
                    record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE
                            ? null
                            : Instant.ofEpochMilli(record.timestamp());
            out.collect(
                    Either.Left(
                            DeadLetterRecords.of(
                                    record.topic(),
                                    record.partition(),
                                    record.offset(),
                                    record.key(),
                                    record.value(),
                                    e.reason(),
                                    e.getMessage(),
                                    recordTime,
                                    job)));
        }
    }

    @Override
    public TypeInformation<Either<DeadLetter, Sourced<T>>> getProducedType() {
        return Sourced.decodedType(type);
    }
}
