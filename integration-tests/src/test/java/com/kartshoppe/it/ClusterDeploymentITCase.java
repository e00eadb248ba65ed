package com.kartshoppe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.simulator.EventSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that the fraud job's shaded jar ({@code fraud-job-<version>-job.jar}) deploys to a real
 * Flink session cluster of separate JVMs, one JobManager and two TaskManagers, set up as {@code
 * docs/deploy.md} says (RocksDB, filesystem checkpoints, a fixed-delay restart strategy,
 * onnxruntime parent-first, the Avro and JDK flags in every JVM), and submitted over the REST API
 * with the same arguments as {@code flink run}, on the embedded broker.
 *
 * <p>The same simulated traffic runs twice, each time into topics of its own: once without
 * failures, and once with a TaskManager killed (SIGKILL) after a checkpoint completed and some
 * decisions were committed. The job recovers on the surviving TaskManager (each has two slots, the
 * job needs two), and what it commits, read with read_committed, is exactly the failure-free run's:
 * every placed order decided once, no loss, no duplicates, the same decisions and scores.
 *
 * <p>The traffic goes in two parts: the first half hour of event time before the job starts, the
 * rest after the kill (in the failure-free run, at the same point), so the TaskManager dies with
 * state in flight that only the checkpoint holds: events waiting for the watermark, open sessions,
 * CEP partial matches. Input is put in event-time order per shopper ({@code
 * ingest.event-time-order}, as for any backlog), so both runs see the same order whatever the pace
 * of each partition. Finally one record per partition, an hour later in event time, moves the
 * watermark past every real event; nothing is decided from these markers.
 *
 * <p>Between the two parts every input partition has been quiet for longer than {@code
 * watermark.idleness}, so each went idle and stopped holding the watermark back. The first
 * partition read again would then carry the watermark past records other partitions have not
 * delivered yet, and the job would release those behind it, out of order, differently from run to
 * run. So before the second part, one wake-up record per partition, of a shopper, device and order
 * of its own and timed at the cut, is read by the job (its committed offsets reach them) and makes
 * every partition active again at the same event time.
 */
class ClusterDeploymentITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration HALF = Duration.ofMinutes(30);

    /** The JDK module flags a Flink distribution sets (env.java.default-opts.all). */
    private static final String DEFAULT_OPTS =
            System.getProperty("kartshoppe.cluster.default-opts", "");

    /** What docs/deploy.md adds (env.java.opts.all): the Avro trusted packages and limits. */
    private static final String JAVA_OPTS = System.getProperty("kartshoppe.cluster.java-opts", "");

    @TempDir static Path dir;

    private static EmbeddedKafka kafka;
    private static FlinkSessionCluster cluster;
    private static String jarId;
    private static Path models;
    private static Traffic traffic;
    private static final List<String> jobs = new ArrayList<>();

    @BeforeAll
    static void startClusterAndBroker() throws Exception {
        Path jar = Path.of(System.getProperty("kartshoppe.fraud-job.jar", "missing"));
        assertThat(jar)
                .as("the fraud job jar; failsafe copies it after `package` of fraud-job")
                .isRegularFile();
        assertThat(DEFAULT_OPTS + " " + JAVA_OPTS)
                .as("the cluster's JVM flags, set by the pom")
                .contains("--add-opens", "org.apache.avro.SERIALIZABLE_PACKAGES=com.kartshoppe");
        kafka = EmbeddedKafka.builder().build().start();
        models = dir.resolve("models");
        StarterModels.install(models);
        traffic = new Traffic();
        new Simulation(
                        SimulatorConfig.builder()
                                .seed(9)
                                .users(400)
                                .duration(Duration.ofHours(1))
                                .clean()
                                .build())
                .run(traffic);

        cluster =
                FlinkSessionCluster.start(
                        dir.resolve("flink"),
                        Path.of("target", "cluster-logs"),
                        clusterSettings(dir.resolve("checkpoints")),
                        DEFAULT_OPTS + " " + JAVA_OPTS,
                        2,
                        TIMEOUT);
        jarId = cluster.upload(jar);
    }

    /** The cluster settings of docs/deploy.md, scaled down to a small machine. */
    private static Map<String, String> clusterSettings(Path checkpoints) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("taskmanager.numberOfTaskSlots", "2");
        settings.put("parallelism.default", "2");
        // Spread the job's two slots over both TaskManagers, so the one killed runs a part of it.
        settings.put("taskmanager.load-balance.mode", "slots");
        settings.put("jobmanager.memory.process.size", "1024m");
        settings.put("taskmanager.memory.process.size", "1536m");
        settings.put("taskmanager.memory.managed.fraction", "0.25");
        settings.put("state.backend.type", "rocksdb");
        settings.put("execution.checkpointing.incremental", "true");
        settings.put("execution.checkpointing.storage", "filesystem");
        settings.put("execution.checkpointing.dir", checkpoints.toUri().toString());
        settings.put("execution.checkpointing.interval", "1 s");
        settings.put("restart-strategy.type", "fixed-delay");
        settings.put("restart-strategy.fixed-delay.attempts", "10");
        settings.put("restart-strategy.fixed-delay.delay", "2 s");
        settings.put("classloader.parent-first-patterns.additional", "ai.onnxruntime");
        // Read by Flink's start scripts; this test starts the JVMs itself, with the same flags.
        settings.put("env.java.default-opts.all", DEFAULT_OPTS);
        settings.put("env.java.opts.all", JAVA_OPTS);
        // A lost TaskManager is noticed within seconds rather than the default 50.
        settings.put("heartbeat.interval", "2000");
        settings.put("heartbeat.timeout", "15000");
        // Flink puts RocksDB's own logs next to its log file otherwise.
        settings.put(
                "state.backend.rocksdb.log.dir",
                checkpoints.resolveSibling("rocksdb-logs").toString());
        return settings;
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (cluster != null) {
                for (String job : jobs) {
                    try {
                        cluster.cancel(job);
                    } catch (IOException e) {
                        // The JobManager is gone; closing kills it anyway.
                    }
                }
                cluster.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void recoversFromALostTaskManagerAndCommitsExactlyTheFailureFreeDecisions() throws Exception {
        Set<String> placed = traffic.placedOrders();
        assertThat(placed).hasSizeGreaterThan(50);

        Map<String, FraudDecision> failureFree = run("calm", false);
        Map<String, FraudDecision> recovered = run("killed", true);

        assertThat(failureFree.keySet()).isEqualTo(placed);
        assertThat(recovered).isEqualTo(failureFree);
        // Not trivially equal: the model scored, and some orders were held up for review or worse.
        assertThat(failureFree.values())
                .extracting(FraudDecision::getModelVersion)
                .containsOnly("1");
        assertThat(failureFree.values())
                .extracting(d -> d.getDecision().name())
                .contains("ALLOW", "REVIEW");
    }

    /**
     * One run of the job on topics of its own: the first part of the traffic, wait for a checkpoint
     * and committed decisions, kill a TaskManager if {@code kill}, the rest of the traffic, then
     * every placed order's committed decision (without its wall-clock time).
     */
    private Map<String, FraudDecision> run(String name, boolean kill) throws Exception {
        Configuration topics = new Configuration();
        for (ConfigOption<String> topic : Topics.ALL) {
            topics.set(topic, topic.defaultValue() + "." + name);
        }
        kafka.createProjectTopics(topics);
        String decisions = topics.get(Topics.FRAUD_DECISIONS);
        traffic.produce(kafka, topics, true);

        List<String> args = new ArrayList<>();
        for (ConfigOption<String> topic : Topics.ALL) {
            args.addAll(List.of("--" + topic.key(), topics.get(topic)));
        }
        args.addAll(
                List.of(
                        "--kafka.bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--models.dir",
                        models.toString(),
                        "--fraud.group-id",
                        "it-cluster-" + name,
                        "--ingest.event-time-order",
                        "true",
                        // The job's own default (10 s) would override the cluster's setting.
                        "--execution.checkpointing.interval",
                        "1 s"));
        // Parallelism 2 as `flink run -p 2` sets it: without it, jars run over REST ran with 1.
        String job = cluster.run(jarId, args, 2);
        jobs.add(job);
        try {
            cluster.awaitWhileUp(
                    name + ": some committed decisions and a checkpoint after them",
                    TIMEOUT,
                    () -> !read(decisions).isEmpty() && completedCheckpoints(job) > 0);
            long completed = completedCheckpoints(job);
            cluster.awaitWhileUp(
                    name + ": one more checkpoint",
                    TIMEOUT,
                    () -> completedCheckpoints(job) > completed);
            int committedBefore = read(decisions).size();
            assertThat(committedBefore).isLessThan(traffic.placedOrders().size());

            String victim = kill ? busyTaskManager() : null;
            if (kill) {
                cluster.kill(victim);
                cluster.awaitWhileUp(
                        name + ": the job restored from a checkpoint and running again",
                        TIMEOUT,
                        () -> restoredCheckpoints(job) > 0 && fullyRunning(job));
            }
            Map<TopicPartition, Long> ends = traffic.wakeUp(kafka, topics);
            cluster.awaitWhileUp(
                    name + ": the wake-up records read and their offsets committed",
                    TIMEOUT,
                    () -> committedUpTo("it-cluster-" + name, ends));
            traffic.produce(kafka, topics, false);

            List<FraudDecision> committed = new ArrayList<>();
            cluster.awaitWhileUp(
                    name
                            + ": a committed decision for each of the "
                            + traffic.placedOrders().size()
                            + " placed orders",
                    TIMEOUT,
                    () -> {
                        committed.clear();
                        committed.addAll(read(decisions));
                        return committed.stream()
                                .map(FraudDecision::getOrderId)
                                .collect(Collectors.toSet())
                                .containsAll(traffic.placedOrders());
                    });
            assertThat(committed)
                    .as("no duplicates")
                    .extracting(FraudDecision::getOrderId)
                    .doesNotHaveDuplicates();
            // A restart really happened, from a checkpoint, because the TaskManager was lost.
            JsonNode failures = exceptionHistory(job);
            if (victim != null) {
                assertThat(restoredCheckpoints(job)).as("checkpoints restored").isPositive();
                // Who noticed first varies: the JobManager ("TaskManager with id tm-2 is no longer
                // reachable"), a surviving task's network client ("... [ tm-2 ] ... the remote task
                // manager was lost"), or a restart that tried to deploy to the dead one first.
                assertThat(failures).as("the job's exception history").isNotEmpty();
                assertThat(failures.toString())
                        .as("the job's exception history names the killed TaskManager")
                        .contains(victim);
            } else {
                assertThat(restoredCheckpoints(job)).as("checkpoints restored").isZero();
                assertThat(failures).as("the job's exception history").isEmpty();
            }
            return committed.stream()
                    .collect(
                            Collectors.toMap(
                                    FraudDecision::getOrderId, ClusterDeploymentITCase::undated));
        } finally {
            cluster.cancel(job);
        }
    }

    /** Whether {@code group} has committed at least {@code ends} on each of their partitions. */
    private static boolean committedUpTo(String group, Map<TopicPartition, Long> ends) {
        try (Admin admin = Admin.create(kafka.settings().clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return ends.entrySet().stream()
                    .allMatch(
                            e ->
                                    committed.get(e.getKey()) != null
                                            && committed.get(e.getKey()).offset() >= e.getValue());
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("Reading the committed offsets of " + group, e);
        }
    }

    /** A TaskManager that runs a part of the job. */
    private static String busyTaskManager() throws Exception {
        Map<String, Integer> inUse = cluster.slotsInUse();
        return inUse.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("No TaskManager runs the job: " + inUse));
    }

    private static List<FraudDecision> read(String topic) {
        return CommittedRecords.readAll(kafka, EventType.FRAUD_DECISION, topic);
    }

    private static long completedCheckpoints(String job) {
        return checkpointCounts(job).get("completed").asLong();
    }

    private static long restoredCheckpoints(String job) {
        return checkpointCounts(job).get("restored").asLong();
    }

    private static JsonNode checkpointCounts(String job) {
        return rest(() -> cluster.get("/jobs/" + job + "/checkpoints")).get("counts");
    }

    private static boolean fullyRunning(String job) {
        return rest(() -> cluster.fullyRunning(job));
    }

    private static JsonNode exceptionHistory(String job) {
        return rest(() -> cluster.get("/jobs/" + job + "/exceptions"))
                .get("exceptionHistory")
                .get("entries");
    }

    /** A REST call inside a poll: an I/O failure is a failure of the test. */
    private static <T> T rest(RestCall<T> call) {
        try {
            return call.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface RestCall<T> {
        T get() throws IOException, InterruptedException;
    }

    /** The decision without its wall-clock time, which differs between any two runs. */
    private static FraudDecision undated(FraudDecision d) {
        return FraudDecision.newBuilder(d).setDecidedAt(Instant.EPOCH).build();
    }

    /**
     * The simulated shop traffic (the four input topics), recorded once and produced into each
     * run's topics: the first {@link #HALF} of event time, or the rest plus the watermark markers.
     */
    private static final class Traffic implements EventSink {

        private final List<SpecificRecordBase> records = new ArrayList<>();
        private final List<EventType<?>> types = new ArrayList<>();
        private Instant start;
        private Set<String> placed;

        @Override
        public <T extends SpecificRecordBase> void write(EventType<T> type, T record) {
            if (EventType.SHOP_INPUTS.contains(type)) {
                types.add(type);
                records.add(record);
                Instant time = type.eventTime(record);
                start = start == null || time.isBefore(start) ? time : start;
            }
        }

        @Override
        public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time) {
            throw new AssertionError("The simulation is configured without malformed records");
        }

        @Override
        public void close() {}

        Set<String> placedOrders() {
            if (placed == null) {
                placed =
                        records.stream()
                                .filter(
                                        r ->
                                                r instanceof OrderEvent o
                                                        && o.getStatus() == OrderStatus.PLACED)
                                .map(r -> ((OrderEvent) r).getOrderId())
                                .collect(Collectors.toCollection(TreeSet::new));
            }
            return placed;
        }

        /**
         * Produces into every partition of each input topic a wake-up record (see the class
         * Javadoc): a copy of the type's first record with its event time 1 ms before the cut, and
         * its own event, shopper, device, order and payment ids; an order is a cancelled one, so
         * nothing is decided from them. Returns each partition's end offset after them.
         */
        Map<TopicPartition, Long> wakeUp(EmbeddedKafka kafka, Configuration topics)
                throws Exception {
            Instant at = start.plus(HALF).minusMillis(1);
            Map<TopicPartition, Long> ends = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                for (EventType<?> type : EventType.SHOP_INPUTS) {
                    String topic = topics.get(type.topic());
                    SpecificRecordBase first = first(type);
                    for (var partition : producer.partitionsFor(topic)) {
                        SpecificRecordBase copy = SpecificData.get().deepCopy(type.schema(), first);
                        String id = "wake-up-" + type.name() + "-" + partition.partition();
                        copy.put("eventTime", at);
                        for (String field :
                                List.of("eventId", "userId", "deviceId", "orderId", "paymentId")) {
                            if (copy.getSchema().getField(field) != null) {
                                copy.put(field, id);
                            }
                        }
                        if (copy instanceof OrderEvent order) {
                            order.setStatus(OrderStatus.CANCELLED);
                        }
                        var sent =
                                producer.send(
                                                new ProducerRecord<>(
                                                        topic,
                                                        partition.partition(),
                                                        key(type, copy),
                                                        encode(type, copy)))
                                        .get();
                        ends.put(
                                new TopicPartition(topic, partition.partition()),
                                sent.offset() + 1);
                    }
                }
            }
            return ends;
        }

        private SpecificRecordBase first(EventType<?> type) {
            return records.get(types.indexOf(type));
        }

        private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
            Properties props = kafka.settings().clientProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        }

        /**
         * Produces, in simulated order, the records before {@code start + HALF} ({@code first}) or
         * the others and then, into every partition of each input topic, a copy of the type's last
         * record an hour after the newest event, which releases every real event in the job.
         */
        void produce(EmbeddedKafka kafka, Configuration topics, boolean first) throws Exception {
            Instant cut = start.plus(HALF);
            Map<EventType<?>, SpecificRecordBase> last = new HashMap<>();
            Instant newest = start;
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                for (int i = 0; i < records.size(); i++) {
                    EventType<?> type = types.get(i);
                    SpecificRecordBase record = records.get(i);
                    Instant time = eventTime(type, record);
                    newest = time.isAfter(newest) ? time : newest;
                    last.put(type, record);
                    if (time.isBefore(cut) == first) {
                        producer.send(
                                new ProducerRecord<>(
                                        topics.get(type.topic()),
                                        key(type, record),
                                        encode(type, record)));
                    }
                }
                if (!first) {
                    Instant marker = newest.plus(Duration.ofHours(1));
                    for (EventType<?> type : EventType.SHOP_INPUTS) {
                        String topic = topics.get(type.topic());
                        for (var partition : producer.partitionsFor(topic)) {
                            SpecificRecordBase copy =
                                    SpecificData.get().deepCopy(type.schema(), last.get(type));
                            copy.put("eventTime", marker);
                            String id = "watermark-" + type.name() + "-" + partition.partition();
                            copy.put("eventId", id);
                            if (copy.getSchema().getField("orderId") != null) {
                                // Never decided (the watermark stays behind it), but not an order
                                // of the simulation either.
                                copy.put("orderId", id);
                            }
                            producer.send(
                                    new ProducerRecord<>(
                                            topic,
                                            partition.partition(),
                                            key(type, copy),
                                            encode(type, copy)));
                        }
                    }
                }
                producer.flush();
            }
        }

        @SuppressWarnings("unchecked")
        private static <T extends SpecificRecordBase> Instant eventTime(
                EventType<T> type, SpecificRecordBase record) {
            return type.eventTime((T) record);
        }

        @SuppressWarnings("unchecked")
        private static <T extends SpecificRecordBase> byte[] key(
                EventType<T> type, SpecificRecordBase record) {
            return type.key((T) record).getBytes(StandardCharsets.UTF_8);
        }

        @SuppressWarnings("unchecked")
        private static <T extends SpecificRecordBase> byte[] encode(
                EventType<T> type, SpecificRecordBase record) {
            return AvroCodec.of(type).encode((T) record);
        }
    }
}
