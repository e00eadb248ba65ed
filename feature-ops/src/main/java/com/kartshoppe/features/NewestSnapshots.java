package com.kartshoppe.features;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes a feature snapshot only if it is not older, by event time, than the last one passed for
 * its feature set and entity. Before the compacted {@code features.user} topic: compaction keeps
 * the last record per key, and the online store keeps the newest event time, so with this filter
 * the two agree and a store rebuilt from the compacted topic has the same contents. A snapshot
 * computed for an event that arrived out of order is dropped and counted ({@code staleSnapshots});
 * the next event's snapshot carries its effect. The last event time per key expires {@code
 * features.shopper-retention} after it was written.
 *
 * <pre>{@code
 * outputs.avro("features", EventType.FEATURE_SNAPSHOT, snapshots, NewestSnapshots::newestOnly);
 * }</pre>
 */
public final class NewestSnapshots
        extends KeyedProcessFunction<String, FeatureSnapshot, FeatureSnapshot> {

    private static final long serialVersionUID = 1L;

    private final Duration retention;
    private transient ValueState<Long> lastEventTime;
    private transient Counter stale;

    NewestSnapshots(Duration retention) {
        this.retention = retention;
    }

    /**
     * The snapshots not older than one already passed for their key, before the Kafka sink of
     * {@code topics.features-user}; the filter's uid is {@code newest-snapshots}.
     */
    public static DataStream<FeatureSnapshot> newestOnly(
            DataStream<FeatureSnapshot> snapshots, Configuration conf) {
        return filter(snapshots.keyBy(EventType.FEATURE_SNAPSHOT::key, Types.STRING), conf);
    }

    /**
     * {@link #newestOnly} for the snapshots of one feature set made in the shopper's task (entity
     * id = the user id the stream is partitioned by): keyed by entity id, which within one feature
     * set picks the same snapshots as the topic key, the filter runs in that task, chained, with no
     * shuffle and no network buffer to wait for.
     */
    public static DataStream<FeatureSnapshot> newestOnlyInShoppersTask(
            DataStream<FeatureSnapshot> snapshots, Configuration conf) {
        return filter(
                DataStreamUtils.reinterpretAsKeyedStream(
                        snapshots, FeatureSnapshot::getEntityId, Types.STRING),
                conf);
    }

    private static DataStream<FeatureSnapshot> filter(
            KeyedStream<FeatureSnapshot, String> snapshots, Configuration conf) {
        return snapshots
                .process(
                        new NewestSnapshots(conf.get(FeatureOptions.SHOPPER_RETENTION)),
                        new AvroTypeInfo<>(FeatureSnapshot.class))
                .uid("newest-snapshots")
                .name("newest snapshots only");
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Long> descriptor =
                new ValueStateDescriptor<>("last-event-time", Long.class);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention).build());
        lastEventTime = getRuntimeContext().getState(descriptor);
        stale = getRuntimeContext().getMetricGroup().counter("staleSnapshots");
    }

    @Override
    public void processElement(FeatureSnapshot s, Context ctx, Collector<FeatureSnapshot> out)
            throws Exception {
        long time = s.getEventTime().toEpochMilli();
        Long last = lastEventTime.value();
        if (last != null && time < last) {
            stale.inc();
            return;
        }
        lastEventTime.update(time);
        out.collect(s);
    }
}
