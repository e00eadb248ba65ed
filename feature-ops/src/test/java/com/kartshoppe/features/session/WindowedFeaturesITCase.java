package com.kartshoppe.features.session;

import static com.kartshoppe.features.TestEvents.click;
import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.view;
import static com.kartshoppe.features.WindowTestSupport.byShopper;
import static com.kartshoppe.features.WindowTestSupport.campaignView;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests for {@link Sessions} on a MiniCluster (parallelism 2). The source emits a watermark after
 * every event, so which events are late is deterministic.
 */
class WindowedFeaturesITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @Test
    void sessionsCloseOnTheGapUpdateWithinLatenessAndSendLaterEventsAside() throws Exception {
        List<ShopEvent> events = new ArrayList<>();
        // alice: one session, 3 views of 2 products in 2 categories, a cart add, an order.
        events.add(campaignView("alice", "cmp-a", minutes(0)));
        events.add(view("alice", "p2", minutes(2)));
        events.add(click("alice", ClickType.ADD_TO_CART, "p2", minutes(3), "d-alice"));
        events.add(view("alice", "p2", minutes(4)));
        events.add(order("alice", 1_000, minutes(5)));
        // bob: a session at 60-62 min, fired by carol's event at 92.5 min (window end 92 min)...
        events.add(view("bob", "p3", minutes(60)));
        events.add(view("bob", "p4", minutes(62)));
        events.add(view("carol", "p5", minutes(92).plusSeconds(30)));
        // ...then a late view within the one-minute allowed lateness: the session fires again.
        events.add(view("bob", "p5", minutes(61)));
        // alice again, 2 hours too late: not in any window any more.
        ShopEvent tooLate = view("alice", "p9", minutes(6));
        events.add(tooLate);

        StreamExecutionEnvironment env = FlinkTestSupport.env();
        SingleOutputStreamOperator<SessionSummary> sessions =
                Sessions.summarize(byShopper(env, events), new Configuration());
        CloseableIterator<SessionSummary> summaries = sessions.collectAsync();
        CloseableIterator<ShopEvent> late = sessions.getSideOutput(Sessions.LATE).collectAsync();
        CloseableIterator<FeatureSnapshot> snapshots = Sessions.snapshots(sessions).collectAsync();
        env.execute("sessions");

        List<SessionSummary> out = new ArrayList<>();
        summaries.forEachRemaining(out::add);
        out.sort(
                Comparator.comparing((SessionSummary s) -> s.userId)
                        .thenComparing(s -> s.revision));
        assertThat(out)
                .extracting(s -> s.userId + "/" + s.revision)
                .containsExactly("alice/0", "bob/0", "bob/1", "carol/0");
        SessionSummary alice = out.get(0);
        assertThat(alice.start).isEqualTo(minutes(0).toEpochMilli());
        assertThat(alice.end).isEqualTo(minutes(5).toEpochMilli());
        assertThat(alice.durationSeconds()).isEqualTo(300.0);
        assertThat(alice.views).isEqualTo(3);
        assertThat(alice.distinctItems).isEqualTo(2);
        assertThat(alice.cartAdds).isEqualTo(1);
        assertThat(alice.converted).isTrue();
        assertThat(alice.campaignId).isEqualTo("cmp-a");
        assertThat(out.get(1).views).isEqualTo(2);
        assertThat(out.get(2).views).isEqualTo(3);
        assertThat(out.get(2).distinctItems).isEqualTo(3);
        assertThat(out.get(2).converted).isFalse();
        assertThat(out.get(2).campaignId).isEqualTo("none");

        List<ShopEvent> aside = new ArrayList<>();
        late.forEachRemaining(aside::add);
        assertThat(aside).containsExactly(tooLate);

        List<FeatureSnapshot> features = new ArrayList<>();
        snapshots.forEachRemaining(features::add);
        assertThat(features).hasSize(4);
        FeatureSnapshot aliceFeatures =
                features.stream()
                        .filter(f -> f.getEntityId().equals("alice"))
                        .findFirst()
                        .orElseThrow();
        assertThat(aliceFeatures.getFeatureSet()).isEqualTo("session_v1");
        assertThat(aliceFeatures.getValues())
                .containsEntry("session_duration_sec", 300.0)
                .containsEntry("session_views", 3.0)
                .containsEntry("session_distinct_items", 2.0)
                .containsEntry("session_distinct_categories", 2.0)
                .containsEntry("session_cart_adds", 1.0)
                .containsEntry("session_converted", 1.0);
    }
}
