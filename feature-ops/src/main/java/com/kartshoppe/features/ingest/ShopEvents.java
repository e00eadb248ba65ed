package com.kartshoppe.features.ingest;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.quality.Deduplicator;
import com.kartshoppe.features.quality.EventValidator;
import com.kartshoppe.features.quality.Normalizer;
import com.kartshoppe.features.quality.ValidateAndNormalize;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.input.Sourced;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The shop's four input topics, ingested: decoded, validated, normalised and merged into one stream
 * of {@link ShopEvent}s, with every rejected record in one dead-letter stream. The same code reads
 * Kafka or JSON-lines files ({@link Input}).
 *
 * <pre>{@code
 * ShopEvents shop = ShopEvents.read(env, Input.kafka(kafka, "fraud-job", false), conf, "fraud");
 * KeyedStream<ShopEvent, String> byShopper = shop.deduplicatedByShopper();
 * shop.deadLetters().sinkTo(dlqSink);
 * }</pre>
 *
 * <p>Operator uids: {@code <Type>-source}, {@code <Type>-dead-letter-split}, {@code
 * <Type>-validate}, {@code shop-dedup}, and for replays {@code shop-event-time-order}.
 */
public final class ShopEvents {

    /** A stable type for the union stream: a POJO of four Avro fields, no Kryo. */
    public static final TypeInformation<ShopEvent> TYPE = TypeInformation.of(ShopEvent.class);

    /**
     * The type of the ingested streams, up to the shuffle by shopper: a tag byte and the Avro
     * record ({@link ShopEventSerializer}), several times cheaper to read than the POJO form.
     */
    public static final TypeInformation<ShopEvent> WIRE_TYPE = new ShopEventSerializer.WireType();

    private final DataStream<ShopEvent> events;
    private final DataStream<DeadLetter> deadLetters;
    private final Configuration conf;
    private final boolean replay;

    private ShopEvents(
            DataStream<ShopEvent> events,
            DataStream<DeadLetter> deadLetters,
            Configuration conf,
            boolean replay) {
        this.events = events;
        this.deadLetters = deadLetters;
        this.conf = conf;
        this.replay = replay;
    }

    /**
     * Reads the four input topics.
     *
     * @param conf topic names, event-time and ingestion options ({@link FeatureOptions})
     * @param job the job's name, recorded in dead letters
     */
    public static ShopEvents read(
            StreamExecutionEnvironment env, Input input, Configuration conf, String job) {
        return read(env, input, conf, job, EventType.SHOP_INPUTS);
    }

    /** Reads some of the input topics: those of {@code types}, a subset of the shop's inputs. */
    public static ShopEvents read(
            StreamExecutionEnvironment env,
            Input input,
            Configuration conf,
            String job,
            List<EventType<?>> types) {
        if (types.isEmpty() || !EventType.SHOP_INPUTS.containsAll(types)) {
            throw new IllegalArgumentException(
                    "Shop inputs are " + EventType.SHOP_INPUTS + ", got " + types);
        }
        EventValidator validator = validator(conf, input.clock());
        Normalizer normalizer = normalizer(conf);
        List<DataStream<ShopEvent>> events = new ArrayList<>();
        List<DataStream<DeadLetter>> letters = new ArrayList<>();
        for (EventType<?> type : types) {
            SingleOutputStreamOperator<ShopEvent> valid =
                    ingest(env, input, type, conf, job, validator, normalizer, letters);
            events.add(valid);
            letters.add(valid.getSideOutput(DeadLetters.TAG));
        }
        return new ShopEvents(
                events.get(0).union(events.subList(1, events.size()).toArray(DataStream[]::new)),
                letters.get(0).union(letters.subList(1, letters.size()).toArray(DataStream[]::new)),
                conf,
                input.replays());
    }

