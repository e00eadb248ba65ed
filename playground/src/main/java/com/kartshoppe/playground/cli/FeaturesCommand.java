package com.kartshoppe.playground.cli;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.erasure.ShopperErasure;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStores;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kartshoppe features}: maintenance of the features of the online store and its topic. */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        description = "Maintains the shoppers' features in features.user and the online store.",
        subcommands = {FeaturesCommand.Delete.class})
final class FeaturesCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: delete");
    }

    /** {@code kartshoppe features delete}: erases one shopper's features. */
    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Erases one shopper's features: writes a tombstone per feature set to"
                        + " features.user (a running feature store deletes the shopper when it"
                        + " reads them, and no rebuild brings them back) and, with --store,"
                        + " deletes the shopper from that online store at once.",
                "A RocksDB store can only be opened while no feature server runs on it; without"
                        + " --store the running server applies the tombstones itself.",
                "Not erased: what the jobs hold in keyed state until their timers clear it, and"
                        + " the records of other topics (see the README, Deleting a shopper)."
            })
    static final class Delete implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(names = "--user", required = true, description = "The shopper's id, e.g. u-42")
        String user;

        @Option(
                names = "--bootstrap",
                required = true,
                description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...]")
        String bootstrap;

        @Option(
                names = "--store",
                description =
                        "Also delete from this online store now: rocksdb:PATH or"
                                + " redis://HOST:PORT (the key layout from"
                                + " feature-store.redis.key-pattern)")
        String store;

        @Option(
                names = "--feature-set",
                description = "A feature set to erase, repeatable [every set of the catalog]")
        List<String> featureSets = new ArrayList<>();

        @Option(
                names = {"-D", "--set"},
                description = "A setting key=value: topics.features-user, kafka.*, feature-store.*")
        Map<String, String> settings = new LinkedHashMap<>();

        @Override
        public Integer call() {
            FeatureStoreSettings config = settings();
            Set<String> sets = new LinkedHashSet<>(featureSets);
            if (sets.isEmpty()) {
                FeatureCatalog.ALL.stream().map(FeatureSet::name).forEach(sets::add);
            }
            PrintWriter w = spec.commandLine().getOut();
            ShopperErasure.Result result;
            if (store == null) {
                result =
                        ShopperErasure.erase(
                                config.kafka(), config.topic(), user, sets, Optional.empty());
            } else {
                try (OnlineStore online = OnlineStores.open(config, Clock.systemUTC())) {
                    result =
                            ShopperErasure.erase(
                                    config.kafka(),
                                    config.topic(),
                                    user,
                                    sets,
                                    Optional.of(online));
                    w.printf(
                            "Deleted %d of %d keys of %s from %s%n",
                            result.deletedFromStore().orElseThrow(),
                            sets.size(),
                            user,
                            online.describe());
                }
            }
            for (String t : result.tombstones()) {
                w.printf("Tombstone %s%n", t);
            }
            w.flush();
            return 0;
        }

        private FeatureStoreSettings settings() {
            Configuration conf = Configuration.fromMap(settings);
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrap);
            if (store != null) {
                if (store.startsWith("rocksdb:")) {
                    conf.set(FeatureStoreOptions.BACKEND, FeatureStoreOptions.Backend.ROCKSDB);
                    conf.set(
                            FeatureStoreOptions.ROCKSDB_PATH, store.substring("rocksdb:".length()));
                } else if (store.startsWith("redis://") || store.startsWith("rediss://")) {
                    conf.set(FeatureStoreOptions.BACKEND, FeatureStoreOptions.Backend.REDIS);
                    conf.set(FeatureStoreOptions.REDIS_URI, store);
                } else {
                    throw new ParameterException(
                            spec.commandLine(),
                            "--store: '" + store + "': expected rocksdb:PATH or redis://HOST:PORT");
                }
            }
            if (user.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--user: must not be blank");
            }
            return ServeFeaturesCommand.validated(spec, conf);
        }
    }
}
