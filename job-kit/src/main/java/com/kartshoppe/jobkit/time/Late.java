package com.kartshoppe.jobkit.time;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the events of a late side output (metric {@code lateEvents}) on their way to wherever a
 * job keeps them: Flink's window operators send late events to the side output without counting
 * them.
 *
 * <pre>{@code
 * Late.counted(sessions.getSideOutput(Sessions.LATE), "sessions-late").sinkTo(lateSink);
 * }</pre>
 */
public final class Late {

    private Late() {}

    /** The late events, unchanged, after a counting operator with uid {@code uid}. */
    public static <T> SingleOutputStreamOperator<T> counted(DataStream<T> late, String uid) {
        return late.process(new CountLate<T>()).returns(late.getType()).uid(uid).name(uid);
    }

    static final class CountLate<T> extends ProcessFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private transient Counter counter;

        @Override
        public void open(OpenContext openContext) {
            counter = getRuntimeContext().getMetricGroup().counter("lateEvents");
        }

        @Override
        public void processElement(T value, Context ctx, Collector<T> out) {
            counter.inc();
            out.collect(value);
        }
    }
}
