package com.kartshoppe.features.analytics;

import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.session.SessionSummary;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * Conversion rate and mean session duration per campaign, per tumbling event-time window ({@code
 * features.campaign-window}). A session counts once, in the window in which its session window
 * closed (a gap after its last event), with its first firing ({@link SessionSummary#revision} 0):
 * late updates of a session change the session features, not these analytics.
 *
 * <p>A big campaign is a hot key: {@link TwoStageAggregation} counts per (campaign, shopper hash
 * mod {@code features.pre-aggregation-spread}) first. Summaries later than the allowed lateness go
 * to {@link #LATE}. Operator uids: {@code campaign-first-firings}, {@code campaign-partials},
 * {@code campaign-totals}.
 */
public final class CampaignConversion {

    /** Session summaries that arrived after their campaign window and its allowed lateness. */
    public static final OutputTag<SessionSummary> LATE =
            new OutputTag<>("late-sessions", TypeInformation.of(SessionSummary.class));

    private CampaignConversion() {}

    public static SingleOutputStreamOperator<CampaignStats> compute(
            DataStream<SessionSummary> sessions, Configuration conf) {
        return TwoStageAggregation.aggregate(
                sessions.filter(s -> s.revision == 0)
                        .name("first firings")
                        .uid("campaign-first-firings"),
                s -> s.campaignId,
                s -> s.userId,
                conf.get(FeatureOptions.PRE_AGGREGATION_SPREAD),
                TumblingEventTimeWindows.of(conf.get(FeatureOptions.CAMPAIGN_WINDOW)),
                conf.get(FeatureOptions.ALLOWED_LATENESS),
                new Count(),
                TypeInformation.of(CampaignStats.class),
                LATE,
                "campaign");
    }

    static final class Count extends PartialCount<SessionSummary, CampaignStats> {
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
    }
}
