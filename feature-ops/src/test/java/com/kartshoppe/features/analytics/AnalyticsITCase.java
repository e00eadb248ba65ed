package com.kartshoppe.features.analytics;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.view;
import static com.kartshoppe.features.WindowTestSupport.byShopper;
import static com.kartshoppe.features.WindowTestSupport.campaignView;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.WindowTestSupport;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.session.Sessions;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests for {@link CampaignConversion}, {@link ProductPopularity} and {@link TwoStageAggregation}
 * on a MiniCluster (parallelism 2), with a watermark after every event.
 */
class AnalyticsITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @Test
    void campaignConversionIsExactEvenWithAHotCampaign() throws Exception {
        List<ShopEvent> events = new ArrayList<>();
        // 300 sessions of the hot campaign, every third one converting; 4 of a small one.
        for (int i = 0; i < 300; i++) {
            String user = "hot-" + i;
            Instant t = minutes(0).plusSeconds(i);
            events.add(campaignView(user, "cmp-hot", t));
            events.add(view(user, "p2", t.plusSeconds(60)));
            if (i % 3 == 0) {
                events.add(order(user, 2_000, t.plusSeconds(120)));
            }
        }
        for (int i = 0; i < 4; i++) {
            events.add(campaignView("cold-" + i, "cmp-cold", minutes(10 + i)));
        }
        events.sort(Comparator.comparing(ShopEvent::eventTime));
        Configuration conf = new Configuration();
        conf.set(FeatureOptions.CAMPAIGN_WINDOW, Duration.ofHours(2));

        StreamExecutionEnvironment env = FlinkTestSupport.env();
        CloseableIterator<CampaignStats> stats =
                CampaignConversion.compute(Sessions.summarize(byShopper(env, events), conf), conf)
                        .collectAsync();
        env.execute("campaigns");

        Map<String, CampaignStats> byCampaign = new HashMap<>();
        stats.forEachRemaining(s -> byCampaign.put(s.campaignId, s));
        assertThat(byCampaign).containsOnlyKeys("cmp-hot", "cmp-cold");
        CampaignStats hot = byCampaign.get("cmp-hot");
        assertThat(hot.sessions).isEqualTo(300);
        assertThat(hot.conversions).isEqualTo(100);
        assertThat(hot.conversionRate()).isEqualTo(1.0 / 3);
        assertThat(hot.averageSessionSeconds()).isEqualTo((200 * 60.0 + 100 * 120.0) / 300);
        assertThat(hot.windowStart).isEqualTo(Instant.parse("2026-03-02T08:00:00Z").toEpochMilli());
        CampaignStats cold = byCampaign.get("cmp-cold");
        assertThat(cold.sessions).isEqualTo(4);
        assertThat(cold.conversions).isZero();
        assertThat(cold.averageSessionSeconds()).isZero();
    }

    @Test
    void theHotCampaignIsSpreadOverSubKeysInTheFirstStage() throws Exception {
        List<ShopEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(campaignView("hot-" + i, "cmp-hot", minutes(0).plusSeconds(i)));
        }
        Configuration conf = new Configuration();
        StreamExecutionEnvironment env = FlinkTestSupport.env();
        CloseableIterator<CampaignStats> partials =
                TwoStageAggregation.partials(
                                Sessions.summarize(byShopper(env, events), conf),
                                s -> s.campaignId,
                                s -> s.userId,
                                8,
                                TumblingEventTimeWindows.of(Duration.ofHours(1)),
                                Duration.ZERO,
                                new CampaignConversion.Count(),
                                TypeInformation.of(CampaignStats.class),
                                CampaignConversion.LATE,
                                "test")
                        .collectAsync();
        env.execute("partials");

        List<CampaignStats> out = new ArrayList<>();
        partials.forEachRemaining(out::add);
        assertThat(out).hasSize(8).allSatisfy(p -> assertThat(p.sessions).isBetween(5L, 60L));
        assertThat(out.stream().mapToLong(p -> p.sessions).sum()).isEqualTo(200);
    }

    @Test
    void productPopularitySlidesAndCountsViewsAndUnits() throws Exception {
        List<ShopEvent> events = new ArrayList<>();
        events.add(view("a", "shoes", minutes(1)));
        events.add(view("b", "shoes", minutes(7)));
        events.add(order("b", "shoes", 5_000, minutes(8), "d-b"));
        events.add(view("c", "hat", minutes(12)));
        Configuration conf = new Configuration();
        conf.set(FeatureOptions.POPULARITY_WINDOW, Duration.ofMinutes(10));
        conf.set(FeatureOptions.POPULARITY_SLIDE, Duration.ofMinutes(5));

        StreamExecutionEnvironment env = FlinkTestSupport.env();
        CloseableIterator<ProductStats> stats =
                ProductPopularity.compute(WindowTestSupport.events(env, events), conf)
                        .collectAsync();
        env.execute("popularity");

        Map<String, ProductStats> byWindow = new HashMap<>();
        stats.forEachRemaining(
                p ->
                        byWindow.put(
                                p.productId
                                        + "@"
                                        + (p.windowStart - minutes(0).toEpochMilli()) / 60_000,
                                p));
        // shoes: windows starting at -5, 0 and 5 minutes; hat: at 5 and 10.
        assertThat(byWindow.keySet())
                .containsExactlyInAnyOrder("shoes@-5", "shoes@0", "shoes@5", "hat@5", "hat@10");
        assertThat(byWindow.get("shoes@-5").views).isEqualTo(1);
        assertThat(byWindow.get("shoes@0").views).isEqualTo(2);
        assertThat(byWindow.get("shoes@0").unitsBought).isEqualTo(1);
        assertThat(byWindow.get("shoes@0").revenueMinor).isEqualTo(5_000);
        assertThat(byWindow.get("shoes@0").unitPriceEur()).isEqualTo(50.0);
        assertThat(byWindow.get("shoes@-5").unitPriceEur()).isNaN();
        assertThat(byWindow.get("shoes@5").views).isEqualTo(1);
        assertThat(byWindow.get("shoes@5").unitsBought).isEqualTo(1);
        assertThat(byWindow.get("hat@10").views).isEqualTo(1);
    }
}
