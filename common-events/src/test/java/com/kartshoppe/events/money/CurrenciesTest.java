package com.kartshoppe.events.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tests for {@link Currencies}. */
class CurrenciesTest {

    @Test
    void convertsBetweenMinorUnitsRespectingDigits() {
        assertThat(Currencies.fromBaseMinor(10_000, "USD")).isEqualTo(10_800);
        assertThat(Currencies.fromBaseMinor(10_000, "JPY")).isEqualTo(16_200);
        assertThat(Currencies.toBaseMinor(16_200, "JPY")).isEqualTo(10_000);
        assertThat(Currencies.toBaseMinor(4_300, "PLN")).isEqualTo(1_000);
        assertThat(Currencies.toBaseMinor(999, "EUR")).isEqualTo(999);
    }

    @Test
    void roundTripLosesAtMostOneMinorUnit() {
        for (String code : Currencies.codes()) {
            for (long cents = 0; cents < 100_000; cents += 777) {
                long back = Currencies.toBaseMinor(Currencies.fromBaseMinor(cents, code), code);
                // JPY has no minor unit: one yen is about 0.6 euro cents.
                assertThat(Math.abs(back - cents)).as(code).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void unknownCurrencyIsNamed() {
        assertThatThrownBy(() -> Currencies.toBaseMinor(1, "XXX"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'XXX'");
    }
}
