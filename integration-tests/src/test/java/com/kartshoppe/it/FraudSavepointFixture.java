package com.kartshoppe.it;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.config.KafkaOptions;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.FraudOptions;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.EventSink;
import com.kartshoppe.simulator.KafkaEventSink;
import com.kartshoppe.simulator.MalformedKind;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Generates the savepoint of the fraud job that {@link FraudJobSavepointRestoreITCase} restores:
 * the job of this commit, wired as deployed ({@link FraudDetectionJob#DESCRIPTION}, RocksDB),
 * stopped with a canonical savepoint once it has decided every order of {@link #traffic()}. It
 * writes the savepoint and a README.txt to {@code src/test/resources/savepoints/fraud-job-v1} of
 * this module, or to the directory given as the only argument.
 *
 * <pre>{@code
 * ./mvnw -B -pl integration-tests -am -Pfraud-savepoint-fixture process-test-classes
 * }</pre>
 *
 * <p>The kept savepoint stands for the state of jobs running today: regenerate it only to add a new
 * version (a new directory) when compatibility is broken on purpose, never to make the test pass.
 */
final class FraudSavepointFixture {

    /** Where the kept savepoint is, on the test classpath. */
    static final String RESOURCE = "savepoints/fraud-job-v1";

    /** Regenerates the savepoint from the job's code in this source tree. */
    static final String COMMAND =
            "./mvnw -B -pl integration-tests -am -Pfraud-savepoint-fixture process-test-classes";

    /** The file beside the kept savepoint with {@link #inputEnds} when it was taken. */
    static final String INPUT_OFFSETS = "input-offsets.txt";

    private static final Path DEFAULT_TARGET = Path.of("src/test/resources", RESOURCE);
    private static final int MAX_PARALLELISM = 128;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private FraudSavepointFixture() {}

    /**
     * The traffic the job had processed when the savepoint was taken: small, so the savepoint is,
     * with attacks frequent enough that every CEP pattern holds state. Its bad records are all
     * undecodable ones, dead letters, so every order placed gets a decision.
     */
    static SimulatorConfig traffic() {
        return SimulatorConfig.builder()
                .seed(2026)
                .users(40)
                .duration(Duration.ofMinutes(20))
                .sessionsPerUserHour(6)
                .cardTestingPerHour(150)
                .accountTakeoverPerHour(150)
                .promoAbusePerHour(150)
                .malformedKinds(EnumSet.of(MalformedKind.GARBAGE))
                .build();
    }

    /**
     * The job's settings on {@code kafka}: as deployed ({@link Settings#deployed}: RocksDB,
     * incremental checkpoints), the test settings ({@link FlinkTestSupport#configuration()}),
     * parallelism {@value FlinkTestSupport#PARALLELISM}, a fixed max parallelism (a savepoint only
     * restores with the one it was taken with) and checkpoints every second, which commit the
     * output.
     */
    static Configuration settings(EmbeddedKafka kafka, Path models) {
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        conf.set(CoreOptions.DEFAULT_PARALLELISM, FlinkTestSupport.PARALLELISM);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        return Settings.deployed(conf);
    }

    /**
     * Submits the fraud job, wired as {@link FraudDetectionJob#main} wires it, to {@code cluster},
     * as the playground's LocalFlink does.
     */
    static JobClient submit(
            MiniCluster cluster, Configuration conf, SavepointRestoreSettings restore)
            throws Exception {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        FraudDetectionJob.DESCRIPTION.wireOnKafka(conf, env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(FraudDetectionJob.NAME);
        graph.setSavepointRestoreSettings(restore);
        JobID id = cluster.submitJob(graph).get(1, TimeUnit.MINUTES).getJobID();
        return new MiniClusterJobClient(
                id,
                cluster,
                FraudSavepointFixture.class.getClassLoader(),
                MiniClusterJobClient.JobFinalizationBehavior.NOTHING);
    }

    /**
     * Writes a simulation to the shop's topics.
     *
     * @return the ids of the orders it placed
     */
    static Set<String> write(EmbeddedKafka kafka, SimulatorConfig simulation) throws IOException {
        try (PlacedOrders sink =
                new PlacedOrders(new KafkaEventSink(kafka.settings(), new Configuration()))) {
            new Simulation(simulation).run(sink);
            return sink.ids;
        }
    }

    /**
     * Waits until the job has committed a decision on each of {@code orders}, or has stopped.
     *
     * @return every committed decision
     * @throws IllegalStateException if the job stopped, with its failure
     * @throws AssertionError if the decisions are not all committed within {@code timeout}
     */
    static List<FraudDecision> awaitDecisions(
            EmbeddedKafka kafka, JobClient job, Set<String> orders, Duration timeout)
            throws Exception {
        List<FraudDecision> decisions =
                CommittedRecords.await(
                        kafka,
                        EventType.FRAUD_DECISION,
                        Topics.FRAUD_DECISIONS.defaultValue(),
                        read -> stopped(job) || decided(read).containsAll(orders),
                        timeout);
        if (stopped(job)) {
            // With restarts off, any failure stops the job; the result carries the cause.
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            throw new IllegalStateException("The fraud job stopped before deciding every order");
        }
        return decisions;
    }

    static Set<String> decided(List<FraudDecision> decisions) {
        return decisions.stream().map(FraudDecision::getOrderId).collect(Collectors.toSet());
    }

    private static boolean stopped(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot get the fraud job's status", e);
        }
    }

    public static void main(String[] args) throws Exception {
        Path target = args.length > 0 ? Path.of(args[0]) : DEFAULT_TARGET;
        Path work = Files.createTempDirectory("fraud-savepoint");
        Path models = work.resolve("models");
        StarterModels.install(models);
        Configuration clusterConf = FlinkTestSupport.configuration();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                MiniCluster cluster =
                        new MiniCluster(
                                new MiniClusterConfiguration.Builder()
                                        .setConfiguration(clusterConf)
                                        .setNumTaskManagers(1)
                                        .setNumSlotsPerTaskManager(FlinkTestSupport.PARALLELISM)
                                        .build())) {
            kafka.createProjectTopics(new Configuration());
            Set<String> orders = write(kafka, traffic());
            cluster.start();
            Configuration conf = settings(kafka, models);
            JobClient job = submit(cluster, conf, SavepointRestoreSettings.none());
            int decisions = awaitDecisions(kafka, job, orders, TIMEOUT).size();
            // With nothing in flight, the savepoint holds no transaction to commit on restore, on
            // a broker that will not exist then.
            Map<String, Long> ends = inputEnds(kafka);
            awaitCommitted(kafka, conf.get(FraudOptions.GROUP_ID), ends, job);
            String taken =
                    job.stopWithSavepoint(
                                    false, work.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(1, TimeUnit.MINUTES);
            Path savepoint = Path.of(URI.create(taken));
            replace(target, savepoint);
            Files.write(
                    target.resolve(INPUT_OFFSETS),
                    ends.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            Files.writeString(
                    target.resolve("README.txt"),
                    readme(conf, orders.size(), decisions, savepoint),
                    StandardCharsets.UTF_8);
            System.out.printf(
                    "Savepoint of %d orders' state in %s: %d file(s), %d bytes%n",
                    orders.size(),
                    target.toAbsolutePath(),
                    files(savepoint).size(),
                    bytes(savepoint));
        } finally {
            deleteRecursively(work);
        }
    }

    /**
     * The end offset of each partition of the job's input topics, by {@code topic-partition}: after
     * {@link #traffic()}, where the kept savepoint's sources stand ({@value #INPUT_OFFSETS}).
     */
    static Map<String, Long> inputEnds(EmbeddedKafka kafka) throws Exception {
        List<String> topics =
                new ArrayList<>(
                        EventType.SHOP_INPUTS.stream().map(t -> t.topic().defaultValue()).toList());
        topics.add(Topics.MODEL_PARAMS.defaultValue());
        try (Admin admin = Admin.create(kafka.settings().clientProperties())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .values()
                    .forEach(
                            t ->
                                    t.partitions()
                                            .forEach(
                                                    p ->
                                                            latest.put(
                                                                    new TopicPartition(
                                                                            t.name(),
                                                                            p.partition()),
                                                                    OffsetSpec.latest())));
            Map<String, Long> ends = new TreeMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((p, end) -> ends.put(p.toString(), end.offset()));
            return ends;
        }
    }

    /** {@link #inputEnds} when the kept savepoint in {@code dir} was taken. */
    static Map<String, Long> inputEndsKept(Path dir) throws IOException {
        Map<String, Long> ends = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve(INPUT_OFFSETS))) {
            String[] kv = line.split("=");
            ends.put(kv[0], Long.parseLong(kv[1]));
        }
        return ends;
    }

    /**
     * Waits until the job's consumer group has committed {@code ends}, the end of every input
     * partition: the source commits its offsets when a checkpoint completes, so every record has
     * passed a completed checkpoint and nothing is left in flight.
     */
    private static void awaitCommitted(
            EmbeddedKafka kafka, String group, Map<String, Long> ends, JobClient job)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = Admin.create(kafka.settings().clientProperties())) {
            while (true) {
                Map<String, Long> committed = new TreeMap<>();
                admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS)
                        .forEach((p, offset) -> committed.put(p.toString(), offset.offset()));
                // A partition the job read nothing from has no committed offset.
                if (ends.entrySet().stream()
                        .allMatch(
                                e -> e.getValue().equals(committed.getOrDefault(e.getKey(), 0L)))) {
                    return;
                }
                if (stopped(job) || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Group " + group + " committed " + committed + ", not all of " + ends);
                }
                // The interval of polling the condition, well below the checkpoint interval.
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private static String readme(Configuration conf, int orders, int decisions, Path savepoint)
            throws IOException {
        return String.join(
                "\n",
                "Savepoint of the fraud job (" + FraudDetectionJob.NAME + "), canonical format.",
                "Restored by FraudJobSavepointRestoreITCase: it must keep restoring, with",
                "allowNonRestoredState=false, whatever classes move between modules.",
                "",
                "Taken on commit: " + git("rev-parse", "HEAD"),
                "  " + git("log", "-1", "--format=%s"),
                "Job code changed since that commit: " + jobCodeChanges(),
                "Taken at: " + Instant.now(),
                "Flink: " + EnvironmentInformation.getVersion(),
                "",
                "Regenerate (a new version directory only, never to make the test pass):",
                "  " + COMMAND,
                "(com.kartshoppe.it.FraudSavepointFixture [target directory])",
                "",
                "Settings: FraudDetectionJob.DESCRIPTION wired as deployed (Settings.deployed), on"
                        + " a",
                "MiniCluster of 1 TaskManager with " + FlinkTestSupport.PARALLELISM + " slots.",
                "  state backend: "
                        + conf.get(StateBackendOptions.STATE_BACKEND)
                        + ", incremental checkpoints every "
                        + conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL).toSeconds()
                        + " s",
                "  parallelism: "
                        + conf.get(CoreOptions.DEFAULT_PARALLELISM)
                        + ", max parallelism: "
                        + conf.get(PipelineOptions.MAX_PARALLELISM),
                "  kafka delivery guarantee: "
                        + conf.get(KafkaSinks.DELIVERY_GUARANTEE)
                        + ", consumer group: "
                        + conf.get(FraudOptions.GROUP_ID),
                "  pipeline.generic-types: "
                        + conf.get(PipelineOptions.GENERIC_TYPES)
                        + ", models: the starter models (StarterModels.install)",
                "  input: " + traffic(),
                "  stopped with a savepoint (no drain) after committing decisions on all "
                        + orders
                        + " placed orders ("
                        + decisions
                        + " decisions) and the input offsets",
                "",
                "Savepoint: "
                        + files(savepoint).size()
                        + " file(s), "
                        + bytes(savepoint)
                        + " bytes (small state is inlined in _metadata). "
                        + INPUT_OFFSETS
                        + ": where its sources stand.",
                "");
    }

    private static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return git.waitFor() == 0 ? out.strip() : "unknown (" + out.strip() + ")";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** Uncommitted changes outside this module, where the job's code is. */
    private static String jobCodeChanges() {
        String changes =
                git("status", "--porcelain", "--", ":/", ":(top,exclude)integration-tests");
        return changes.isEmpty() ? "none" : changes.replace('\n', ';');
    }

    private static void replace(Path target, Path savepoint) throws IOException {
        deleteRecursively(target);
        for (Path file : files(savepoint)) {
            Path copy = target.resolve(savepoint.relativize(file).toString());
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static long bytes(Path dir) throws IOException {
        long bytes = 0;
        for (Path file : files(dir)) {
            bytes += Files.size(file);
        }
        return bytes;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Passes records on and keeps the ids of the orders placed. */
    private static final class PlacedOrders implements EventSink {
        private final EventSink sink;
        private final Set<String> ids = new HashSet<>();

        PlacedOrders(EventSink sink) {
            this.sink = sink;
        }

        @Override
        public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
                throws IOException {
            if (record instanceof OrderEvent order && order.getStatus() == OrderStatus.PLACED) {
                ids.add(order.getOrderId());
            }
            sink.write(type, record);
        }

        @Override
        public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
                throws IOException {
            sink.writeGarbage(type, key, payload, time);
        }

        @Override
        public void close() throws IOException {
            sink.close();
        }
    }
}
