package com.kartshoppe.features.session;

import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The session window of {@link Sessions} as a raw operator, driven by explicit watermarks: exact
 * firings, revisions on late updates, the late side output, and that window state and timers are
 * gone once the allowed lateness has passed.
 */
class SessionWindowHarnessTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, SessionSummary> open()
            throws Exception {
        WindowOperatorBuilder<ShopEvent, String, TimeWindow> builder =
                new WindowOperatorBuilder<>(
                        EventTimeSessionWindows.withGap(Duration.ofMinutes(30)),
                        EventTimeTrigger.create(),
                        new ExecutionConfig(),
                        ShopEvents.TYPE,
                        ShopEvent::userId,
                        Types.STRING);
        builder.allowedLateness(Duration.ofMinutes(1));
        builder.sideOutputLateData(Sessions.LATE);
        KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, SessionSummary> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        builder.aggregate(
                                new Sessions.Aggregate(),
                                new Sessions.Summarize(),
                                TypeInformation.of(SessionAccumulator.class)),
                        ShopEvent::userId,
                        Types.STRING);
        harness.open();
        return harness;
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, SessionSummary> h,
            ShopEvent e)
            throws Exception {
        h.processElement(e, e.eventTime());
    }

    @Test
    void firesOnTheGapUpdatesWithinLatenessAndCleansUpAfterIt() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, SessionSummary> h = open()) {
            send(h, view("u", "p1", minutes(0)));
            send(h, view("u", "p2", minutes(10)));
            h.processWatermark(minutes(39).toEpochMilli());
            assertThat(h.extractOutputValues()).isEmpty();

            h.processWatermark(minutes(40).toEpochMilli()); // window [0, 40 min) ends
            List<SessionSummary> first = h.extractOutputValues();
            assertThat(first)
                    .singleElement()
                    .satisfies(
                            s -> {
                                assertThat(s.views).isEqualTo(2);
                                assertThat(s.revision).isZero();
                            });

            send(h, view("u", "p3", minutes(5))); // late, within the allowed minute
            ShopEvent tooLate = view("u", "p4", minutes(6));
            h.processWatermark(minutes(41).toEpochMilli()); // lateness over
            send(h, tooLate);

            List<SessionSummary> all = h.extractOutputValues();
            assertThat(all).hasSize(2);
            assertThat(all.get(1).views).isEqualTo(3);
            assertThat(all.get(1).revision).isEqualTo(1);
            assertThat(h.getSideOutput(Sessions.LATE))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(tooLate);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void sessionsMergeWhenAnEventBridgesTheGap() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, SessionSummary> h = open()) {
            send(h, view("u", "p1", minutes(0)));
            send(h, view("u", "p2", minutes(50)));
            send(h, view("u", "p3", minutes(25))); // within 30 min of both: one session
            h.processWatermark(minutes(200).toEpochMilli());

            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            s -> {
                                assertThat(s.views).isEqualTo(3);
                                assertThat(s.durationSeconds()).isEqualTo(50 * 60.0);
                            });
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
