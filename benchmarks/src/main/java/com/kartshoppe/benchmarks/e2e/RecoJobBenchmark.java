package com.kartshoppe.benchmarks.e2e;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.config.KafkaSettings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.JobOutputs;
import com.kartshoppe.jobkit.output.KafkaSinks;
import com.kartshoppe.reco.RecommendationJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The recommendation job ({@link RecommendationJob}) end to end on the embedded broker, next to the
 * bare-read baseline measured on the same broker and topics:
 *
 * <ol>
 *   <li><b>Throughput.</b> Each round runs the bare read of the clicks and orders topics (the job
 *       reads no others), then, per scoring batch size ({@code --batch-sizes}), the job at
 *       parallelism 2 as deployed (RocksDB state, incremental checkpoints, here every 2 s,
 *       exactly-once Kafka sinks, the starter ranking model, no adapter) over the same pre-filled
 *       records, bounded. One warm-up round, then {@code --runs} measured. The span is from the
 *       job's first output record (recommendation, session snapshot or dead letter) to its last;
 *       the figures are recommendation requests (= recommendations written) and input events per
 *       second of it. Every run reads its own recommendations topic with {@code read_committed} and
 *       checks that each request the job made ({@code recoRequests}) that had candidates has
 *       exactly one committed recommendation, and notes where it differs from the first run. The
 *       scorer's metrics give the requests and rows per inference call.
 *   <li><b>Latency.</b> Then, {@code --runs} times per batch size, the job runs unbounded with
 *       AT_LEAST_ONCE sinks on fresh input topics, while the simulator produces live traffic at
 *       {@code --latency-rate} input records per second (0: half the median throughput of the first
 *       batch size). A consumer on the recommendations topic notes when each recommendation
 *       arrives; the latency of a product view is that time minus the time its record was handed to
 *       the producer (its Kafka timestamp), matched by the recommendation id ({@code reco-<eventId
 *       of the view>}). Views sent before the warm-up ends ({@code --warmup-seconds} after the
 *       first recommendation arrived) are left out; the views sent in the next {@code
 *       --latency-seconds} that asked for a recommendation are measured (a view within {@code
 *       reco.min-interval} of the shopper's last recommendation asks for none). After the traffic
 *       stops, the run waits until every request with candidates was answered.
 * </ol>
 *
 * <p>Defaults ({@link #DEFAULTS}): 30,000 input records, 2 measured runs, batch sizes 1 and 64, 10
 * s of warm-up and 20 s measured; the live rate is half the sustained maximum ({@link
 * SustainedRate}, at least 2,000 input records per second) unless {@code --latency-rate} says
 * otherwise. Latency is measured at-least-once and exactly-once ({@code --deliveries}), and {@code
 * --json FILE} writes every figure ({@link Report}).
 *
 * <p>Both use the job's deployed settings apart from the checkpoint interval: 2 s, or {@code
 * --latency-checkpoint-seconds} for the latency runs, where {@code --buffer-timeout-ms} also sets
 * Flink's network buffer timeout (default 100 ms).
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar reco --events 100000 --runs 3 --batch-sizes 1,16,64
 * }</pre>
 *
 * <p>Broker, producers, consumers and Flink share this JVM and its cores, like the playground.
 */
public final class RecoJobBenchmark {

    /** Small enough that a run with no options ends within about ten minutes on two cores. */
    private static final String[] DEFAULTS = {
        "--events", "30000",
        "--runs", "2",
        "--batch-sizes", "1,64",
        "--warmup-seconds", "10",
        "--latency-seconds", "20"
    };

    /** The topics the job reads. */
    private static final List<EventType<?>> INPUTS = List.of(EventType.CLICK, EventType.ORDER);

    /** Partitions of {@code reco.recommendations} in the project's topic layout. */
    private static final int RECOMMENDATION_PARTITIONS = 4;

    /**
     * Metrics of {@code SessionContext}, {@code CandidateAssembler} and {@code ScoringOperator}. A
     * request with no candidate at all gets no recommendation ({@code noCandidates}, 0 in builds
     * that answer it with an empty one).
     */
    private static final String REQUESTS = "recoRequests";

    private static final String NO_CANDIDATES = "noCandidates";
    private static final String RATE_LIMITED = "rateLimitedViews";
    private static final String SCORED = "scoredRequests";
    private static final String UNSCORED = "unscoredRequests";
    private static final String BATCH_ROWS = "scoringBatchRows";
    private static final String CALL_MICROS = "scoringLatencyMicros";

    /** How long the request count must stand still before a live run counts as drained. */
    private static final Duration SETTLED = Duration.ofSeconds(2);

    private static final AvroCodec<Recommendation> RECOMMENDATIONS =
            AvroCodec.of(EventType.RECOMMENDATION);

    /** Product views, each of which may ask for a recommendation, by recommendation id. */
    private static final LiveLatency.Tracked PRODUCT_VIEWS =
            new LiveLatency.Tracked(
                    "product views",
                    "recommendations",
                    "createdAt",
                    record ->
                            record instanceof ClickEvent click
                                            && click.getType() == ClickType.PRODUCT_VIEW
                                            && !click.getEventId().isEmpty()
                                    ? "reco-" + click.getEventId()
                                    : null);

    private RecoJobBenchmark() {}

    /** The harness's help: its options with its defaults. */
    public static String usage() {
        return HarnessOptions.usage("reco", new JobOptions.Spec(), DEFAULTS);
    }

    public static void main(String[] args) throws Exception {
        JobOptions settings = JobOptions.parse(args, DEFAULTS);
        BareReadBenchmark.Options options = settings.options();
        Report report = Report.start("reco", args, options.events(), options.parallelism());
        try (FilledBroker broker = FilledBroker.start("reco", options.events())) {
            EmbeddedKafka kafka = broker.kafka();
            Path work = broker.work();
            KafkaTraffic.Filled filled = broker.filled();
            long inputs = filled.records(INPUTS);
            System.out.printf(
                    Locale.ROOT, "%,d of them clicks and orders, the job's input%n", inputs);

            BareReadBenchmark.Runs bare =
                    new BareReadBenchmark.Runs("bare-read (clicks, orders)", options.parallelism());
            Map<Integer, BatchRuns> batches = new LinkedHashMap<>();
            for (int batchSize : settings.batchSizes()) {
                batches.put(batchSize, new BatchRuns(batchSize, options.parallelism()));
            }
            Outcome first = null;
            for (int run = 0; run <= options.runs(); run++) {
                boolean warmUp = run == 0;
                bare.add(
                        warmUp,
                        BareReadBenchmark.readAll(
                                kafka.settings(), options.parallelism(), INPUTS, inputs));
                for (BatchRuns batch : batches.values()) {
                    Outcome outcome =
                            throughput(kafka, work, settings, batch.batchSize, run, inputs);
                    batch.add(warmUp, outcome);
                    if (first == null) {
                        first = outcome;
                    } else {
                        compare(first, outcome);
                    }
                }
            }
            bare.printSummary(inputs);
            for (BatchRuns batch : batches.values()) {
                batch.printThroughput(inputs, bare.medianSteady());
                report.throughput(
                        "reco-job batch " + batch.batchSize,
                        bare,
                        batch.events,
                        "rocksdb",
                        "exactly-once");
            }

            JobOptions.Search search = settings.search();
            SustainedRate.Result sustained =
                    SustainedRate.searchIfAsked(
                            search,
                            false,
                            (step, r) ->
                                    latency(
                                            kafka,
                                            DeployedJob.live(
                                                    kafka,
                                                    work,
                                                    settings,
                                                    InferenceOptions.BATCH_SIZE.defaultValue(),
                                                    DeliveryGuarantee.AT_LEAST_ONCE,
                                                    "search-reco-" + step + ".",
                                                    Topics.RECOMMENDATIONS),
                                            settings,
                                            step,
                                            r,
                                            search.warmUp(),
                                            search.measured()),
                            report);
            double rate =
                    settings.latencyRate(
                            sustained, batches.values().iterator().next().events.medianSteady());
            for (int run = 1; run <= options.runs(); run++) {
                for (BatchRuns batch : batches.values()) {
                    for (DeliveryGuarantee delivery : settings.deliveries()) {
                        Configuration conf =
                                DeployedJob.live(
                                        kafka,
                                        work,
                                        settings,
                                        batch.batchSize,
                                        delivery,
                                        String.format(
                                                Locale.ROOT,
                                                "live-reco-%s-b%d-r%d.",
                                                JobOptions.name(delivery),
                                                batch.batchSize,
                                                run),
                                        Topics.RECOMMENDATIONS);
                        LiveLatency.Window window =
                                latency(
                                        kafka,
                                        conf,
                                        settings,
                                        run,
                                        rate,
                                        settings.warmUp(),
                                        settings.measured());
                        batch.latency.computeIfAbsent(delivery, d -> new ArrayList<>()).add(window);
                        report.latency(
                                window,
                                batch.batchSize,
                                JobOptions.name(delivery),
                                DeployedJob.waits(conf));
                    }
                }
            }
            for (BatchRuns batch : batches.values()) {
                batch.printLatency(rate);
            }
        }
        report.finish(options.json());
    }

    /**
     * What one bounded run measured.
     *
     * @param made requests the job made ({@code recoRequests})
     * @param recoIds ids of the recommendations committed
     */
    private record Outcome(
            Throughput.Result events,
            Throughput.Result requests,
            long made,
            Set<String> recoIds,
            MetricsProbe.Calls rows,
            MetricsProbe.Calls callMicros,
            long scored) {}

    /**
     * One bounded run of the job over the pre-filled topics, exactly once, into a recommendations
     * topic of its own.
     *
     * @throws IllegalStateException unless each request got exactly one committed recommendation
     */
    private static Outcome throughput(
            EmbeddedKafka kafka,
            Path work,
            JobOptions settings,
            int batchSize,
            int run,
            long inputs)
            throws Exception {
        String topic = "bench.reco.recommendations.b" + batchSize + "." + run;
        Configuration conf =
                settings.applyTo(
                        DeployedJob.exactlyOnce(
                                kafka,
                                work,
                                batchSize,
                                Topics.RECOMMENDATIONS,
                                topic,
                                RECOMMENDATION_PARTITIONS));
        try (MetricsProbe probe =
                MetricsProbe.attach(
                        conf,
                        REQUESTS,
                        NO_CANDIDATES,
                        RATE_LIMITED,
                        SCORED,
                        UNSCORED,
                        BATCH_ROWS,
                        CALL_MICROS)) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(
                            settings.options().parallelism(), conf);
            String group = "bench-reco-" + batchSize + "-" + run + "-" + UUID.randomUUID();
            JobOutputs out =
                    new RecommendationJob(conf, Input.kafka(kafka.settings(), group, true), null)
                            .build(env);
            out.sinkToKafka(conf, group);
            // Each counter is one more chained consumer, and Flink copies every record it hands
            // to a chained operator. Prediction logs (ten per recommendation, each with its
            // feature row) are not counted: that would add a quarter to the copies in the ranking
            // task. They leave with their recommendation, so the span is the same.
            String[] counted =
                    Throughput.count(
                            Map.of(
                                    "recommendations", out.get(EventType.RECOMMENDATION),
                                    "snapshots", out.get(EventType.FEATURE_SNAPSHOT),
                                    "dead-letters", out.get(EventType.DEAD_LETTER)));
            JobExecutionResult result =
                    env.execute("recommendation job, exactly once, batch " + batchSize);
            Throughput.Result outputs = Throughput.of(result, counted);
            long recommendations = Throughput.count(result, "recommendations");
            long requests = probe.count(REQUESTS);
            long answerable = answerable(probe);
            MetricsProbe.Calls rows = probe.histogram(BATCH_ROWS);
            MetricsProbe.Calls micros = probe.histogram(CALL_MICROS);
            long scored = probe.count(SCORED);
            System.out.printf(
                    Locale.ROOT,
                    "  batch %d run %d: %,d requests (%,d product views rate-limited, %,d requests"
                            + " without candidates), %,d recommendations, %,d session snapshots,"
                            + " %,d dead letters out; %,d inference calls for %,d requests (%,d"
                            + " unscored): %.2f requests and %.1f rows per call, %.0f µs per call"
                            + " (rows and µs: mean of the last %,d calls)%n",
                    batchSize,
                    run,
                    requests,
                    probe.count(RATE_LIMITED),
                    requests - answerable,
                    recommendations,
                    Throughput.count(result, "snapshots"),
                    Throughput.count(result, "dead-letters"),
                    rows.count(),
                    scored,
                    probe.count(UNSCORED),
                    scored / (double) Math.max(1, rows.count()),
                    rows.heldMean(),
                    micros.heldMean(),
                    rows.held());
            Set<String> recoIds =
                    checkOneRecommendationEach(
                            kafka.settings(), topic, answerable, recommendations);
            return new Outcome(
                    new Throughput.Result(inputs, outputs.spanMillis(), outputs.netRuntimeMillis()),
                    new Throughput.Result(
                            recommendations, outputs.spanMillis(), outputs.netRuntimeMillis()),
                    requests,
                    recoIds,
                    rows,
                    micros,
                    scored);
        }
    }

    /** Requests the job made that have candidates, so each must get a recommendation. */
    private static long answerable(MetricsProbe probe) {
        return probe.count(REQUESTS) - probe.count(NO_CANDIDATES);
    }

    /**
     * Reads {@code topic} as committed and checks it holds one recommendation per request.
     *
     * @param requests the requests with candidates the job made
     * @return the recommendation ids
     * @throws IllegalStateException if a recommendation id is there twice, or the number of
     *     recommendations differs from the requests or the recommendations the job emitted
     */
    private static Set<String> checkOneRecommendationEach(
            KafkaSettings kafka, String topic, long requests, long emitted) {
        Map<String, Integer> committed = new HashMap<>();
        long[] empty = {0};
        OutputTopics.readAll(
                kafka,
                topic,
                "read_committed",
                r -> {
                    Recommendation reco = decode(r.value());
                    committed.merge(reco.getRecoId().toString(), 1, Integer::sum);
                    if (reco.getItems().isEmpty()) {
                        empty[0]++;
                    }
                });
        long twice = committed.values().stream().filter(n -> n > 1).count();
        if (twice > 0 || committed.size() != requests || committed.size() != emitted) {
            long[] written = {0};
            OutputTopics.readAll(kafka, topic, "read_uncommitted", r -> written[0]++);
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s: %,d committed recommendations (%,d ids more than once) for %,d"
                                    + " requests, %,d emitted by the job; written in all,"
                                    + " committed or not: %,d",
                            topic,
                            committed.values().stream().mapToLong(Integer::longValue).sum(),
                            twice,
                            requests,
                            emitted,
                            written[0]));
        }
        if (empty[0] > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "  %,d of the %,d recommendations have no items (no candidates)%n",
                    empty[0],
                    committed.size());
        }
        return committed.keySet();
    }

    /**
     * Notes where a run differs from the first. The requests depend only on the input; which of
     * them have candidates, and so a recommendation, also on when the trending lists reach the
     * assembler, which a catch-up does not order by event time.
     */
    private static void compare(Outcome first, Outcome now) {
        if (now.made() != first.made()) {
            System.out.printf(
                    Locale.ROOT,
                    "  NOTE: %,d requests made, %,d in the first run%n",
                    now.made(),
                    first.made());
        }
        Set<String> missing = new HashSet<>(first.recoIds());
        missing.removeAll(now.recoIds());
        Set<String> extra = new HashSet<>(now.recoIds());
        extra.removeAll(first.recoIds());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            System.out.printf(
                    Locale.ROOT,
                    "  recommendations for other views than in the first run: %,d not recommended"
                            + " now (e.g. %s), %,d only now (e.g. %s)%n",
                    missing.size(),
                    missing.stream().limit(3).toList(),
                    extra.size(),
                    extra.stream().limit(3).toList());
        }
    }

    /**
     * Runs the job unbounded, at-least-once, on fresh input topics fed live at {@code rate} input
     * records per second, and measures how long each product view that asks for a recommendation
     * waits for it.
     *
     * @throws IllegalStateException unless every request the job made was answered
     */
    private static LiveLatency.Window latency(
            EmbeddedKafka kafka,
            Configuration conf,
            JobOptions settings,
            int run,
            double rate,
            Duration warmUp,
            Duration measured)
            throws Exception {
        int batchSize = conf.get(InferenceOptions.BATCH_SIZE);
        String delivery = JobOptions.name(conf.get(KafkaSinks.DELIVERY_GUARANTEE));
        try (MetricsProbe probe =
                MetricsProbe.attach(conf, REQUESTS, NO_CANDIDATES, RATE_LIMITED)) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(
                            settings.options().parallelism(), conf);
            String group = "live-reco-" + batchSize + "-" + run + "-" + UUID.randomUUID();
            new RecommendationJob(conf, Input.kafka(kafka.settings(), group, false), null)
                    .build(env)
                    .sinkToKafka(conf, group);
            JobClient job =
                    env.executeAsync("recommendation job, " + delivery + ", batch " + batchSize);
            LiveLatency.Window window =
                    LiveLatency.measure(
                            kafka,
                            conf,
                            LiveLatency.topic(
                                    kafka.settings(),
                                    conf.get(Topics.RECOMMENDATIONS),
                                    RecoJobBenchmark::recommendation),
                            job,
                            PRODUCT_VIEWS,
                            rate,
                            warmUp,
                            measured,
                            new AllAnswered(probe));
            long requests = probe.count(REQUESTS);
            long answerable = answerable(probe);
            window.print(
                    String.format(
                            Locale.ROOT,
                            "latency, scoring.batch-size %d, %s, run %d",
                            batchSize,
                            delivery,
                            run));
            System.out.printf(
                    Locale.ROOT,
                    "  %,d requests made in the whole run, %,d without candidates, %,d answered;"
                            + " %,d product views rate-limited%n",
                    requests,
                    requests - answerable,
                    window.arrived(),
                    probe.count(RATE_LIMITED));
            if (window.arrived() < answerable) {
                throw new IllegalStateException(
                        (answerable - window.arrived())
                                + " requests with candidates got no recommendation within "
                                + LiveLatency.DRAIN_TIMEOUT);
            }
            return window;
        }
    }

    /**
     * Drained once every request with candidates the job made has its recommendation, and the job
     * has made no new request for {@link #SETTLED}: the traffic has stopped, so the job has read
     * all it will get.
     */
    private static final class AllAnswered implements LiveLatency.Drained {
        private final MetricsProbe probe;
        private long requests = -1;
        private long since;

        AllAnswered(MetricsProbe probe) {
            this.probe = probe;
        }

        @Override
        public boolean test(Set<String> arrived, List<String> measured) {
            long now = System.nanoTime();
            long made = answerable(probe);
            if (made != requests) {
                requests = made;
                since = now;
                return false;
            }
            return arrived.size() >= made && now - since >= SETTLED.toNanos();
        }
    }

    /** Throughput and latency runs of one scoring batch size. */
    private static final class BatchRuns {
        final int batchSize;
        final BareReadBenchmark.Runs events;
        final BareReadBenchmark.Runs requests;
        final List<Double> requestsPerCall = new ArrayList<>();
        final List<Double> rowsPerCall = new ArrayList<>();
        final List<Double> microsPerCall = new ArrayList<>();
        final Map<DeliveryGuarantee, List<LiveLatency.Window>> latency = new LinkedHashMap<>();

        BatchRuns(int batchSize, int parallelism) {
            this.batchSize = batchSize;
            this.events = new BareReadBenchmark.Runs("reco-job batch " + batchSize, parallelism);
            this.requests =
                    new BareReadBenchmark.Runs(
                            "reco-job batch " + batchSize, parallelism, "requests");
        }

        void add(boolean warmUp, Outcome o) {
            events.add(warmUp, o.events());
            requests.add(warmUp, o.requests());
            if (!warmUp) {
                requestsPerCall.add(o.scored() / (double) Math.max(1, o.rows().count()));
                rowsPerCall.add(o.rows().heldMean());
                microsPerCall.add(o.callMicros().heldMean());
            }
        }

        void printThroughput(long inputs, double bareSteady) {
            events.printSummary(inputs);
            requests.printSummary(inputs);
            System.out.printf(
                    Locale.ROOT,
                    "reco job, scoring.batch-size %d, vs bare read (steady medians): %.3f; median"
                            + " %.2f requests and %.1f rows per inference call, %.0f µs per"
                            + " call%n",
                    batchSize,
                    events.medianSteady() / bareSteady,
                    BareReadBenchmark.Runs.median(requestsPerCall),
                    BareReadBenchmark.Runs.median(rowsPerCall),
                    BareReadBenchmark.Runs.median(microsPerCall));
        }

        void printLatency(double rate) {
            latency.forEach(
                    (delivery, windows) ->
                            System.out.printf(
                                    Locale.ROOT,
                                    "latency, scoring.batch-size %d, %s, %,.0f input records/s,"
                                            + " medians over %d runs: p50 %.0f ms, p99 %.0f ms,"
                                            + " max %.0f ms (p50 %s; p99 %s)%n",
                                    batchSize,
                                    JobOptions.name(delivery),
                                    rate,
                                    windows.size(),
                                    median(windows, 50),
                                    median(windows, 99),
                                    median(windows, 100),
                                    each(windows, 50),
                                    each(windows, 99)));
        }

        private static double median(List<LiveLatency.Window> windows, double p) {
            return BareReadBenchmark.Runs.median(windows.stream().map(w -> w.millis(p)).toList());
        }

        private static String each(List<LiveLatency.Window> windows, double p) {
            return windows.stream()
                    .map(w -> String.format(Locale.ROOT, "%.0f", w.millis(p)))
                    .collect(Collectors.joining("/"));
        }
    }

    private static LiveLatency.Arrival recommendation(byte[] value) throws DecodeException {
        Recommendation r = RECOMMENDATIONS.decode(value);
        return new LiveLatency.Arrival(r.getRecoId(), r.getCreatedAt().toEpochMilli());
    }

    private static Recommendation decode(byte[] value) {
        try {
            return RECOMMENDATIONS.decode(value);
        } catch (DecodeException e) {
            throw new IllegalStateException("Undecodable recommendation", e);
        }
    }
}
