package com.kartshoppe.fraud.patterns;

import static com.kartshoppe.features.TestEvents.login;
import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.payment;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Tests for {@link AccountDevices}. */
class AccountDevicesTest {

    private static final Duration RETENTION = Duration.ofDays(30);

    private static KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, PatternEvent> harness()
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, PatternEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AccountDevices(RETENTION.toMillis())),
                        ShopEvent::userId,
                        Types.STRING);
        harness.open();
        return harness;
    }

    private static List<Boolean> known(List<PatternEvent> logins) {
        return logins.stream().map(e -> e.knownDevice).toList();
    }

    @Test
    void aDeviceIsKnownAfterASuccessfulLoginAnOrderOrAnApprovedPayment() throws Exception {
        try (var h = harness()) {
            h.processElement(login("u1", false, "de", "phone", minutes(0)), 0);
            h.processElement(login("u1", true, "de", "phone", minutes(1)), 0);
            h.processElement(login("u1", false, "de", "phone", minutes(2)), 0);
            h.processElement(order("u1", "p-1", 10_00, minutes(3), "laptop"), 0);
            h.processElement(login("u1", false, "de", "laptop", minutes(4)), 0);
            h.processElement(login("u1", false, "de", "tablet", minutes(5)), 0);

            List<PatternEvent> out = h.extractOutputValues();
            assertThat(out).allMatch(e -> e.kind == PatternEvent.Kind.LOGIN);
            assertThat(known(out)).containsExactly(false, false, true, true, false);
            assertThat(out)
                    .extracting(e -> e.failed)
                    .containsExactly(true, false, true, true, true);
        }
    }

    @Test
    void failedLoginsAndDeclinedPaymentsTeachNothing() throws Exception {
        try (var h = harness()) {
            // TestEvents' payments come from the device "d-<user>".
            h.processElement(payment("u1", 500, false, "c1", "us", minutes(0)), 0);
            h.processElement(login("u1", false, "de", "d-u1", minutes(1)), 0);
            h.processElement(login("u1", false, "de", "d-u1", minutes(2)), 0);
            h.processElement(payment("u1", 500, true, "c1", "us", minutes(3)), 0);
            h.processElement(login("u1", false, "de", "d-u1", minutes(4)), 0);

            assertThat(known(h.extractOutputValues())).containsExactly(false, false, true);
        }
    }

    @Test
    void onlyAUseBeforeTheLoginInEventTimeCounts() throws Exception {
        try (var h = harness()) {
            // Out of order: the success arrives first, but the failure happened before it.
            h.processElement(login("u1", true, "de", "phone", minutes(10)), 0);
            h.processElement(login("u1", false, "de", "phone", minutes(5)), 0);
            h.processElement(login("u1", false, "de", "phone", minutes(15)), 0);

            assertThat(known(h.extractOutputValues())).containsExactly(false, false, true);
        }
    }

    @Test
    void devicesAreForgottenAfterTheRetentionAndTheStateIsCleared() throws Exception {
        try (var h = harness()) {
            h.processElement(login("u1", true, "de", "phone", minutes(0)), 0);
            h.processElement(login("u2", true, "de", "phone", minutes(0)), 0);
            h.processWatermark(minutes(0).plus(RETENTION).toEpochMilli());
            h.processElement(
                    login("u1", false, "de", "phone", minutes(0).plus(RETENTION).minusSeconds(1)),
                    0);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);

            // The cleanup timer fires at the end of the day the retention ends.
            h.processWatermark(minutes(0).plus(RETENTION).plus(Duration.ofDays(1)).toEpochMilli());
            h.processElement(
                    login("u1", false, "de", "phone", minutes(0).plus(RETENTION).plusSeconds(1)),
                    0);

            assertThat(known(h.extractOutputValues())).containsExactly(false, false, true, false);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anAccountRemembersAtMostSixteenDevicesTheLeastRecentlyUsedGoesFirst() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i <= AccountDevices.MAX_DEVICES; i++) {
                h.processElement(login("u1", true, "de", "device-" + i, minutes(i)), 0);
            }
            h.processElement(login("u1", false, "de", "device-0", minutes(100)), 0);
            h.processElement(login("u1", false, "de", "device-1", minutes(100)), 0);

            List<PatternEvent> out = h.extractOutputValues();
            assertThat(known(out.subList(out.size() - 2, out.size()))).containsExactly(false, true);
        }
    }
}
