package com.kartshoppe.jobkit.output;

import com.kartshoppe.events.EventType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A job's outputs before any sink, each with the name of its Kafka sink: {@link #sinkToKafka}
 * writes them to their topics, {@link #collect} runs the job and collects them (backtests, tests).
 *
 * <pre>{@code
 * return new JobOutputs()
 *         .avro("decisions", EventType.FRAUD_DECISION, decisions)
 *         .avro("features", EventType.FEATURE_SNAPSHOT, snapshots, NewestSnapshots::newestOnly)
 *         .avro("dlq", EventType.DEAD_LETTER, DeadLetters.union(deadLetters));
 * }</pre>
 */
public final class JobOutputs {

    /** Narrows a stream before its Kafka sink only, e.g. to the newest snapshot per key. */
    @FunctionalInterface
    public interface BeforeKafka<T> {
        DataStream<T> apply(DataStream<T> stream, Configuration conf);
    }

    private record AvroOutput<T extends SpecificRecordBase>(
            String sink, DataStream<T> stream, BeforeKafka<T> beforeKafka) {}

    private record TextOutput<T>(
            String sink,
            ConfigOption<String> topic,
            DataStream<T> stream,
            SerializableFunction<T, String> key,
            SerializableFunction<T, String> value) {}

    private final Map<EventType<?>, AvroOutput<?>> avro = new LinkedHashMap<>();
    private final List<TextOutput<?>> texts = new ArrayList<>();

    /**
     * An output written to its type's topic ({@code topics.*}) in Avro; the sink's uid is {@code
     * <sink>-sink}.
     */
    public <T extends SpecificRecordBase> JobOutputs avro(
            String sink, EventType<T> type, DataStream<T> stream) {
        return avro(sink, type, stream, (s, conf) -> s);
    }

    /** As {@link #avro(String, EventType, DataStream)}, narrowed by {@code beforeKafka} first. */
    public <T extends SpecificRecordBase> JobOutputs avro(
            String sink, EventType<T> type, DataStream<T> stream, BeforeKafka<T> beforeKafka) {
        if (avro.putIfAbsent(type, new AvroOutput<>(sink, stream, beforeKafka)) != null) {
            throw new IllegalArgumentException("Two outputs carry " + type.name());
        }
        return this;
    }

    /**
     * An output written as UTF-8 text to {@code topic}, with the key and value {@code key} and
     * {@code value} give; collected as lines under the topic's default name.
     */
    public <T> JobOutputs text(
            String sink,
            ConfigOption<String> topic,
            DataStream<T> stream,
            SerializableFunction<T, String> key,
            SerializableFunction<T, String> value) {
        texts.add(new TextOutput<>(sink, topic, stream, key, value));
        return this;
    }

    /**
     * The output carrying {@code type}.
     *
     * @throws IllegalArgumentException if the job has none
     */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecordBase> DataStream<T> get(EventType<T> type) {
        AvroOutput<?> output = avro.get(type);
        if (output == null) {
            throw new IllegalArgumentException(
                    "The job has no " + type.name() + " output; it has " + avro.keySet());
        }
        return (DataStream<T>) output.stream();
    }

    /**
     * Writes each output to its topic with {@code kafka.delivery-guarantee}; transactional ids
     * start with {@code prefix}.
     */
    public void sinkToKafka(Configuration conf, String prefix) {
        avro.forEach((type, output) -> sinkAvro(type, output, conf, prefix));
        for (TextOutput<?> text : texts) {
            sinkText(text, conf, prefix);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> void sinkAvro(
            EventType<?> type, AvroOutput<T> output, Configuration conf, String prefix) {
        KafkaSinks.write(
                output.beforeKafka().apply(output.stream(), conf),
                conf,
                (EventType<T>) type,
                prefix,
                output.sink());
    }

    private static <T> void sinkText(TextOutput<T> text, Configuration conf, String prefix) {
        String topic = conf.get(text.topic());
        KafkaSinks.write(
                text.stream(),
                conf,
                new TextSerializer<>(topic, text.key(), text.value()),
                topic,
                prefix,
                text.sink());
    }

    /** Executes the job the outputs belong to, waits for it to finish, and collects them all. */
    public CollectedOutputs collect(String jobName) throws Exception {
        Map<EventType<?>, DataStream<?>> records = new LinkedHashMap<>();
        avro.forEach((type, output) -> records.put(type, output.stream()));
        Map<String, DataStream<String>> lines = new LinkedHashMap<>();
        for (TextOutput<?> text : texts) {
            lines.put(text.topic().defaultValue(), lines(text));
        }
        return CollectedOutputs.run(jobName, records, lines);
    }

    private static <T> DataStream<String> lines(TextOutput<T> text) {
        return text.stream()
                .map(text.value()::apply)
                .returns(Types.STRING)
                .name(text.sink() + " text");
    }
}
