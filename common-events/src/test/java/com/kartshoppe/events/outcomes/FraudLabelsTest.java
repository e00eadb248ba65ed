package com.kartshoppe.events.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.events.SampleEvents;
import org.junit.jupiter.api.Test;

/** Tests for {@link FraudLabels}. */
class FraudLabelsTest {

    @Test
    void chargebacksAndConfirmedFraudAreFraudClearedIsNot() {
        assertThat(FraudLabels.isFraud(label(FraudLabelType.CHARGEBACK))).isTrue();
        assertThat(FraudLabels.isFraud(label(FraudLabelType.CONFIRMED_FRAUD))).isTrue();
        assertThat(FraudLabels.isFraud(label(FraudLabelType.CLEARED))).isFalse();
    }

    private static FraudLabel label(FraudLabelType type) {
        FraudLabel label = SampleEvents.fraudLabel();
        label.setLabel(type);
        return label;
    }
}
