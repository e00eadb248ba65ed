package com.kartshoppe.features.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.features.TestEvents;
import com.kartshoppe.jobkit.time.EventTimeBounds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tests for {@link EventValidator}. */
class EventValidatorTest {

    /** The wall clock: an hour after the test events. */
    private static final Clock CLOCK =
            Clock.fixed(TestEvents.T0.plus(Duration.ofHours(1)), ZoneOffset.UTC);

    private final EventValidator validator =
            new EventValidator(
                    new EventTimeBounds(
                            Instant.parse("2000-01-01T00:00:00Z"), Duration.ofMinutes(5), CLOCK),
                    Set.of("EUR", "USD"));

    private static OrderEvent order() {
        return OrderEvent.newBuilder(TestEvents.order("u", 2_500, TestEvents.T0).order)
                .setCurrency("USD")
                .build();
    }

    @Test
    void validEventsPass() {
        assertThat(validator.check(order())).isNull();
        assertThat(validator.check(TestEvents.view("u", "p", TestEvents.T0).click)).isNull();
        assertThat(
                        validator.check(
                                TestEvents.payment("u", 1, true, "c", "DE", TestEvents.T0).payment))
                .isNull();
        assertThat(validator.check(TestEvents.login("u", false, "fr", "d", TestEvents.T0).login))
                .isNull();
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        OrderEvent o = order();
        o.setUserId(" ");

        Violation v = validator.check(o);

        assertThat(v.reason()).isEqualTo(Violation.MISSING_FIELD);
        assertThat(v.detail()).isEqualTo("userId is empty");
    }

    @Test
    void aProductViewNeedsItsProduct() {
        ClickEvent c = TestEvents.view("u", "p", TestEvents.T0).click;
        c.setProductId(null);

        assertThat(validator.check(c).detail()).isEqualTo("productId is empty");
        c.setType(ClickType.SEARCH);
        assertThat(validator.check(c)).isNull();
    }

    @Test
    void amountsMustNotBeNegativeAndMustAddUp() {
        OrderEvent negative = order();
        negative.setAmountMinor(-1);
        OrderEvent mismatch = order();
        mismatch.setAmountMinor(2_501);
        OrderEvent badQuantity = order();
        badQuantity.setItems(List.of(new OrderItem("p", "c", 0, 2_500L)));
        PaymentEvent payment = TestEvents.payment("u", -5, true, "c", "de", TestEvents.T0).payment;

        assertThat(validator.check(negative).reason()).isEqualTo(Violation.NEGATIVE_AMOUNT);
        assertThat(validator.check(mismatch).reason()).isEqualTo(Violation.AMOUNT_MISMATCH);
        assertThat(validator.check(mismatch).detail()).contains("2501").contains("2500");
        assertThat(validator.check(badQuantity).reason()).isEqualTo(Violation.INVALID_VALUE);
        assertThat(validator.check(payment).reason()).isEqualTo(Violation.NEGATIVE_AMOUNT);
    }

    @Test
    void anUnknownCurrencyIsRejected() {
        OrderEvent o = order();
        o.setCurrency("XBT");

        Violation v = validator.check(o);

        assertThat(v.reason()).isEqualTo(Violation.UNKNOWN_CURRENCY);
        assertThat(v.detail()).contains("'XBT'");
    }

    @Test
    void countriesMustBeTwoLetterCodes() {
        LoginEvent l = TestEvents.login("u", true, "Germany", "d", TestEvents.T0).login;

        assertThat(validator.check(l).reason()).isEqualTo(Violation.INVALID_VALUE);
        assertThat(validator.check(l).detail()).startsWith("country: 'Germany'");
    }

    @Test
    void implausibleEventTimesAreRejected() {
        ClickEvent micros = TestEvents.view("u", "p", TestEvents.T0).click;
        micros.setEventTime(Instant.ofEpochMilli(TestEvents.T0.toEpochMilli() * 1000));
        ClickEvent seconds = TestEvents.view("u", "p", TestEvents.T0).click;
        seconds.setEventTime(Instant.ofEpochMilli(TestEvents.T0.toEpochMilli() / 1000));

        assertThat(validator.check(micros).reason()).isEqualTo(EventTimeBounds.FUTURE);
        assertThat(validator.check(seconds).reason()).isEqualTo(EventTimeBounds.BEFORE_FLOOR);
    }

    @Test
    void theFutureIsMeasuredFromTheInjectedClock() {
        ClickEvent lastPlausible = TestEvents.view("u", "p", TestEvents.T0).click;
        lastPlausible.setEventTime(CLOCK.instant().plus(Duration.ofMinutes(5)));
        ClickEvent tooFarAhead = TestEvents.view("u", "p", TestEvents.T0).click;
        tooFarAhead.setEventTime(CLOCK.instant().plus(Duration.ofMinutes(5)).plusMillis(1));

        assertThat(validator.check(lastPlausible)).isNull();
        assertThat(validator.check(tooFarAhead).reason()).isEqualTo(EventTimeBounds.FUTURE);
    }
}
