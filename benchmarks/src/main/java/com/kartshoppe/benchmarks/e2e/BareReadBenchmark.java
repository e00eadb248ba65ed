package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.DeadLetters;
import com.kartshoppe.events.serde.KafkaEventDeserializer;
import com.kartshoppe.events.time.Watermarks;
import com.kartshoppe.playground.kafka.EmbeddedKafka;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The physical-limit baseline: how fast can a Flink job (parallelism 2) read the shop's four input
 * topics from the embedded broker and decode them, dead letters split off, doing nothing else?
 * Every later pipeline is reported next to this figure, measured in the same run.
 *
 * <p>Fills a fresh embedded broker with N simulated input events, then runs the bounded read job
 * once to warm up and R more times to measure. Reports the median events per second of the job's
 * net runtime, with min and max. Broker, producer and Flink share this JVM and its cores, like the
 * playground.
 */
public final class BareReadBenchmark {

    private BareReadBenchmark() {}

    public static void main(String[] args) throws Exception {
        long events = 1_000_000;
        int runs = 5;
        int parallelism = 2;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--events" -> events = Long.parseLong(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[i + 1]);
                default ->
                        throw new IllegalArgumentException(
                                "Unknown option "
                                        + args[i]
                                        + "; known: --events N --runs R --parallelism P");
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            KafkaTraffic.Filled filled = KafkaTraffic.fill(kafka, events, 1);
            System.out.printf(
                    Locale.ROOT,
                    "Filled %,d input records (%s) in %.1f s: %,.0f records/s produced%n",
                    filled.inputs(),
                    filled.perTopic(),
                    filled.millis() / 1000.0,
                    filled.total() * 1000.0 / filled.millis());
            List<Double> rates = new ArrayList<>();
            for (int run = 0; run <= runs; run++) {
                Result result = readAll(kafka.bootstrapServers(), parallelism);
                if (result.records() != filled.inputs()) {
                    throw new IllegalStateException(
                            "Read " + result.records() + " records, expected " + filled.inputs());
                }
                double rate = result.records() * 1000.0 / result.millis();
                System.out.printf(
                        Locale.ROOT,
                        "%s %d: %,d records (%,d dead letters) in %,d ms = %,.0f records/s%n",
                        run == 0 ? "warm-up" : "run",
                        run,
                        result.records(),
                        result.deadLetters(),
                        result.millis(),
                        rate);
                if (run > 0) {
                    rates.add(rate);
                }
            }
            Collections.sort(rates);
            System.out.printf(
                    Locale.ROOT,
                    "bare-read, parallelism %d, %,d input records, %d runs: median %,.0f records/s"
                            + " (min %,.0f, max %,.0f); %d cores, Java %s%n",
                    parallelism,
                    filled.inputs(),
                    runs,
                    median(rates),
                    rates.get(0),
                    rates.get(rates.size() - 1),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
        }
    }

    record Result(long records, long deadLetters, long millis) {}

    private static Result readAll(String bootstrap, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        for (EventType<?> type : EventType.SHOP_INPUTS) {
            read(env, bootstrap, type);
        }
        JobExecutionResult result = env.execute("bare read");
        long records = 0;
        long letters = 0;
        for (EventType<?> type : EventType.SHOP_INPUTS) {
            records += result.<Long>getAccumulatorResult(type.name() + "-events");
            letters += result.<Long>getAccumulatorResult(type.name() + "-dead-letters");
        }
        return new Result(records + letters, letters, result.getNetRuntime(TimeUnit.MILLISECONDS));
    }

    private static <T extends SpecificRecordBase> void read(
            StreamExecutionEnvironment env, String bootstrap, EventType<T> type) {
        Configuration defaults = new Configuration();
        KafkaSource<Either<DeadLetter, T>> source =
                KafkaSource.<Either<DeadLetter, T>>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(defaults.get(type.topic()))
                        .setGroupId("bare-read")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(new KafkaEventDeserializer<>(type, "bare-read"))
                        .build();
        DataStream<Either<DeadLetter, T>> decoded =
                env.fromSource(source, Watermarks.forDecoded(type, defaults), type.name())
                        .uid(type.name() + "-source");
        SingleOutputStreamOperator<T> events =
                DeadLetters.split(decoded, type.name(), new AvroTypeInfo<>(type.recordClass()));
        count(events, type.name() + "-events");
        count(events.getSideOutput(DeadLetters.TAG), type.name() + "-dead-letters");
    }

    private static <T> void count(DataStream<T> stream, String name) {
        stream.process(new Count<T>(name)).name("count " + name).sinkTo(new DiscardingSink<>());
    }

    /** Counts records into an accumulator and drops them. */
    private static final class Count<T> extends ProcessFunction<T, Void> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private transient LongCounter counter;

        Count(String name) {
            this.name = name;
        }

        @Override
        public void open(OpenContext openContext) {
            counter = new LongCounter();
            getRuntimeContext().addAccumulator(name, counter);
        }

        @Override
        public void processElement(T value, Context ctx, Collector<Void> out) {
            counter.add(1);
        }
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
