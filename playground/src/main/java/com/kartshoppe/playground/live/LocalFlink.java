package com.kartshoppe.playground.live;

import com.kartshoppe.events.config.Settings;
import com.kartshoppe.jobkit.JobDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster in this JVM with the Flink web UI, running jobs as separate Flink jobs, each
 * with a fixed job id derived from its name. Checkpoints are kept when a job is cancelled, so a
 * playground restarted on the same checkpoint directory resumes each job from its newest one.
 */
final class LocalFlink implements AutoCloseable {

    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

    private final MiniCluster cluster;
    private final Path checkpoints;
    private final Map<String, JobID> jobs = new LinkedHashMap<>();

    private LocalFlink(MiniCluster cluster, Path checkpoints) {
        this.cluster = cluster;
        this.checkpoints = checkpoints;
    }

    /**
     * Starts the cluster: one TaskManager with {@code slots} slots, the REST API and web UI on
     * {@code 127.0.0.1:restPort} (0 = a free port).
     */
    static LocalFlink start(int restPort, int slots, Path checkpoints) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, restPort);
        // Three stateful jobs share the JVM with the broker: RocksDB's managed memory stays modest.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(384));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        try {
            cluster.start();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new LocalFlink(cluster, checkpoints);
    }

    /** The REST API and web UI. */
    URI webUi() throws Exception {
        return cluster.getRestAddress().get(10, TimeUnit.SECONDS);
    }

    /**
     * Submits {@code job} as its own Flink job, resumed from its newest retained checkpoint if
     * there is one.
     *
     * @return the checkpoint it resumed from, if any
     */
    Optional<Path> submit(JobDescription job, Configuration settings) throws Exception {
        JobID id = jobId(job.name());
        Configuration given = new Configuration(settings);
        given.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        if (!settings.contains(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)) {
            // Three jobs, the broker and the feature store share one JVM here: with the changelog
            // state backend on, a checkpoint acknowledgement ran the playground test's 2 GB heap
            // out of memory once. Deployed jobs keep it (Settings.deployed); -D turns it on here.
            given.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, false);
        }
        Configuration conf = Settings.deployed(given);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        job.wireOnKafka(conf, env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(job.name());
        graph.setJobId(id);
        Optional<Path> resumeFrom = newestCheckpoint(checkpoints.resolve(id.toHexString()));
        resumeFrom.ifPresent(
                path ->
                        graph.setSavepointRestoreSettings(
                                SavepointRestoreSettings.forPath(
                                        path.toString(), false, RecoveryClaimMode.CLAIM)));
        cluster.submitJob(graph).get(1, TimeUnit.MINUTES);
        jobs.put(job.name(), id);
        return resumeFrom;
    }

    /** Each submitted job's status, by job name. */
    Map<String, JobStatus> statuses() throws Exception {
        Map<String, JobStatus> statuses = new LinkedHashMap<>();
        for (Map.Entry<String, JobID> job : jobs.entrySet()) {
            statuses.put(
                    job.getKey(), cluster.getJobStatus(job.getValue()).get(10, TimeUnit.SECONDS));
        }
        return statuses;
    }

    /** Cancels every job (their newest checkpoints stay), waits for them, stops the cluster. */
    @Override
    public void close() throws Exception {
        try {
            for (JobID id : jobs.values()) {
                if (!cluster.getJobStatus(id).get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    cluster.cancelJob(id).get(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            for (JobID id : jobs.values()) {
                cluster.requestJobResult(id).get(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            cluster.close();
        }
    }

    /** A stable job id per job name, so checkpoints of the same job share one directory. */
    static JobID jobId(String name) {
        UUID uuid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        return new JobID(uuid.getLeastSignificantBits(), uuid.getMostSignificantBits());
    }

    /** The completed checkpoint ({@code chk-N} with its metadata) of the highest N, if any. */
    static Optional<Path> newestCheckpoint(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().matches("chk-\\d+"))
                    .filter(d -> Files.isRegularFile(d.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    d -> Long.parseLong(d.getFileName().toString().substring(4))));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list checkpoints in " + jobDir, e);
        }
    }
}
