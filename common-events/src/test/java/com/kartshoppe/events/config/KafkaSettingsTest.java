package com.kartshoppe.events.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link KafkaSettings}. */
class KafkaSettingsTest {

    @Test
    void defaultsWorkLocally() {
        Properties props = KafkaSettings.from(new Configuration()).clientProperties();

        assertThat(props)
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("security.protocol", "PLAINTEXT")
                .hasSize(2);
    }

    @Test
    void passthroughPropertiesReachEveryClient() {
        Configuration conf = new Configuration();
        conf.setString("kafka.bootstrap-servers", "b1:9093,b2:9093");
        conf.setString("kafka.security-protocol", "sasl_ssl");
        conf.setString("kafka.properties.sasl.mechanism", "SCRAM-SHA-512");
        conf.setString("kafka.properties.ssl.truststore.location", "/etc/ts.jks");
        conf.setString("topics.clicks", "ignored-here");

        Properties props = KafkaSettings.from(conf).clientProperties();

        assertThat(props)
                .containsEntry("bootstrap.servers", "b1:9093,b2:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/ts.jks")
                .hasSize(4);
    }

    @Test
    void aBadBootstrapAddressNamesTheKey() {
        Configuration conf = new Configuration();
        conf.setString("kafka.bootstrap-servers", "localhost");

        assertThatThrownBy(() -> KafkaSettings.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.bootstrap-servers")
                .hasMessageContaining("'localhost'");
    }

    @Test
    void anUnknownProtocolNamesTheKey() {
        Configuration conf = new Configuration();
        conf.setString("kafka.security-protocol", "TLS");

        assertThatThrownBy(() -> KafkaSettings.from(conf))
                .hasMessageContaining("kafka.security-protocol")
                .hasMessageContaining("'TLS'");
    }

    @Test
    void topicDefaultsMatchTheTopicTable() {
        assertThat(Topics.ALL)
                .extracting(o -> o.defaultValue())
                .containsExactly(
                        "shop.clicks",
                        "shop.orders",
                        "shop.payments",
                        "shop.logins",
                        "fraud.labels",
                        "fraud.decisions",
                        "reco.recommendations",
                        "ml.predictions",
                        "ml.model-params",
                        "ml.feedback-accuracy",
                        "ml.training-examples",
                        "fraud.rules",
                        "features.user",
                        "dlq.events");
    }
}
