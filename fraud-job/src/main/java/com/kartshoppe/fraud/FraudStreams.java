package com.kartshoppe.fraud;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.KafkaSinks;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The fraud job's outputs, before any sink: tests and backtests collect them, {@link #sinkToKafka}
 * writes them to their topics.
 */
public record FraudStreams(
        DataStream<FraudDecision> decisions,
        DataStream<PredictionLog> predictions,
        DataStream<FeatureSnapshot> snapshots,
        DataStream<DeadLetter> deadLetters) {

    /**
     * Writes each stream to its topic ({@code topics.*}) with {@code kafka.delivery-guarantee};
     * transactional ids start with {@code prefix}. Sink uids: {@code decisions-sink}, {@code
     * predictions-sink}, {@code features-sink}, {@code dlq-sink}.
     */
    public void sinkToKafka(Configuration conf, String prefix) {
        KafkaSettings kafka = KafkaSettings.from(conf);
        DeliveryGuarantee guarantee = conf.get(KafkaOptions.DELIVERY_GUARANTEE);
        Sink sink = new Sink(kafka, guarantee, prefix);
        sink.write(
                decisions, EventType.FRAUD_DECISION, conf.get(Topics.FRAUD_DECISIONS), "decisions");
        sink.write(predictions, EventType.PREDICTION, conf.get(Topics.PREDICTIONS), "predictions");
        sink.write(
                snapshots, EventType.FEATURE_SNAPSHOT, conf.get(Topics.FEATURES_USER), "features");
        sink.write(deadLetters, EventType.DEAD_LETTER, conf.get(Topics.DLQ), "dlq");
    }

    private record Sink(KafkaSettings kafka, DeliveryGuarantee guarantee, String prefix) {
        <T extends SpecificRecordBase> void write(
                DataStream<T> stream, EventType<T> type, String topic, String uid) {
            stream.sinkTo(KafkaSinks.of(kafka, type, topic, guarantee, prefix))
                    .uid(uid + "-sink")
                    .name("Kafka " + topic);
        }
    }
}
