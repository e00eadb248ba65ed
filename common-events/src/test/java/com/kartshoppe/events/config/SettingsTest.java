package com.kartshoppe.events.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.time.EventTimeOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link Settings}. */
class SettingsTest {

    private static final List<ConfigOption<?>> OPTIONS =
            List.of(Topics.CLICKS, EventTimeOptions.IDLENESS, KafkaOptions.BOOTSTRAP_SERVERS);
    private static final List<String> PREFIXES = List.of(KafkaOptions.PASSTHROUGH_PREFIX);

    @Test
    void knownKeysAndPrefixedKeysPass() {
        Configuration conf = new Configuration();
        conf.setString("topics.clicks", "c");
        conf.setString("watermark.idleness", "2 min");
        conf.setString("kafka.properties.sasl.mechanism", "PLAIN");

        Settings.validate(conf, OPTIONS, PREFIXES);

        assertThat(conf.get(EventTimeOptions.IDLENESS)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void anUnknownKeyIsNamed() {
        Configuration conf = new Configuration();
        conf.setString("topics.clickz", "c");

        assertThatThrownBy(() -> Settings.validate(conf, OPTIONS, PREFIXES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown setting 'topics.clickz'")
                .hasMessageContaining("topics.clicks");
    }

    @Test
    void anUnparsableValueNamesTheKey() {
        Configuration conf = new Configuration();
        conf.setString("watermark.idleness", "soon");

        assertThatThrownBy(() -> Settings.validate(conf, OPTIONS, PREFIXES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid value for 'watermark.idleness'");
    }
}
