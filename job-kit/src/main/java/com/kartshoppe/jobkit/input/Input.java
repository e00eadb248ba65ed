package com.kartshoppe.jobkit.input;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.events.serde.TopicReader;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import com.kartshoppe.jobkit.time.Watermarks;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where a job's input events come from: Kafka topics, or the bounded JSON-lines files of a
 * simulation or a historical export ({@code <dir>/<topic>.jsonl}). Either way the stream is the
 * same: decoded events and dead letters, with event-time watermarks, so the code downstream does
 * not know which one it runs on. Event times are judged plausible ({@code event-time.max-future})
 * against the input's wall clock: the system clock, or one a test injects.
 *
 * <pre>{@code
 * Input input = Input.jsonl("/tmp/sim");   // or Input.kafka(KafkaSettings.from(conf), "fraud-job", false)
 * DataStream<Either<DeadLetter, Sourced<ClickEvent>>> clicks =
 *         input.read(env, EventType.CLICK, conf, "fraud");
 * }</pre>
 */
public abstract class Input implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Clock clock;

    private Input(Clock clock) {
        this.clock = clock;
    }

    /**
     * Kafka topics (names from the {@code topics.*} options): resuming from the group's committed
     * offsets, or from the earliest ones for a new group.
     *
     * @param bounded stop at the offsets that are the latest when the job starts (tests,
     *     benchmarks, catching up)
     */
    public static Input kafka(KafkaSettings kafka, String groupId, boolean bounded) {
        return new KafkaInput(kafka, groupId, bounded);
    }

    /** JSON-lines files {@code <dir>/<topic>.jsonl}; bounded. */
    public static Input jsonl(String dir) {
        return jsonl(dir, Clock.systemUTC());
    }

    /**
     * JSON-lines files whose event times are judged against {@code clock} (a serializable clock,
     * such as {@link Clock#fixed}); for tests whose data is pinned to fixed instants.
     */
    public static Input jsonl(String dir, Clock clock) {
        return new JsonLinesInput(dir, clock);
    }

    /**
     * An empty bounded stream of {@code type}, where a job has no input of a kind (for example no
     * adapter parameters in a backtest); its operators' uids are {@code <uid>-source} and {@code
     * <uid>}.
     */
    public static <T> DataStream<T> none(
            StreamExecutionEnvironment env, TypeInformation<T> type, String uid, String name) {
        // fromData cannot make an empty stream.
        return env.fromSequence(0, 0)
                .uid(uid + "-source")
                .flatMap((Long n, Collector<T> out) -> {})
                .returns(type)
                .uid(uid)
                .name(name);
    }

    /** The wall clock that event times are judged against. */
    public Clock clock() {
        return clock;
    }

    /**
     * The decoded stream of one event type with watermarks. The source's uid is {@code
     * <type>-source}.
     */
    public final <T extends SpecificRecordBase> DataStream<Either<DeadLetter, Sourced<T>>> read(
            StreamExecutionEnvironment env, EventType<T> type, Configuration conf, String job) {
        String topic = conf.get(type.topic());
        return source(env, type, topic, Watermarks.forDecoded(type, conf, clock, replays()), job)
                .uid(type.name() + "-source")
                .name(describe() + " " + topic);
    }

    /**
     * The records of one event type, decoded and with a plausible event time: what fails to decode
     * (through {@link DeadLetters#split}, uid {@code <type>-dead-letter-split}) or has an event
     * time outside {@code event-time.min} and {@code event-time.max-future} is added to {@code
     * deadLetters}; the records' operator has the uid {@code <type>-records}.
     */
    public final <T extends SpecificRecordBase> DataStream<T> records(
            StreamExecutionEnvironment env,
            EventType<T> type,
            Configuration conf,
            String job,
            List<DataStream<DeadLetter>> deadLetters) {
        SingleOutputStreamOperator<Sourced<T>> decoded =
                DeadLetters.split(read(env, type, conf, job), type.name(), Sourced.typeInfo(type));
        deadLetters.add(decoded.getSideOutput(DeadLetters.TAG));
        SingleOutputStreamOperator<T> plausible =
                decoded.process(
                                new PlausibleRecords<>(
                                        type,
                                        conf.get(type.topic()),
                                        job,
                                        EventTimeBounds.from(conf, clock)),
                                new AvroTypeInfo<>(type.recordClass()))
                        .uid(type.name() + "-records")
                        .name(type.name() + " records");
        deadLetters.add(plausible.getSideOutput(DeadLetters.TAG));
        return plausible;
    }

    /**
     * Reads, once and where the job is built, the records of one type the input holds now: on
     * Kafka, the topic from its beginning to its end offsets (read_committed); for files, the file,
     * if there is one. Records that do not decode go to {@code undecodable} with where they are and
     * why. For what a job must know before it starts, such as the adapter versions already
     * published.
     *
     * @throws IOException if the input cannot be read (a topic that does not exist, a broker that
     *     does not answer)
     */
    public abstract <T extends SpecificRecordBase> void existing(
            EventType<T> type, Configuration conf, Consumer<T> each, Consumer<String> undecodable)
            throws IOException;

    abstract <T extends SpecificRecordBase> DataStreamSource<Either<DeadLetter, Sourced<T>>> source(
            StreamExecutionEnvironment env,
            EventType<T> type,
            String topic,
            WatermarkStrategy<Either<DeadLetter, Sourced<T>>> watermarks,
            String job);

    abstract String describe();

    /**
     * Whether this is a replay: bounded files read as fast as they can be, each at its own pace, so
     * one type's events run far ahead of another's (a small orders file is read before the clicks
     * that led to the orders). feature-ops' {@code ShopEvents} puts a replay back in event-time
     * order. Live Kafka topics advance together with the wall clock.
     */
    public abstract boolean replays();

    private static final class KafkaInput extends Input {
        private static final long serialVersionUID = 1L;
        private final KafkaSettings kafka;
        private final String groupId;
        private final boolean bounded;

        KafkaInput(KafkaSettings kafka, String groupId, boolean bounded) {
            super(Clock.systemUTC());
            this.kafka = kafka;
            this.groupId = groupId;
            this.bounded = bounded;
        }

        @Override
        <T extends SpecificRecordBase> DataStreamSource<Either<DeadLetter, Sourced<T>>> source(
                StreamExecutionEnvironment env,
                EventType<T> type,
                String topic,
                WatermarkStrategy<Either<DeadLetter, Sourced<T>>> watermarks,
                String job) {
            KafkaSourceBuilder<Either<DeadLetter, Sourced<T>>> builder =
                    KafkaSource.<Either<DeadLetter, Sourced<T>>>builder()
                            .setProperties(kafka.clientProperties())
                            .setTopics(topic)
                            .setGroupId(groupId)
                            .setStartingOffsets(
                                    OffsetsInitializer.committedOffsets(
                                            OffsetResetStrategy.EARLIEST))
                            .setDeserializer(new KafkaEventDeserializer<>(type, job));
            if (bounded) {
                builder.setBounded(OffsetsInitializer.latest());
            }
            return env.fromSource(builder.build(), watermarks, topic);
        }

        @Override
        public <T extends SpecificRecordBase> void existing(
                EventType<T> type,
                Configuration conf,
                Consumer<T> each,
                Consumer<String> undecodable)
                throws IOException {
            TopicReader.forEach(kafka, conf.get(type.topic()), type, each, undecodable);
        }

        @Override
        String describe() {
            return "Kafka";
        }

        @Override
        public boolean replays() {
            return false;
        }
    }

    private static final class JsonLinesInput extends Input {
        private static final long serialVersionUID = 1L;
        private final String dir;

        JsonLinesInput(String dir, Clock clock) {
            super(clock);
            this.dir = dir;
        }

        @Override
        <T extends SpecificRecordBase> DataStreamSource<Either<DeadLetter, Sourced<T>>> source(
                StreamExecutionEnvironment env,
                EventType<T> type,
                String topic,
                WatermarkStrategy<Either<DeadLetter, Sourced<T>>> watermarks,
                String job) {
            FileSource<Either<DeadLetter, Sourced<T>>> files =
                    FileSource.forRecordStreamFormat(
                                    new JsonLinesFormat<>(type, topic, job),
                                    new Path(dir, topic + ".jsonl"))
                            .build();
            return env.fromSource(files, watermarks, topic);
        }

        @Override
        public <T extends SpecificRecordBase> void existing(
                EventType<T> type,
                Configuration conf,
                Consumer<T> each,
                Consumer<String> undecodable)
                throws IOException {
            java.nio.file.Path file = java.nio.file.Path.of(dir, conf.get(type.topic()) + ".jsonl");
            if (!Files.exists(file)) {
                return;
            }
            JsonCodec<T> codec = JsonCodec.of(type);
            JsonCodec.forEachLine(
                    file,
                    (number, json) -> {
                        try {
                            each.accept(codec.fromJson(json));
                        } catch (DecodeException e) {
                            undecodable.accept(file + " line " + number + ": " + e.getMessage());
                        }
                    });
        }

        @Override
        String describe() {
            return "JSON lines";
        }

        @Override
        public boolean replays() {
            return true;
        }
    }
}
