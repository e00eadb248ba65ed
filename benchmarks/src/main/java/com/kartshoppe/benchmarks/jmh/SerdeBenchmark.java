package com.kartshoppe.benchmarks.jmh;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Avro single-object encoding: encode then decode one record (the decode resolves the writer schema
 * by fingerprint, as a Kafka source does), per event type.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=com.kartshoppe")
public class SerdeBenchmark {

    @Param({
        "ClickEvent",
        "OrderEvent",
        "PaymentEvent",
        "LoginEvent",
        "FraudLabel",
        "FraudDecision",
        "Recommendation",
        "PredictionLog",
        "AdapterParams",
        "LabeledExample",
        "FeatureSnapshot",
        "DeadLetter"
    })
    public String type;

    private RoundTrip<?> roundTrip;

    @Setup
    public void setUp() {
        EventType<?> eventType = EventType.byName(type);
        roundTrip =
                new RoundTrip<>(
                        eventType, SampleEvents.all().get(EventType.ALL.indexOf(eventType)));
    }

    @Benchmark
    public Object encodeDecode() throws DecodeException {
        return roundTrip.run();
    }

    @Benchmark
    public byte[] encode() {
        return roundTrip.encodeOnly();
    }

    @Benchmark
    public Object jsonEncodeDecodeBaseline() throws DecodeException {
        return roundTrip.json();
    }

    private static final class RoundTrip<T extends SpecificRecordBase> {
        private final AvroCodec<T> codec;
        private final JsonCodec<T> jsonCodec;
        private final T record;

        @SuppressWarnings("unchecked")
        RoundTrip(EventType<T> type, Object record) {
            this.codec = AvroCodec.of(type);
            this.jsonCodec = JsonCodec.of(type);
            this.record = (T) record;
        }

        T json() throws DecodeException {
            return jsonCodec.fromJson(jsonCodec.toJson(record));
        }

        T run() throws DecodeException {
            return codec.decode(codec.encode(record));
        }

        byte[] encodeOnly() {
            return codec.encode(record);
        }
    }
}
