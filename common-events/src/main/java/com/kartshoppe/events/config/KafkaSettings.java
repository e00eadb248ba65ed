package com.kartshoppe.events.config;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Validated Kafka connection settings, read once from a {@link Configuration}.
 *
 * <pre>{@code
 * KafkaSettings kafka = KafkaSettings.from(conf);
 * KafkaSource.<T>builder().setBootstrapServers(kafka.bootstrapServers())
 *         .setProperties(kafka.clientProperties()) ...
 * }</pre>
 */
public final class KafkaSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final SecurityProtocol securityProtocol;
    private final TreeMap<String, String> passthrough;

    private KafkaSettings(
            String bootstrapServers,
            SecurityProtocol securityProtocol,
            Map<String, String> passthrough) {
        this.bootstrapServers = bootstrapServers;
        this.securityProtocol = securityProtocol;
        this.passthrough = new TreeMap<>(passthrough);
    }

    /** Plain-text settings for a broker at {@code bootstrapServers}, e.g. an embedded one. */
    public static KafkaSettings of(String bootstrapServers) {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        return from(conf);
    }

    /**
     * Reads and validates the settings.
     *
     * @throws IllegalArgumentException naming the offending key when a value is invalid
     */
    public static KafkaSettings from(Configuration conf) {
        String bootstrap = conf.get(KafkaOptions.BOOTSTRAP_SERVERS).trim();
        for (String server : bootstrap.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || !isPort(s.substring(colon + 1))) {
                throw new IllegalArgumentException(
                        KafkaOptions.BOOTSTRAP_SERVERS.key()
                                + ": expected host:port[,host:port...] but got '"
                                + bootstrap
                                + "'");
            }
        }
        String protocolName = conf.get(KafkaOptions.SECURITY_PROTOCOL).trim();
        SecurityProtocol protocol;
        try {
            protocol = SecurityProtocol.forName(protocolName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    KafkaOptions.SECURITY_PROTOCOL.key()
                            + ": unknown protocol '"
                            + protocolName
                            + "', expected one of "
                            + Arrays.toString(SecurityProtocol.values()),
                    e);
        }
        Map<String, String> passthrough = new TreeMap<>();
        for (Map.Entry<String, String> e : conf.toMap().entrySet()) {
            if (e.getKey().startsWith(KafkaOptions.PASSTHROUGH_PREFIX)) {
                String clientKey = e.getKey().substring(KafkaOptions.PASSTHROUGH_PREFIX.length());
                if (clientKey.isEmpty()) {
                    throw new IllegalArgumentException(
                            e.getKey() + ": a Kafka client property name must follow the prefix");
                }
                passthrough.put(clientKey, e.getValue());
            }
        }
        return new KafkaSettings(bootstrap, protocol, passthrough);
    }

    private static boolean isPort(String s) {
        try {
            int port = Integer.parseInt(s);
            return port > 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Properties for any Kafka client: bootstrap servers, security protocol and every pass-through
     * property. Returns a new, mutable copy each call.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(passthrough);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol.name);
        return props;
    }
}
