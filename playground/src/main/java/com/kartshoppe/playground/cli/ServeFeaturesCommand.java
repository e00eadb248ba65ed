package com.kartshoppe.playground.cli;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreService;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe serve-features}: the online feature store and its HTTP server. */
@Command(
        name = "serve-features",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Materialises the features.user topic into the online store (embedded RocksDB by"
                    + " default, or Redis) and serves the newest values over HTTP until"
                    + " stopped (Ctrl-C) or for --duration.",
            "GET /features/{featureSet}/{entityId}, POST /features/{featureSet}"
                    + " {\"entityIds\": [...]}, GET /feature-sets, GET /health, GET /metrics."
        })
final class ServeFeaturesCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--bootstrap",
            required = true,
            description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...]")
    String bootstrap;

    @Option(
            names = "--port",
            description =
                    "HTTP port; 0 picks a free one [default: feature-store.server.port, 8088]")
    Integer port;

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            description = "Stop after this long, e.g. 90s (default: run until Ctrl-C)")
    Duration duration;

    @Option(
            names = {"-D", "--set"},
            description =
                    "A setting key=value: feature-store.* (e.g. feature-store.backend=REDIS),"
                            + " topics.*, kafka.* (see the README)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Mixin KafkaWait kafkaWait;

    @Override
    public Integer call() throws Exception {
        FeatureStoreSettings config = settings();
        kafkaWait.untilReachable(config.kafka());
        PrintWriter w = spec.commandLine().getOut();
        try (StopSignal stop = new StopSignal("serve-features", Duration.ofSeconds(30));
                FeatureStoreService service =
                        FeatureStoreService.start(config, FeatureCatalog.ALL, Clock.systemUTC())) {
            w.printf("Feature server at %s%n", service.uri());
            w.printf(
                    "Store %s, materialising %s from %s (group %s)%n",
                    service.store().describe(),
                    config.topic(),
                    config.kafka().bootstrapServers(),
                    config.groupId());
            String auth = config.token().isPresent() ? " -H 'Authorization: Bearer <token>'" : "";
            String caCert = config.tls().isPresent() ? " --cacert <server certificate>" : "";
            w.printf("Try: curl%s %s/features/fraud_v1/<userId>%s%n", caCert, service.uri(), auth);
            w.printf(
                    "  or: curl%s %s/get-online-features%s -d '{\"features\":"
                            + " [\"fraud_v1:orders_1h\"], \"entities\": {\"user_id\":"
                            + " [\"<userId>\"]}}'%n",
                    caCert, service.uri(), auth);
            w.printf("API: %s/openapi.json%n", service.uri());
            w.println(duration == null ? "Ctrl-C stops." : "Stops after " + duration + ".");
            w.flush();
            stop.await(duration);
            FeatureStoreMetrics m = service.metrics();
            w.printf(
                    "Read %d snapshots, wrote %d (%d stale, %d expired), %d dead letters%n",
                    m.snapshotsRead.getLongValue(),
                    m.snapshotsWritten.getLongValue(),
                    m.snapshotsStale.getLongValue(),
                    m.snapshotsExpired.getLongValue(),
                    m.deadLetters());
            w.flush();
        }
        return 0;
    }

    private FeatureStoreSettings settings() {
        Configuration conf = Configuration.fromMap(settings);
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrap);
        if (port != null) {
            conf.set(FeatureStoreOptions.SERVER_PORT, port);
        }
        return validated(spec, conf);
    }

    /**
     * The feature store's settings in {@code conf} ({@code feature-store.*}, {@code topics.*},
     * {@code kafka.*}), checked; a bad {@code -D} is a usage error of the command {@code spec}.
     */
    static FeatureStoreSettings validated(CommandSpec spec, Configuration conf) {
        try {
            return FeatureStoreSettings.from(
                    Settings.validate(
                            conf,
                            FeatureStoreOptions.ALL,
                            List.of(KafkaOptions.PASSTHROUGH_PREFIX)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
        }
    }
}
