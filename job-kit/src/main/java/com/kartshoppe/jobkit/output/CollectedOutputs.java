package com.kartshoppe.jobkit.output;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.CloseableIterator;

/**
 * A job's outputs run to completion on a local environment and collected, by type: what backtests
 * and tests read. All streams go through one collect sink, as Avro bytes tagged with their type:
 * several collect sinks on a local cluster lose what is left in them when the job ends before each
 * is drained.
 *
 * <pre>{@code
 * CollectedOutputs out = CollectedOutputs.run("fraud backtest", streams.byType());
 * List<FraudDecision> decisions = out.get(EventType.FRAUD_DECISION);
 * out.write(Path.of("/tmp/backtest"));
 * }</pre>
 */
public final class CollectedOutputs {

    private final Map<EventType<?>, List<SpecificRecordBase>> records;
    private final Map<String, List<String>> lines;

    private CollectedOutputs(
            Map<EventType<?>, List<SpecificRecordBase>> records, Map<String, List<String>> lines) {
        this.records = records;
        this.lines = lines;
    }

    /** Executes the job that {@code streams} belong to and waits for it to finish. */
    public static CollectedOutputs run(String jobName, Map<EventType<?>, DataStream<?>> streams)
            throws Exception {
        return run(jobName, streams, Map.of());
    }

    /**
     * As {@link #run(String, Map)}, also collecting text outputs (one line per record, e.g. JSON
     * documents) by topic name.
     */
    public static CollectedOutputs run(
            String jobName,
            Map<EventType<?>, DataStream<?>> streams,
            Map<String, DataStream<String>> texts)
            throws Exception {
        List<EventType<?>> types = new ArrayList<>(streams.keySet());
        List<String> topics = new ArrayList<>(texts.keySet());
        DataStream<Tagged> all = null;
        for (int i = 0; i < types.size() + topics.size(); i++) {
            DataStream<Tagged> tagged =
                    i < types.size()
                            ? tag(streams.get(types.get(i)), types.get(i), i)
                            : tagText(texts.get(topics.get(i - types.size())), i);
            all = all == null ? tagged : all.union(tagged);
        }
        Map<EventType<?>, List<SpecificRecordBase>> records = new LinkedHashMap<>();
        types.forEach(t -> records.put(t, new ArrayList<>()));
        Map<String, List<String>> lines = new LinkedHashMap<>();
        topics.forEach(t -> lines.put(t, new ArrayList<>()));
        List<AvroCodec<?>> codecs = types.stream().<AvroCodec<?>>map(AvroCodec::of).toList();
        try (CloseableIterator<Tagged> it = all.executeAndCollect(jobName)) {
            while (it.hasNext()) {
                Tagged t = it.next();
                if (t.type < types.size()) {
                    records.get(types.get(t.type)).add(codecs.get(t.type).decode(t.bytes));
                } else {
                    lines.get(topics.get(t.type - types.size()))
                            .add(new String(t.bytes, StandardCharsets.UTF_8));
                }
            }
        }
        return new CollectedOutputs(records, lines);
    }

    private static DataStream<Tagged> tagText(DataStream<String> stream, int index) {
        return stream.map(line -> new Tagged(index, line.getBytes(StandardCharsets.UTF_8)))
                .returns(Tagged.class)
                .name("collect text " + index);
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> DataStream<Tagged> tag(
            DataStream<?> stream, EventType<T> type, int index) {
        return ((DataStream<T>) stream)
                .map(new Encode<>(type, index))
                .returns(Tagged.class)
                .name("collect " + type.name());
    }

    private static final class Encode<T extends SpecificRecordBase>
            extends RichMapFunction<T, Tagged> {
        private static final long serialVersionUID = 1L;

        private final EventType<T> type;
        private final int index;
        private transient AvroCodec<T> codec;

        Encode(EventType<T> type, int index) {
            this.type = type;
            this.index = index;
        }

        @Override
        public void open(OpenContext openContext) {
            codec = AvroCodec.of(type);
        }

        @Override
        public Tagged map(T record) {
            return new Tagged(index, codec.encode(record));
        }
    }

    /** What the job wrote of {@code type}, in the order it arrived. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecordBase> List<T> get(EventType<T> type) {
        List<SpecificRecordBase> list = records.get(type);
        if (list == null) {
            throw new IllegalArgumentException("No " + type + " output was collected");
        }
        return (List<T>) list;
    }

    /** The lines of a text output, in the order they arrived. */
    public List<String> text(String topic) {
        List<String> list = lines.get(topic);
        if (list == null) {
            throw new IllegalArgumentException("No text output " + topic + " was collected");
        }
        return list;
    }

    /**
     * Writes every output as {@code <dir>/<topic>.jsonl} (default topic names for records, the
     * given names for text).
     */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (EventType<?> type : records.keySet()) {
            write(dir, type);
        }
        for (Map.Entry<String, List<String>> text : lines.entrySet()) {
            Files.write(dir.resolve(text.getKey() + ".jsonl"), text.getValue());
        }
    }

    private <T extends SpecificRecordBase> void write(Path dir, EventType<T> type)
            throws IOException {
        JsonCodec.of(type).writeFile(JsonCodec.file(dir, type), get(type));
    }

    /** One output record: the index of its type and its Avro single-object encoding. */
    public static class Tagged {
        public int type;
        public byte[] bytes;

        /** For Flink's POJO serializer. */
        public Tagged() {}

        Tagged(int type, byte[] bytes) {
            this.type = type;
            this.bytes = bytes;
        }
    }
}
