package com.kartshoppe.events.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Settings}. */
class SettingsTest {

    /** A duration option, as the jobs' {@code watermark.idleness}. */
    private static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("A duration setting.");

    private static final List<ConfigOption<?>> OPTIONS =
            List.of(Topics.CLICKS, IDLENESS, KafkaOptions.BOOTSTRAP_SERVERS);
    private static final List<String> PREFIXES = List.of(KafkaOptions.PASSTHROUGH_PREFIX);

    @Test
    void knownKeysAndPrefixedKeysPass() {
        Configuration conf = new Configuration();
        conf.setString("topics.clicks", "c");
        conf.setString("watermark.idleness", "2 min");
        conf.setString("kafka.properties.sasl.mechanism", "PLAIN");

        Settings.validate(conf, OPTIONS, PREFIXES);

        assertThat(conf.get(IDLENESS)).isEqualTo(Duration.ofMinutes(2));
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

    @Test
    void argumentsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "topics.clicks=from-file\nwatermark.idleness=3 min\n");

        Configuration conf =
                Settings.fromArgs(
                        new String[] {"--config", file.toString(), "--topics.clicks", "c2"},
                        OPTIONS,
                        PREFIXES);

        assertThat(conf.get(Topics.CLICKS)).isEqualTo("c2");
        assertThat(conf.get(IDLENESS)).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void malformedArgumentsAreNamed() {
        assertThatThrownBy(
                        () ->
                                Settings.fromArgs(
                                        new String[] {"--topics.clicks"}, OPTIONS, PREFIXES))
                .hasMessageContaining("'--topics.clicks' has no value");
        assertThatThrownBy(
                        () ->
                                Settings.fromArgs(
                                        new String[] {"topics.clicks", "c"}, OPTIONS, PREFIXES))
                .hasMessageContaining("'topics.clicks' as a key");
        assertThatThrownBy(
                        () ->
                                Settings.fromArgs(
                                        new String[] {"--config", "/nonexistent/x"},
                                        OPTIONS,
                                        PREFIXES))
                .hasMessageStartingWith("--config: cannot read /nonexistent/x");
        assertThatThrownBy(
                        () ->
                                Settings.fromArgs(
                                        new String[] {"--topics.clickz", "c"}, OPTIONS, PREFIXES))
                .hasMessageStartingWith("Unknown setting 'topics.clickz'");
    }

    @Test
    void deployedDefaultsAreRocksDbWithIncrementalCheckpointsUnlessSet() {
        Configuration defaults = Settings.deployed(new Configuration());
        assertThat(defaults.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(defaults.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(defaults.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(10));

        Configuration chosen =
                Settings.deployed(
                        Settings.fromArgs(
                                new String[] {"--state.backend.type", "hashmap"},
                                OPTIONS,
                                Settings.JOB_PREFIXES));
        assertThat(chosen.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    }

    @Test
    void deployedJobsLogStateChangesNextToTheirCheckpointsUnlessTurnedOff() {
        assertThat(Settings.deployed(new Configuration()).get(ENABLED))
                .as("no checkpoint directory: nowhere to put the changelog")
                .isFalse();

        Configuration onS3 =
                Settings.deployed(
                        Settings.fromArgs(
                                new String[] {"--execution.checkpointing.dir", "s3://b/ckpt/"},
                                OPTIONS,
                                Settings.JOB_PREFIXES));
        assertThat(onS3.get(ENABLED)).isTrue();
        assertThat(onS3.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE))
                .isEqualTo("filesystem");
        assertThat(onS3.get(Settings.CHANGELOG_BASE_PATH)).isEqualTo("s3://b/ckpt/changelog");

        Configuration off =
                Settings.deployed(
                        Settings.fromArgs(
                                new String[] {
                                    "--execution.checkpointing.dir", "s3://b/ckpt",
                                    "--state.changelog.enabled", "false"
                                },
                                OPTIONS,
                                Settings.JOB_PREFIXES));
        assertThat(off.get(ENABLED)).isFalse();
        assertThat(off.contains(Settings.CHANGELOG_BASE_PATH)).isFalse();
    }

    private static final ConfigOption<Boolean> ENABLED =
            StateChangelogOptions.ENABLE_STATE_CHANGE_LOG;
}
