package com.kartshoppe.features.user;

import static com.kartshoppe.features.TestEvents.T0;
import static com.kartshoppe.features.TestEvents.login;
import static com.kartshoppe.features.TestEvents.minutes;
import static com.kartshoppe.features.TestEvents.order;
import static com.kartshoppe.features.TestEvents.payment;
import static com.kartshoppe.features.TestEvents.seconds;
import static com.kartshoppe.features.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.TestEvents;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.jobkit.testing.Harnesses;
import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link ShopperFeatureFunction} with explicit watermarks. */
class ShopperFeatureFunctionTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ShopEvent, Featured> harness;

    private void open(Backend backend) throws Exception {
        harness =
                Harnesses.keyed(
                        new ShopperFeatureFunction(Duration.ofMinutes(30), Duration.ofDays(30)),
                        ShopEvent::userId,
                        backend);
    }

    private int entries(Backend backend) throws Exception {
        return Harnesses.stateEntries(harness, backend, "activity", "commerce");
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(ShopEvent e) throws Exception {
        harness.processElement(e, e.eventTime());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anOrderGetsItsFeaturesAtOnceWithExactValues(Backend backend) throws Exception {
        open(backend);
        send(login("alice", true, "de", "d-alice", T0));
        send(view("alice", "p1", minutes(1)));
        send(view("alice", "p2", minutes(2)));
        send(view("alice", "p1", seconds(150)));
        send(payment("alice", 500, false, "c1", "us", minutes(3)));
        send(payment("alice", 500, false, "c2", "us", seconds(200)));
        send(payment("alice", 500, true, "c3", "us", seconds(220)));
        send(view("bob", "p9", minutes(3))); // another shopper: no influence
        send(order("alice", 50_000, minutes(4)));

        List<Featured> out = harness.extractOutputValues();
        assertThat(out).hasSize(4); // three payments and the order, no watermark needed
        FeatureSnapshot snapshot = out.get(3).features;
        assertThat(snapshot.getEntityId()).isEqualTo("alice");
        assertThat(snapshot.getFeatureSet()).isEqualTo("fraud_v1");
        assertThat(snapshot.getEventTime()).isEqualTo(minutes(4));
        Map<String, Double> v = snapshot.getValues();
        assertThat(v)
                .containsOnlyKeys(
                        FeatureCatalog.FRAUD_V1.definitions().stream().map(d -> d.name()).toList());
        assertThat(v)
                .containsEntry("views_10m", 3.0)
                .containsEntry("session_distinct_items", 2.0)
                .containsEntry("session_views_before_order", 3.0)
                .containsEntry("orders_1h", 1.0)
                .containsEntry("amount_1h_eur", 500.0)
                .containsEntry("payment_attempts_10m", 3.0)
                .containsEntry("payment_declines_10m", 2.0)
                .containsEntry("distinct_cards_1h", 3.0)
                .containsEntry("distinct_devices_24h", 1.0)
                .containsEntry("failed_logins_1h", 0.0)
                .containsEntry("minutes_since_last_login", 4.0)
                .containsEntry("minutes_since_last_purchase", FeatureCatalog.MINUTES_CAP)
                .containsEntry("new_device", 1.0)
                .containsEntry("country_mismatch", 1.0)
                .containsEntry("amount_mean_eur", 0.0)
                .containsEntry("order_amount_eur", 500.0)
                .containsEntry("amount_zscore", 0.0)
                .containsEntry("amount_outlier", 0.0);
        assertThat(v.get("decline_ratio_10m")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(v.get("account_age_days"))
                .isCloseTo(
                        Duration.between(TestEvents.ACCOUNT_CREATED, minutes(4)).toMinutes()
                                / 1440.0,
                        within(1e-9));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void outOfOrderAndLateEventsStillCount(Backend backend) throws Exception {
        open(backend);
        send(order("carol", 10_000, minutes(10)));
        harness.processWatermark(minutes(20).toEpochMilli());
        // Both behind the watermark: late, but as-of-event features take them in.
        send(order("carol", 30_000, minutes(12)));
        send(order("carol", 20_000, minutes(11)));

        List<Featured> out = harness.extractOutputValues();
        Map<String, Double> third = out.get(2).features.getValues();
        assertThat(third)
                .containsEntry("orders_1h", 3.0)
                .containsEntry("amount_1h_eur", 600.0)
                .containsEntry("amount_mean_eur", 200.0)
                // the previous purchase is the newest one seen (12 min), after this one (11 min)
                .containsEntry("minutes_since_last_purchase", 0.0);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anIdleShoppersStateAndTimerAreCleanedUpAfterTheRetention(Backend backend)
            throws Exception {
        open(backend);
        send(login("dave", true, "de", "d-dave", T0));
        send(view("dave", "p1", minutes(1)));
        send(order("dave", 1_000, minutes(2)));
        assertThat(entries(backend)).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(
                minutes(2).plus(Duration.ofDays(30)).minusMillis(1).toEpochMilli());
        assertThat(entries(backend)).as("not yet").isEqualTo(2);

        harness.processWatermark(
                minutes(2).plus(Duration.ofDays(30)).plus(Duration.ofHours(1)).toEpochMilli());
        assertThat(entries(backend)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void activityPostponesTheCleanupWithASingleTimer(Backend backend) throws Exception {
        open(backend);
        for (int i = 0; i < 50; i++) {
            send(view("erin", "p" + i, minutes(i * 90L)));
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(minutes(49 * 90L).plus(Duration.ofDays(29)).toEpochMilli());
        assertThat(entries(backend)).isEqualTo(1);
        harness.processWatermark(minutes(49 * 90L).plus(Duration.ofDays(31)).toEpochMilli());
        assertThat(entries(backend)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
