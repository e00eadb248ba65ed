package com.kartshoppe.feedback;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.feedback.accuracy.JsonReport;
import com.kartshoppe.feedback.accuracy.JsonReportSerializer;
import com.kartshoppe.jobkit.output.KafkaSinks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The feedback job's outputs, before any sink: tests and backtests collect them, {@link
 * #sinkToKafka} writes them to their topics.
 *
 * @param examples labelled examples, for {@code ml.training-examples}
 * @param params adapter parameters, for {@code ml.model-params}
 * @param reports accuracy reports and adapter update decisions, for {@code ml.feedback-accuracy}
 * @param deadLetters undecodable input records, for {@code dlq.events}
 */
public record FeedbackStreams(
        DataStream<LabeledExample> examples,
        DataStream<AdapterParams> params,
        DataStream<JsonReport> reports,
        DataStream<DeadLetter> deadLetters) {

    /**
     * Writes each stream to its topic ({@code topics.*}) with {@code kafka.delivery-guarantee};
     * transactional ids start with {@code prefix}. Sink uids: {@code examples-sink}, {@code
     * params-sink}, {@code accuracy-sink}, {@code dlq-sink}.
     */
    public void sinkToKafka(Configuration conf, String prefix) {
        KafkaSinks.write(examples, conf, EventType.LABELED_EXAMPLE, prefix, "examples");
        KafkaSinks.write(params, conf, EventType.ADAPTER_PARAMS, prefix, "params");
        String topic = conf.get(Topics.FEEDBACK_ACCURACY);
        KafkaSinks.write(reports, conf, new JsonReportSerializer(topic), topic, prefix, "accuracy");
        KafkaSinks.write(deadLetters, conf, EventType.DEAD_LETTER, prefix, "dlq");
    }

    /** The Avro streams by the type they carry: what backtests collect. */
    public Map<EventType<?>, DataStream<?>> byType() {
        Map<EventType<?>, DataStream<?>> streams = new LinkedHashMap<>();
        streams.put(EventType.LABELED_EXAMPLE, examples);
        streams.put(EventType.ADAPTER_PARAMS, params);
        streams.put(EventType.DEAD_LETTER, deadLetters);
        return streams;
    }

    /** The reports as JSON lines, by their topic's default name: what backtests collect. */
    public Map<String, DataStream<String>> texts() {
        return Map.of(
                Topics.FEEDBACK_ACCURACY.defaultValue(),
                reports.map(r -> r.json).returns(Types.STRING).name("report json"));
    }
}
