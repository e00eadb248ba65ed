package com.kartshoppe.reco;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.features.NewestSnapshots;
import com.kartshoppe.jobkit.output.KafkaSinks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The recommendation job's outputs, before any sink: tests and backtests collect them, {@link
 * #sinkToKafka} writes them to their topics.
 */
public record RecoStreams(
        DataStream<Recommendation> recommendations,
        DataStream<PredictionLog> predictions,
        DataStream<FeatureSnapshot> snapshots,
        DataStream<DeadLetter> deadLetters) {

    /**
     * Writes each stream to its topic ({@code topics.*}) with {@code kafka.delivery-guarantee};
     * transactional ids start with {@code prefix}. Sink uids: {@code recommendations-sink}, {@code
     * predictions-sink}, {@code features-sink} (after the filter {@code newest-snapshots}), {@code
     * dlq-sink}.
     */
    public void sinkToKafka(Configuration conf, String prefix) {
        KafkaSinks.write(
                recommendations, conf, EventType.RECOMMENDATION, prefix, "recommendations");
        KafkaSinks.write(predictions, conf, EventType.PREDICTION, prefix, "predictions");
        // Only snapshots not older than the last written per key: the topic is compacted.
        NewestSnapshots.sinkToKafka(snapshots, conf, prefix);
        KafkaSinks.write(deadLetters, conf, EventType.DEAD_LETTER, prefix, "dlq");
    }

    /** The streams by the type they carry, in the order above: what backtests collect. */
    public Map<EventType<?>, DataStream<?>> byType() {
        Map<EventType<?>, DataStream<?>> streams = new LinkedHashMap<>();
        streams.put(EventType.RECOMMENDATION, recommendations);
        streams.put(EventType.PREDICTION, predictions);
        streams.put(EventType.FEATURE_SNAPSHOT, snapshots);
        streams.put(EventType.DEAD_LETTER, deadLetters);
        return streams;
    }
}
