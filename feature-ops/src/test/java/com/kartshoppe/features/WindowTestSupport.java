package com.kartshoppe.features;

import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Bounded event streams whose watermark is the newest event time after every event, so which events
 * are late is deterministic in a MiniCluster test.
 */
public final class WindowTestSupport {

    private WindowTestSupport() {}

    public static WatermarkStrategy<ShopEvent> punctuated() {
        return WatermarkStrategy.<ShopEvent>forGenerator(
                        ctx ->
                                new WatermarkGenerator<>() {
                                    private long max = Long.MIN_VALUE;

                                    @Override
                                    public void onEvent(ShopEvent e, long ts, WatermarkOutput out) {
                                        max = Math.max(max, ts);
                                        out.emitWatermark(new Watermark(max));
                                    }

                                    @Override
                                    public void onPeriodicEmit(WatermarkOutput out) {}
                                })
                .withTimestampAssigner((e, ts) -> e.eventTime());
    }

    public static DataStream<ShopEvent> events(
            StreamExecutionEnvironment env, List<ShopEvent> events) {
        return env.fromData(events, ShopEvents.TYPE).assignTimestampsAndWatermarks(punctuated());
    }

    public static KeyedStream<ShopEvent, String> byShopper(
            StreamExecutionEnvironment env, List<ShopEvent> events) {
        return events(env, events).keyBy(ShopEvent::userId, Types.STRING);
    }

    /** A product view landing from a campaign. */
    public static ShopEvent campaignView(String user, String campaign, Instant t) {
        ShopEvent e = TestEvents.view(user, "p1", t);
        e.click.setCampaignId(campaign);
        return e;
    }
}
