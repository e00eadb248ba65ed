package com.kartshoppe.playground.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.Decision;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.playground.report.AlertsOverTime.Caught;
import com.kartshoppe.playground.report.AlertsOverTime.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link AlertsOverTime}. */
class AlertsOverTimeTest {

    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");

    @Test
    void countsAlertsAndCaughtFraudPerWindowAndFraudType() {
        List<FraudDecision> decisions =
                List.of(
                        // out of event-time order, as a backtest's outputs are
                        decision("o4", T0.plusSeconds(20 * 60 + 5), Decision.ALLOW),
                        decision("o1", T0.plusSeconds(30), Decision.REVIEW),
                        decision("o2", T0.plusSeconds(9 * 60 + 59), Decision.ALLOW),
                        decision("o3", T0.plusSeconds(10 * 60), Decision.BLOCK),
                        decision("o5", T0.plusSeconds(21 * 60), Decision.REVIEW));
        List<FraudLabel> labels =
                List.of(
                        label("o1", FraudLabelType.CHARGEBACK, "card-testing"),
                        label("o2", FraudLabelType.CONFIRMED_FRAUD, "promo-abuse"),
                        label("o4", FraudLabelType.CHARGEBACK, "card-testing"),
                        label("o5", FraudLabelType.CLEARED, null));

        AlertsOverTime overTime = AlertsOverTime.of(decisions, labels, 3);

        // 21 minutes: 22 one-minute or five 5-minute windows are too many, three of 10 are not
        assertThat(overTime.width()).isEqualTo(Duration.ofMinutes(10));
        assertThat(overTime.windows())
                .extracting(Window::start)
                .containsExactly(T0, T0.plusSeconds(600), T0.plusSeconds(1200));
        Window first = overTime.windows().get(0);
        assertThat(first.orders()).isEqualTo(2);
        assertThat(first.alerts()).isEqualTo(1);
        assertThat(first.alertShare()).isEqualTo(0.5);
        assertThat(first.fraud()).isEqualTo(new Caught(2, 1));
        assertThat(first.recall()).isEqualTo(0.5);
        assertThat(first.byFraudType())
                .isEqualTo(
                        Map.of("card-testing", new Caught(1, 1), "promo-abuse", new Caught(1, 0)));
        Window second = overTime.windows().get(1);
        assertThat(second.alertShare()).isEqualTo(1);
        assertThat(second.recall()).isNaN(); // no fraud in it
        assertThat(second.byFraudType().get("card-testing")).isEqualTo(new Caught(0, 0));
        Window third = overTime.windows().get(2);
        assertThat(third.orders()).isEqualTo(2);
        assertThat(third.alerts()).isEqualTo(1); // o5, CLEARED: an alert, not fraud
        assertThat(third.fraud()).isEqualTo(new Caught(1, 0));
    }

    @Test
    void windowsWithoutDecisionsAreKeptSoTheTimeAxisIsEven() {
        List<FraudDecision> decisions =
                List.of(
                        decision("o1", T0, Decision.ALLOW),
                        decision("o2", T0.plus(Duration.ofHours(3)), Decision.ALLOW));

        AlertsOverTime overTime = AlertsOverTime.of(decisions, List.of(), 48);

        assertThat(overTime.width()).isEqualTo(Duration.ofMinutes(5));
        assertThat(overTime.windows()).hasSize(37);
        assertThat(overTime.windows().get(1).orders()).isZero();
        assertThat(overTime.windows().get(1).alertShare()).isNaN();
    }

    @Test
    void noDecisionsGiveNoWindows() {
        assertThat(AlertsOverTime.of(List.of(), List.of(), 10).windows()).isEmpty();
    }

    private static FraudDecision decision(String orderId, Instant time, Decision decision) {
        return FraudDecision.newBuilder()
                .setDecisionId("d-" + orderId)
                .setEventTime(time)
                .setOrderId(orderId)
                .setUserId("u-" + orderId)
                .setScore(0.5)
                .setBaseScore(0.5)
                .setDecision(decision)
                .setReasons(List.of())
                .setModelName("fraud")
                .setModelVersion("1")
                .setAdapterVersion(0)
                .setDecidedAt(time.plusMillis(40))
                .setContributions(Map.of())
                .setContributionMethod("")
                .build();
    }

    private static FraudLabel label(String orderId, FraudLabelType type, String fraudType) {
        return FraudLabel.newBuilder()
                .setLabelId("l-" + orderId)
                .setEventTime(T0.plus(Duration.ofDays(1)))
                .setOrderId(orderId)
                .setUserId("u-" + orderId)
                .setOrderTime(T0)
                .setLabel(type)
                .setFraudType(fraudType)
                .build();
    }
}
