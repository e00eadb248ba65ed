package com.kartshoppe.features.analytics;

import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.session.SessionSummary;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Conversion rate and mean session duration per campaign, per tumbling event-time window ({@code
 * features.campaign-window}), from the first firing of each session ({@link
 * SessionSummary#revision} 0; updates after lateness are not double-counted).
 *
 * <p>Skew: a campaign is one key, and a big campaign would load one subtask. So sessions are first
 * counted per (campaign, shopper hash mod {@code features.pre-aggregation-spread}) and only the
 * partial counts are merged per campaign: the hot key is spread over several subtasks.
 *
 * <p>Operator uids: {@code campaign-partials}, {@code campaign-stats}.
 */
public final class CampaignConversion {

    private static final TypeInformation<CampaignStats> TYPE =
            TypeInformation.of(CampaignStats.class);

    private CampaignConversion() {}

    public static SingleOutputStreamOperator<CampaignStats> compute(
            DataStream<SessionSummary> sessions, Configuration conf) {
        Duration window = conf.get(FeatureOptions.CAMPAIGN_WINDOW);
        int spread = conf.get(FeatureOptions.PRE_AGGREGATION_SPREAD);
        if (spread < 1) {
            throw new IllegalArgumentException(
                    FeatureOptions.PRE_AGGREGATION_SPREAD.key()
                            + ": must be at least 1, got "
                            + spread);
        }
        DataStream<CampaignStats> partials =
                sessions.filter(s -> s.revision == 0)
                        .name("first firings")
                        .uid("campaign-first-firings")
                        .keyBy(
                                s ->
                                        s.campaignId
                                                + "#"
                                                + Math.floorMod(s.userId.hashCode(), spread),
                                Types.STRING)
                        .window(TumblingEventTimeWindows.of(window))
                        .aggregate(new Count(), new Label(), TYPE, TYPE, TYPE)
                        .uid("campaign-partials")
                        .name("campaign partial counts");
        return partials.keyBy(p -> p.campaignId, Types.STRING)
                .window(TumblingEventTimeWindows.of(window))
                .reduce(CampaignStats::plus, new Label(), TYPE)
                .uid("campaign-stats")
                .name("campaign conversion");
    }

    static final class Count
            implements AggregateFunction<SessionSummary, CampaignStats, CampaignStats> {
        private static final long serialVersionUID = 1L;

        @Override
        public CampaignStats createAccumulator() {
            return new CampaignStats();
        }

        @Override
        public CampaignStats add(SessionSummary s, CampaignStats acc) {
            acc.campaignId = s.campaignId;
            acc.sessions++;
            acc.conversions += s.converted ? 1 : 0;
            acc.durationSecondsSum += s.durationSeconds();
            return acc;
        }

        @Override
        public CampaignStats getResult(CampaignStats acc) {
            return acc;
        }

        @Override
        public CampaignStats merge(CampaignStats a, CampaignStats b) {
            return a.plus(b);
        }
    }

    /** Stamps the window bounds on the counts. */
    static final class Label
            extends ProcessWindowFunction<CampaignStats, CampaignStats, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(
                String key,
                Context ctx,
                Iterable<CampaignStats> counts,
                Collector<CampaignStats> out) {
            CampaignStats stats = counts.iterator().next();
            stats.windowStart = ctx.window().getStart();
            stats.windowEnd = ctx.window().getEnd();
            out.collect(stats);
        }
    }
}
