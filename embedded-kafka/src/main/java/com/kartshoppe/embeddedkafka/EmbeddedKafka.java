package com.kartshoppe.embeddedkafka;

import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.TopicLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.cluster.Partition;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;

/**
 * A single-node Kafka (KRaft, combined broker and controller) running inside this JVM, for the
 * playground, integration tests and benchmarks.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start()) {
 *     kafka.createProjectTopics(new Configuration());
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>With a data directory, a restart reuses the formatted storage (same cluster id, topics and
 * data); without one, storage lives in a temporary directory deleted on {@link #close()}. Unstable
 * Kafka features stay off and the metadata version is the latest production one, so behaviour
 * matches a released broker. Internal topics have replication factor 1, so transactions work.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Size-based retention per partition: the only retention, see {@link #serverProperties}. */
    static final long RETENTION_BYTES_PER_PARTITION = 256L * 1024 * 1024;

    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;

    private final int requestedPort;
    private final Path dataDir;
    private final boolean temporary;
    private BrokerServer broker;
    private ControllerServer controller;
    private int port = -1;

    private EmbeddedKafka(int requestedPort, Path dataDir, boolean temporary) {
        this.requestedPort = requestedPort;
        this.dataDir = dataDir;
        this.temporary = temporary;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Formats the storage if it is new, then starts the controller and the broker. */
    public EmbeddedKafka start() {
        if (broker != null) {
            throw new IllegalStateException("Already started on port " + port);
        }
        try {
            Files.createDirectories(dataDir);
            KafkaConfig config = KafkaConfig.fromProps(serverProperties(), false);
            formatIfNew();
            Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> storage =
                    KafkaRaftServer.initializeLogDirs(config, LOG, "[embedded-kafka] ");
            Metrics metrics =
                    Server.initializeMetrics(config, Time.SYSTEM, storage._1().clusterId().get());
            SharedServer shared =
                    new SharedServer(
                            config,
                            storage._1(),
                            Time.SYSTEM,
                            metrics,
                            CompletableFuture.completedFuture(
                                    QuorumConfig.parseVoterConnections(
                                            config.quorumConfig().voters())),
                            QuorumConfig.parseBootstrapServers(
                                    config.quorumConfig().bootstrapServers()),
                            // Log faults instead of halting the JVM we share with the user's jobs.
                            (name, fatal, action) -> new LoggingFaultHandler(name, action),
                            ServerSocketFactory.INSTANCE);
            controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), storage._2());
            broker = new BrokerServer(shared);
            controller.startup();
            broker.startup();
            port = broker.boundPort(ListenerName.normalised(BROKER_LISTENER));
            LOG.info("Embedded Kafka listening on {} with data in {}", bootstrapServers(), dataDir);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka data directory " + dataDir, e);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Embedded Kafka failed to start: " + e.getMessage(), e);
        }
    }

    private Properties serverProperties() {
        String dir = dataDir.toAbsolutePath().toString();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put(
                "listeners",
                BROKER_LISTENER
                        + "://127.0.0.1:"
                        + requestedPort
                        + ","
                        + CONTROLLER_LISTENER
                        + "://127.0.0.1:0");
        p.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + requestedPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put(
                "listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        // A dynamic quorum lets the controller bind any free port: the leader records the port
        // it actually bound, so nothing has to be reserved in advance.
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:0");
        p.put("log.dirs", dir);
        p.put("metadata.log.dir", dir);
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("unstable.api.versions.enable", "false");
        p.put("unstable.feature.versions.enable", "false");
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        // Jobs stamp records with their event time, and simulations and replays are historical:
        // time-based retention (7 days) would delete their output within minutes, at the next
        // retention check. Disk stays bounded by size instead.
        p.put("log.retention.ms", "-1");
        p.put("log.retention.bytes", Long.toString(RETENTION_BYTES_PER_PARTITION));
        return p;
    }

    private void formatIfNew() throws Exception {
        String dir = dataDir.toAbsolutePath().toString();
        MetaPropertiesEnsemble existing =
                new MetaPropertiesEnsemble.Loader()
                        .addMetadataLogDir(dir)
                        .addLogDirs(List.of(dir))
                        .load();
        if (existing.clusterId().isPresent()) {
            LOG.info("Reusing Kafka storage of cluster {}", existing.clusterId().get());
            return;
        }
        new Formatter()
                .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dir))
                .setMetadataLogDirectory(dir)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setUnstableFeatureVersionsEnabled(false)
                .setInitialControllers(
                        DynamicVoters.parse(NODE_ID + "@127.0.0.1:0:" + Uuid.randomUuid()))
                .setHasDynamicQuorum(true)
                .run();
    }

    /** {@code 127.0.0.1:<port>}; only valid once started. */
    public String bootstrapServers() {
        if (port < 0) {
            throw new IllegalStateException("Embedded Kafka is not running");
        }
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Plain-text client settings for this broker. */
    public KafkaSettings settings() {
        return KafkaSettings.of(bootstrapServers());
    }

    /**
     * Creates every project topic (names from {@code conf}) that does not exist yet, with the
     * partitions and compaction of {@link TopicLayout}.
     *
     * @return the topics created now
     */
    public List<String> createProjectTopics(Configuration conf) {
        return createTopics(TopicLayout.topics(conf));
    }

    /**
     * Creates the topics that do not exist yet and returns once the broker leads every partition of
     * all of them; returns the names created.
     */
    public List<String> createTopics(List<NewTopic> topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    topics.stream().filter(t -> !existing.contains(t.name())).toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            List<String> names = topics.stream().map(NewTopic::name).toList();
            awaitLeadership(describe(admin, names));
            return missing.stream().map(NewTopic::name).collect(Collectors.toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create topics: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topics: " + e, e);
        }
    }

    /**
     * Describes topics just created. The controller answers the creation once it has committed it;
     * the broker learns of the topics from the metadata log a moment later and, until then, answers
     * a describe with UNKNOWN_TOPIC_OR_PARTITION (seen under load, between benchmark runs).
     */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> names)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /**
     * Waits until the broker's replica manager leads every partition. The metadata answers that
     * clients see are updated just before the replica manager takes leadership; an idempotent
     * producer that sends in that gap gets NOT_LEADER_OR_FOLLOWER for one batch while a later batch
     * is appended, and then retries the first one out of sequence until its delivery timeout
     * expires.
     */
    private void awaitLeadership(Map<String, TopicDescription> topics)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (TopicDescription topic : topics.values()) {
            for (TopicPartitionInfo info : topic.partitions()) {
                TopicPartition partition = new TopicPartition(topic.name(), info.partition());
                while (!leads(partition)) {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException(
                                "Broker does not lead " + partition + " after 30 s");
                    }
                    Thread.sleep(10);
                }
            }
        }
    }

    private boolean leads(TopicPartition partition) {
        Option<Partition> hosted = broker.replicaManager().onlinePartition(partition);
        return hosted.isDefined() && hosted.get().isLeader();
    }

    /**
     * Stops broker then controller, waits for both, and deletes temporary storage; each step runs
     * even if an earlier one fails.
     */
    @Override
    public void close() {
        BrokerServer b = broker;
        ControllerServer c = controller;
        broker = null;
        controller = null;
        port = -1;
        try {
            try {
                if (b != null) {
                    b.shutdown();
                    b.awaitShutdown();
                }
            } finally {
                if (c != null) {
                    c.shutdown();
                    c.awaitShutdown();
                }
            }
        } finally {
            if (temporary) {
                deleteRecursively(dataDir);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete temporary Kafka storage {}: {}", dir, e.toString());
        }
    }

    /** Builder; defaults: a free port and temporary storage. */
    public static final class Builder {
        private int port;
        private Path dataDir;

        Builder() {}

        /** Port of the PLAINTEXT listener on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: must be 0-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Persistent storage reused across restarts; null (the default) means temporary. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public EmbeddedKafka build() {
            if (dataDir != null) {
                return new EmbeddedKafka(port, dataDir, false);
            }
            try {
                return new EmbeddedKafka(
                        port, Files.createTempDirectory("kartshoppe-kafka-"), true);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a temporary Kafka directory", e);
            }
        }
    }
}
