package com.kartshoppe.benchmarks.e2e;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Counts the records of a bounded job's streams and when they passed, so a harness can report
 * steady-state throughput: records divided by the wall-clock span from the first counted record to
 * the last, which leaves out job deployment and source start-up.
 */
final class Throughput {

    /** What a job counted, and its net runtime. */
    record Result(long records, long spanMillis, long netRuntimeMillis) {

        /** Records per second between the first and the last record. */
        double steadyRate() {
            return records * 1000.0 / Math.max(1, spanMillis);
        }

        /** Records per second of the whole job run, start-up included. */
        double jobRate() {
            return records * 1000.0 / Math.max(1, netRuntimeMillis);
        }
    }

    private static final String FIRST = "throughput-first";
    private static final String LAST = "throughput-last";

    private Throughput() {}

    /** Counts {@code stream} under {@code name} and discards it. */
    static <T> void count(DataStream<T> stream, String name) {
        stream.process(new Count<T>(name)).name("count " + name).sinkTo(new DiscardingSink<>());
    }

    /**
     * Counts each of {@code streams} under its name and discards it.
     *
     * @return the names, for {@link #of}
     */
    static String[] count(Map<String, DataStream<?>> streams) {
        streams.forEach((name, stream) -> count(stream, name));
        return streams.keySet().toArray(String[]::new);
    }

    /** The counts of {@code names} together, with the span of all counted records. */
    static Result of(JobExecutionResult job, String... names) {
        long records = 0;
        for (String name : names) {
            records += job.<Long>getAccumulatorResult(name);
        }
        long first = job.<Long>getAccumulatorResult(FIRST);
        long last = job.<Long>getAccumulatorResult(LAST);
        return new Result(records, last - first, job.getNetRuntime(TimeUnit.MILLISECONDS));
    }

    static long count(JobExecutionResult job, String name) {
        return job.<Long>getAccumulatorResult(name);
    }

    /** Counts records into an accumulator, notes first and last wall-clock times, drops them. */
    private static final class Count<T> extends ProcessFunction<T, Void> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private transient LongCounter counter;
        private transient LongMinimum first;
        private transient LongMaximum last;

        Count(String name) {
            this.name = name;
        }

        @Override
        public void open(OpenContext openContext) {
            counter = new LongCounter();
            getRuntimeContext().addAccumulator(name, counter);
            first = accumulator(FIRST, new LongMinimum());
            last = accumulator(LAST, new LongMaximum());
        }

        @SuppressWarnings("unchecked")
        private <A extends Accumulator<Long, Long>> A accumulator(String key, A fresh) {
            A existing = (A) getRuntimeContext().<Long, Long>getAccumulator(key);
            if (existing != null) {
                return existing;
            }
            getRuntimeContext().addAccumulator(key, fresh);
            return fresh;
        }

        @Override
        public void processElement(T value, Context ctx, Collector<Void> out) {
            long now = System.currentTimeMillis();
            if (counter.getLocalValuePrimitive() == 0) {
                first.add(now);
            }
            counter.add(1);
            last.add(now);
        }
    }
}
