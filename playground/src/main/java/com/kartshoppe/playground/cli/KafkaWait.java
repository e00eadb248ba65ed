package com.kartshoppe.playground.cli;

import com.kartshoppe.events.config.KafkaSettings;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-timeout}: how long a command waits for a Kafka broker to answer before it starts,
 * so that a wrong address or a stopped broker fails in seconds with one clear line, not after the
 * clients' own minutes-long retries.
 */
final class KafkaWait {

    @Option(
            names = "--kafka-timeout",
            converter = DurationConverter.class,
            description =
                    "How long to wait for a Kafka broker to answer before giving up"
                            + " [${DEFAULT-VALUE}]")
    Duration timeout = Duration.ofSeconds(15);

    /**
     * Returns once a broker at {@code kafka}'s bootstrap servers answers.
     *
     * @throws IllegalStateException naming the address and the wait if none answers in time
     */
    void untilReachable(KafkaSettings kafka) {
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Properties props = kafka.clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes().get();
        } catch (ExecutionException | KafkaException e) {
            // A timeout says nothing the line does not; anything else (an unresolvable host, a
            // refused authentication) is worth its own words.
            String why =
                    e.getCause() instanceof TimeoutException
                            ? ""
                            : " (" + OneLineErrors.message(e) + ")";
            throw new IllegalStateException(
                    "No Kafka broker answered at "
                            + kafka.bootstrapServers()
                            + " within "
                            + TimeUtils.formatWithHighestUnit(timeout)
                            + why
                            + ": start one (`kartshoppe kafka`) or fix the address;"
                            + " --kafka-timeout waits longer",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
    }
}
