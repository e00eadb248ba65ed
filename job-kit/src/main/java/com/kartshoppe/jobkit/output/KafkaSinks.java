package com.kartshoppe.jobkit.output;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.KafkaSettings;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The KafkaSink of one output topic, configured the same way in every job.
 *
 * <pre>{@code
 * decisions.sinkTo(KafkaSinks.of(kafka, EventType.FRAUD_DECISION, "fraud.decisions",
 *         DeliveryGuarantee.EXACTLY_ONCE, "kartshoppe-fraud"));
 * }</pre>
 *
 * <p>Exactly-once sinks use the transactional id prefix {@code <prefix>-<topic>}, so one job's
 * sinks never share ids, and a transaction timeout of {@value #TRANSACTION_TIMEOUT_MINUTES} minutes
 * (below the broker's default maximum of 15) unless {@code kafka.properties.transaction.timeout.ms}
 * says otherwise.
 */
public final class KafkaSinks {

    static final long TRANSACTION_TIMEOUT_MINUTES = 10;

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE =
            ConfigOptions.key("kafka.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
                    .withDescription(
                            "How a job writes its Kafka topics. exactly-once: transactions"
                                    + " committed on each checkpoint, so read_committed consumers"
                                    + " see every record once, one checkpoint interval late."
                                    + " at-least-once: records visible at once, duplicated after a"
                                    + " failure; for the lowest decision latency.");

    private KafkaSinks() {}

    /**
     * Writes {@code stream} to its type's topic ({@code topics.*} in {@code conf}) with {@code
     * kafka.delivery-guarantee}; the sink's uid is {@code <uid>-sink}.
     */
    public static <T extends SpecificRecordBase> void write(
            DataStream<T> stream,
            Configuration conf,
            EventType<T> type,
            String transactionalIdPrefix,
            String uid) {
        String topic = conf.get(type.topic());
        write(
                stream,
                conf,
                KafkaEventSerializer.forTopic(type, topic),
                topic,
                transactionalIdPrefix,
                uid);
    }

    /** As {@link #write(DataStream, Configuration, EventType, String, String)}, any serializer. */
    public static <T> void write(
            DataStream<T> stream,
            Configuration conf,
            KafkaRecordSerializationSchema<T> serializer,
            String topic,
            String transactionalIdPrefix,
            String uid) {
        stream.sinkTo(
                        of(
                                KafkaSettings.from(conf),
                                serializer,
                                topic,
                                conf.get(DELIVERY_GUARANTEE),
                                transactionalIdPrefix))
                .uid(uid + "-sink")
                .name("Kafka " + topic);
    }

    public static <T extends SpecificRecordBase> KafkaSink<T> of(
            KafkaSettings kafka,
            EventType<T> type,
            String topic,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix) {
        return of(
                kafka,
                KafkaEventSerializer.forTopic(type, topic),
                topic,
                guarantee,
                transactionalIdPrefix);
    }

    /** A sink of any record type, configured as the others; {@code serializer} names the topic. */
    public static <T> KafkaSink<T> of(
            KafkaSettings kafka,
            KafkaRecordSerializationSchema<T> serializer,
            String topic,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix) {
        Properties props = kafka.clientProperties();
        props.putIfAbsent(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(Duration.ofMinutes(TRANSACTION_TIMEOUT_MINUTES).toMillis()));
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactionalIdPrefix + "-" + topic)
                .build();
    }
}