    private static <T extends SpecificRecordBase> SingleOutputStreamOperator<ShopEvent> ingest(
            StreamExecutionEnvironment env,
            Input input,
            EventType<T> type,
            Configuration conf,
            String job,
            EventValidator validator,
            Normalizer normalizer,
            List<DataStream<DeadLetter>> letters) {
        SingleOutputStreamOperator<Sourced<T>> decoded =
                DeadLetters.split(
                        input.read(env, type, conf, job), type.name(), Sourced.typeInfo(type));
        letters.add(decoded.getSideOutput(DeadLetters.TAG));
        return decoded.process(
                        new ValidateAndNormalize<>(
                                type, conf.get(type.topic()), job, validator, normalizer),
                        WIRE_TYPE)
                .uid(type.name() + "-validate")
                .name(type.name() + ": validate and normalise")
                .setBufferTimeout(
                        Settings.nonNegative(conf, FeatureOptions.INGEST_BUFFER_TIMEOUT)
                                .toMillis());
    }

    /**
     * The validator configured by {@code event-time.*} and {@code ingest.currency-rates}, judging
     * event times against {@code clock}.
     */
    public static EventValidator validator(Configuration conf, Clock clock) {
        return new EventValidator(EventTimeBounds.from(conf, clock), normalizer(conf).currencies());
    }

    /**
     * The normaliser configured by {@code ingest.currency-rates}.
     *
     * @throws IllegalArgumentException naming the option when a rate does not parse
     */
    public static Normalizer normalizer(Configuration conf) {
        Map<String, BigDecimal> rates = new TreeMap<>();
        for (Map.Entry<String, String> e : conf.get(FeatureOptions.CURRENCY_RATES).entrySet()) {
            try {
                rates.put(
                        e.getKey().trim().toUpperCase(Locale.ROOT),
                        new BigDecimal(e.getValue().trim()));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(
                        FeatureOptions.CURRENCY_RATES.key()
                                + ": rate '"
                                + e.getValue()
                                + "' for "
                                + e.getKey()
                                + " is not a number",
                        ex);
            }
        }
        try {
            return new Normalizer(rates);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    FeatureOptions.CURRENCY_RATES.key() + ": " + e.getMessage(), e);
        }
    }

    /** Valid, normalised events of all four types; may contain duplicates. */
    public DataStream<ShopEvent> events() {
        return events;
    }

    /** Every record rejected by decoding or validation. */
    public DataStream<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /**
     * Whether {@link #deduplicatedByShopper()} is in event-time order per shopper: a replay, or
     * Kafka input with {@code ingest.event-time-order}.
     */
    public boolean inEventTimeOrder() {
        return replay || conf.get(FeatureOptions.EVENT_TIME_ORDER);
    }

    /**
     * The events keyed by shopper with redelivered copies removed ({@link Deduplicator}); the
     * returned stream stays partitioned by shopper, so keyed operators can follow without another
     * shuffle. A replay from files is also put back in event-time order per shopper ({@link
     * EventTimeOrder}, uid {@code shop-event-time-order}), so features see a shopper's events as
     * they happened, whatever pace each file is read at; Kafka input too when {@code
     * ingest.event-time-order} is set, otherwise it keeps its arrival order.
     */
    public KeyedStream<ShopEvent, String> deduplicatedByShopper() {
        SingleOutputStreamOperator<ShopEvent> unique =
                events.keyBy(ShopEvent::userId, Types.STRING)
                        .process(new Deduplicator(conf.get(FeatureOptions.DEDUP_HORIZON)), TYPE)
                        .uid("shop-dedup")
                        .name("deduplicate by event id");
        if (inEventTimeOrder()) {
            unique =
                    DataStreamUtils.reinterpretAsKeyedStream(
                                    unique, ShopEvent::userId, Types.STRING)
                            .process(new EventTimeOrder<String, ShopEvent>(TYPE), TYPE)
                            .uid("shop-event-time-order")
                            .name("event-time order (replay)");
        }
        return DataStreamUtils.reinterpretAsKeyedStream(unique, ShopEvent::userId, Types.STRING);
    }
}
