package com.kartshoppe.features.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.features.TestEvents;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link Normalizer}. */
class NormalizerTest {

    @Test
    void amountsBecomeEuroCentsWithTheRateTable() {
        Normalizer normalizer = new Normalizer(Map.of("USD", new BigDecimal("1.25")));
        OrderEvent order = TestEvents.order("u", 0, TestEvents.T0).order;
        order.setCurrency(" usd ");
        order.setItems(
                List.of(new OrderItem("p1", "c", 2, 1_250L), new OrderItem("p2", "c", 1, 500L)));
        order.setAmountMinor(3_000);

        normalizer.normalize(order);

        assertThat(order.getCurrency()).isEqualTo("EUR");
        assertThat(order.getAmountMinor()).isEqualTo(2_400);
        assertThat(order.getItems())
                .extracting(OrderItem::getUnitPriceMinor)
                .containsExactly(1_000L, 400L);
    }

    @Test
    void referenceRatesApplyWhereNotOverridden() {
        PaymentEvent payment =
                TestEvents.payment("u", 16_200, true, "c", "JP", TestEvents.T0).payment;
        payment.setCurrency("JPY");

        new Normalizer(Map.of()).normalize(payment);

        assertThat(payment.getAmountMinor()).isEqualTo(10_000);
        assertThat(payment.getBinCountry()).isEqualTo("jp");
    }

    @Test
    void identifiersAreTrimmedAndLowerCased() {
        LoginEvent login = TestEvents.login(" u1 ", true, "DE", " Dev-A ", TestEvents.T0).login;

        new Normalizer(Map.of()).normalize(login);

        assertThat(login.getUserId()).isEqualTo("u1");
        assertThat(login.getDeviceId()).isEqualTo("dev-a");
        assertThat(login.getCountry()).isEqualTo("de");
    }

    @Test
    void aRateForAnUnknownCurrencyIsRejectedAtStartUp() {
        assertThatThrownBy(() -> new Normalizer(Map.of("XBT", BigDecimal.ONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'XBT'");
        assertThatThrownBy(() -> new Normalizer(Map.of("USD", BigDecimal.ZERO)))
                .hasMessageContaining("USD must be positive");
    }
}
