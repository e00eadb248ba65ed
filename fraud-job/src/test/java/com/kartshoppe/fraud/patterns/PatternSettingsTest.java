package com.kartshoppe.fraud.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.Decision;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link PatternSettings}. */
class PatternSettingsTest {

    @Test
    void defaultsAndOverrides() {
        Configuration conf = new Configuration();
        conf.setString("cep.card-testing.max-probe-eur", "12.5");
        conf.setString("cep.velocity.within", "5 min");
        conf.setString("cep.shared-device.at-least", "BLOCK");

        PatternSettings s = PatternSettings.from(conf);

        assertThat(s.maxProbeCents()).isEqualTo(1250);
        assertThat(s.minDeclines()).isEqualTo(3);
        assertThat(s.within(FraudPattern.VELOCITY)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.flagFor(FraudPattern.VELOCITY)).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.atLeast())
                .containsEntry(FraudPattern.SHARED_DEVICE, Decision.BLOCK)
                .containsEntry(FraudPattern.CARD_TESTING, Decision.REVIEW);
        assertThat(s.knownDeviceFor()).isEqualTo(Duration.ofDays(90));
        assertThat(PatternSettings.ALL).hasSize(7 + 3 * FraudPattern.values().length);
    }

    @Test
    void outOfRangeValuesNameTheirKey() {
        assertThatThrownBy(() -> PatternSettings.from(with("cep.velocity.min-orders", "1")))
                .hasMessage("cep.velocity.min-orders must be at least 2, got 1");
        assertThatThrownBy(() -> PatternSettings.from(with("cep.card-testing.max-probe-eur", "0")))
                .hasMessageStartingWith("cep.card-testing.max-probe-eur must be a positive");
        assertThatThrownBy(() -> PatternSettings.from(with("cep.account-takeover.flag-for", "0 s")))
                .hasMessageStartingWith("cep.account-takeover.flag-for must be positive");
    }

    private static Configuration with(String key, String value) {
        Configuration conf = new Configuration();
        conf.setString(key, value);
        return conf;
    }
}
