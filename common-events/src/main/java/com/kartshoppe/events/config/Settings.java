package com.kartshoppe.events.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;

/**
 * Job arguments ({@link #fromArgs}) and fail-fast validation of user-supplied settings: every key
 * must be a known option (or start with an allowed pass-through prefix), and every known option's
 * value must parse.
 */
public final class Settings {

    /** The argument naming a properties file of settings; arguments override its values. */
    public static final String CONFIG_FILE_ARG = "--config";

    /** Prefixes of Flink's own settings that a job's {@code main} accepts and hands to Flink. */
    public static final List<String> FLINK_PREFIXES =
            List.of("execution.", "state.", "pipeline.", "restart-strategy.", "parallelism.");

    /**
     * Pass-through prefixes every job's {@code main} accepts: Flink's own settings ({@link
     * #FLINK_PREFIXES}), handed to Flink, and Kafka client properties.
     */
    public static final List<String> JOB_PREFIXES = jobPrefixes();

    private static List<String> jobPrefixes() {
        List<String> all = new ArrayList<>(FLINK_PREFIXES);
        all.add(KafkaOptions.PASSTHROUGH_PREFIX);
        return List.copyOf(all);
    }

    private Settings() {}

    /**
     * The settings a job's {@code main} was given: {@code --key value} pairs, on top of the
     * properties file named by {@code --config FILE} if any, validated by {@link #validate}.
     *
     * @throws IllegalArgumentException for a malformed argument list, an unreadable file, an
     *     unknown key or an invalid value, naming it
     */
    public static Configuration fromArgs(
            String[] args, Collection<ConfigOption<?>> options, Collection<String> prefixes) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "Expected --key value pairs, but '" + args[args.length - 1] + "' has no value");
        }
        Configuration conf = new Configuration();
        Configuration given = new Configuration();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || args[i].length() == 2) {
                throw new IllegalArgumentException(
                        "Expected --key value pairs, but got '" + args[i] + "' as a key");
            }
            if (args[i].equals(CONFIG_FILE_ARG)) {
                conf.addAll(Configuration.fromMap(load(Path.of(args[i + 1]))));
            } else {
                given.setString(args[i].substring(2), args[i + 1]);
            }
        }
        conf.addAll(given);
        return validate(conf, options, prefixes);
    }

    /** The checkpoint interval of a deployed job that sets none. */
    public static final Duration DEPLOYED_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    /**
     * Where the changelog state backend keeps its state changes: Flink's {@code
     * FsStateChangelogOptions.BASE_PATH}, declared here because that class lives in {@code
     * flink-dstl-dfs}, a runtime jar of the cluster.
     */
    static final ConfigOption<String> CHANGELOG_BASE_PATH =
            ConfigOptions.key("state.changelog.dstl.dfs.base-path").stringType().noDefaultValue();

    /**
     * {@code conf} with the defaults of a deployed job for what it leaves unset: RocksDB state with
     * incremental checkpoints every {@link #DEPLOYED_CHECKPOINT_INTERVAL}, behind the changelog
     * state backend when checkpoints go to a directory ({@code execution.checkpointing.dir}), with
     * the changes in {@code <that directory>/changelog}.
     *
     * <p>Why the changelog: a RocksDB checkpoint's synchronous part (flushing and hard-linking each
     * keyed operator's database) holds the task for tens of milliseconds to seconds, and every
     * decision behind it waits; with the changelog a checkpoint only persists the changes logged
     * since the last one, and RocksDB is snapshotted in the background ({@code docs/performance.md}
     * measures both). {@code --state.changelog.enabled false} turns it off.
     */
    public static Configuration deployed(Configuration conf) {
        return deployed(conf, new Configuration());
    }

    /**
     * As {@link #deployed(Configuration)}, where {@code cluster} is the configuration the job is
     * submitted to (the cluster's {@code config.yaml} with {@code flink run -D}): a default applies
     * only where both {@code conf} and {@code cluster} are silent, so the cluster's settings win
     * over the job's defaults and the job's own arguments over both. A cluster that refuses program
     * configuration ({@code execution.program-config.enabled: false}) gets no defaults at all.
     */
    public static Configuration deployed(Configuration conf, ReadableConfig cluster) {
        Configuration deployed = new Configuration();
        deployed.addAll(conf);
        if (!cluster.get(DeploymentOptions.PROGRAM_CONFIG_ENABLED)) {
            return deployed;
        }
        defaultIfSilent(deployed, cluster, StateBackendOptions.STATE_BACKEND, "rocksdb");
        defaultIfSilent(deployed, cluster, CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        defaultIfSilent(
                deployed,
                cluster,
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                DEPLOYED_CHECKPOINT_INTERVAL);
        String checkpoints =
                deployed.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                        .or(() -> cluster.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                        .orElse(null);
        boolean changelogSet =
                conf.contains(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)
                        || cluster.getOptional(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)
                                .isPresent();
        boolean basePath =
                conf.contains(CHANGELOG_BASE_PATH)
                        || cluster.getOptional(CHANGELOG_BASE_PATH).isPresent();
        if (!changelogSet && (checkpoints != null || basePath)) {
            deployed.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, true);
            defaultIfSilent(
                    deployed,
                    cluster,
                    StateChangelogOptions.STATE_CHANGE_LOG_STORAGE,
                    "filesystem");
            if (!basePath) {
                deployed.set(CHANGELOG_BASE_PATH, checkpoints.replaceAll("/+$", "") + "/changelog");
            }
        }
        return deployed;
    }

    private static <T> void defaultIfSilent(
            Configuration deployed, ReadableConfig cluster, ConfigOption<T> option, T value) {
        if (!deployed.contains(option) && cluster.getOptional(option).isEmpty()) {
            deployed.set(option, value);
        }
    }

    /** The settings of {@code conf} that are Flink's own ({@link #FLINK_PREFIXES}). */
    public static Configuration flinkSettings(Configuration conf) {
        Configuration flink = new Configuration();
        conf.toMap()
                .forEach(
                        (key, value) -> {
                            if (FLINK_PREFIXES.stream().anyMatch(key::startsWith)) {
                                flink.setString(key, value);
                            }
                        });
        return flink;
    }

    /**
     * The value of an integer option that must be at least {@code min}.
     *
     * @throws IllegalArgumentException naming the option and the value otherwise
     */
    public static int atLeast(Configuration conf, ConfigOption<Integer> option, int min) {
        int value = conf.get(option);
        if (value < min) {
            throw new IllegalArgumentException(
                    option.key() + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /**
     * The value of a duration option that must be positive.
     *
     * @throws IllegalArgumentException naming the option and the value otherwise
     */
    public static Duration positive(Configuration conf, ConfigOption<Duration> option) {
        Duration value = nonNegative(conf, option);
        if (value.isZero()) {
            throw new IllegalArgumentException(option.key() + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * The value of a duration option that must not be negative.
     *
     * @throws IllegalArgumentException naming the option and the value otherwise
     */
    public static Duration nonNegative(Configuration conf, ConfigOption<Duration> option) {
        Duration value = conf.get(option);
        if (value.isNegative()) {
            throw new IllegalArgumentException(
                    option.key() + " must not be negative, got " + value);
        }
        return value;
    }

    private static Map<String, String> load(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    CONFIG_FILE_ARG + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k).trim()));
        return map;
    }

    /**
     * @throws IllegalArgumentException naming the first unknown key or the key whose value does not
     *     parse
     */
    public static Configuration validate(
            Configuration conf, Collection<ConfigOption<?>> options, Collection<String> prefixes) {
        Set<String> known = options.stream().map(ConfigOption::key).collect(Collectors.toSet());
        for (String key : new TreeSet<>(conf.keySet())) {
            if (!known.contains(key) && prefixes.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException(
                        "Unknown setting '"
                                + key
                                + "'. Known settings: "
                                + new TreeSet<>(known)
                                + (prefixes.isEmpty()
                                        ? ""
                                        : ", and any key starting with " + prefixes));
            }
        }
        for (ConfigOption<?> option : options) {
            try {
                conf.get(option);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Invalid value for '" + option.key() + "': " + e.getMessage(), e);
            }
        }
        return conf;
    }
}
