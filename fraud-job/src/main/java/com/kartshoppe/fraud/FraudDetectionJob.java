package com.kartshoppe.fraud;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudRuleSet;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.Features;
import com.kartshoppe.features.NewestSnapshots;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.decision.FraudOutcome;
import com.kartshoppe.fraud.decision.FraudScoring;
import com.kartshoppe.fraud.patterns.AccountDevices;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.patterns.FraudPatterns;
import com.kartshoppe.fraud.patterns.HitEmitter;
import com.kartshoppe.fraud.patterns.HitGate;
import com.kartshoppe.fraud.patterns.PatternEvent;
import com.kartshoppe.fraud.patterns.PatternHit;
import com.kartshoppe.fraud.patterns.PatternSettings;
import com.kartshoppe.fraud.rules.RuleSet;
import com.kartshoppe.fraud.rules.RuleSetUpdates;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.inference.scoring.ScoringSettings;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.input.Sourced;
import com.kartshoppe.jobkit.output.JobOutputs;
import com.kartshoppe.jobkit.time.Late;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.cep.CEP;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

/**
 * The fraud job: decides every placed order as it arrives, from its as-of-event fraud_v1 features
 * scored by the fraud ONNX model and the online adapter, and from the Flink CEP patterns that flag
 * it ({@link FraudPattern}); writes decisions, prediction logs, feature snapshots and dead letters.
 *
 * <pre>{@code
 * JobOutputs out = new FraudDetectionJob(conf, Input.jsonl("/tmp/sim"), null).build(env);
 * out.get(EventType.FRAUD_DECISION).executeAndCollect();   // or out.sinkToKafka(conf, "kartshoppe-fraud")
 * }</pre>
 *
 * <p>Dataflow: the four input topics are validated and deduplicated per shopper ({@link
 * ShopEvents}); {@link Features#fraud} computes fraud_v1 on each order and payment; one CEP
 * operator per pattern turns the shopper's (or, for shared-device, the device's) events, projected
 * to {@link PatternEvent}s, into {@link PatternHit}s. An order crosses one keyed exchange, the one
 * into the shopper's task: there it gets its features, and one forward hop later the {@link
 * HitGate} (shopper hits from the same task, device hits and adapter parameters broadcast) flags it
 * and the chained {@link Scoring} operator scores it with {@link FraudScoring}, which decides.
 */
public final class FraudDetectionJob {

    public static final String NAME = "kartshoppe-fraud";
    static final String JOB = "fraud";

    private final Configuration conf;
    private final Input events;
    private final Input params;
    private final PatternSettings patterns;
    private final RuleSet rules;
    private final ScoringSettings scoring;

    /**
     * @param conf the job's settings ({@link #options()})
     * @param events where the shop's four input topics come from
     * @param params where {@link AdapterParams} come from; null for none (the base model alone)
     * @throws IllegalArgumentException naming the setting that is out of range, or what is wrong
     *     with the {@code fraud.rules.file}
     */
    public FraudDetectionJob(Configuration conf, Input events, Input params) {
        this.conf = conf;
        this.events = events;
        this.params = params;
        this.patterns = PatternSettings.from(conf);
        this.rules = initialRules(conf);
        this.scoring =
                ScoringSettings.from(
                        conf, conf.get(FraudOptions.MODEL_NAME), FeatureCatalog.FRAUD_V1);
    }

    /**
     * The rule set the job starts under: its settings ({@link RuleSet#fromConfiguration}), with the
     * file of {@code fraud.rules.file} over them when set.
     *
     * @throws IllegalArgumentException naming the setting or the file and what is wrong
     */
    public static RuleSet initialRules(Configuration conf) {
        RuleSet settings = RuleSet.fromConfiguration(conf);
        String file = conf.get(FraudOptions.RULES_FILE);
        if (file == null) {
            return settings;
        }
        try {
            return RuleSet.read(Path.of(file), settings);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    FraudOptions.RULES_FILE.key() + ": cannot read " + file + " (" + e + ")", e);
        }
    }

    /** Every setting the job accepts, apart from pass-through prefixes. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> own = new ArrayList<>(FraudOptions.ALL);
        own.addAll(PatternSettings.ALL);
        return JobDescription.options(FeatureOptions.ALL, InferenceOptions.ALL, own);
    }

    /**
     * Adds the job's operators to {@code env}. Outputs and their sinks' uids: decisions ({@code
     * decisions-sink}), prediction logs ({@code predictions-sink}), feature snapshots ({@code
     * features-sink}, after the filter {@code newest-snapshots}: the topic is compacted), dead
     * letters ({@code dlq-sink}).
     */
    public JobOutputs build(StreamExecutionEnvironment env) {
        // Every function of this job leaves its input as it found it and keeps no reference to a
        // record it passed on, so chained operators may hand records over without copies.
        JobDescription.reuseObjects(env);
        ShopEvents shop = ShopEvents.read(env, events, conf, JOB);
        KeyedStream<ShopEvent, String> byShopper = shop.deduplicatedByShopper();
        SingleOutputStreamOperator<Featured> featured = Features.fraud(byShopper, conf);

        // The shopper's task: orders and the hits of the shopper-keyed patterns go on to the gate
        // on the same partitioning, flushed one by one (they are sparse and a decision waits).
        List<DataStream<Either<FraudCase, PatternHit>>> toGate = new ArrayList<>();
        toGate.add(
                featured.filter(f -> f.event.isPlacedOrder())
                        .uid("placed-orders")
                        .name("placed orders")
                        .map(f -> Either.<FraudCase, PatternHit>Left(new FraudCase(f)))
                        .returns(GATE_INPUT)
                        .uid("fraud-cases")
                        .name("fraud cases")
                        .setBufferTimeout(0));
        DataStream<PatternHit> deviceHits = null;
        for (FraudPattern p : FraudPattern.values()) {
            SingleOutputStreamOperator<ShopEvent> input =
                    byShopper
                            .filter(e -> FraudPatterns.relevant(p, e))
                            .uid("cep-" + p.id() + "-input")
                            .name(p.id() + ": events");
            SingleOutputStreamOperator<PatternEvent> relevant =
                    p == FraudPattern.ACCOUNT_TAKEOVER
                            ? DataStreamUtils.reinterpretAsKeyedStream(
                                            input, ShopEvent::userId, Types.STRING)
                                    .process(
                                            new AccountDevices(
                                                    patterns.knownDeviceFor().toMillis()),
                                            TypeInformation.of(PatternEvent.class))
                                    .uid("cep-" + p.id() + "-account-devices")
                                    .name(p.id() + ": logins by known device")
                            : input.map(PatternEvent::of)
                                    .returns(PatternEvent.class)
                                    .uid("cep-" + p.id() + "-projection")
                                    .name(p.id() + ": projection");
            if (p.key() == FraudPattern.Key.USER) {
                toGate.add(
                        hits(
                                        DataStreamUtils.reinterpretAsKeyedStream(
                                                relevant, e -> e.userId, Types.STRING),
                                        p)
                                .map(Either::<FraudCase, PatternHit>Right)
                                .returns(GATE_INPUT)
                                .uid("cep-" + p.id() + "-hits")
                                .name(p.id() + ": hits")
                                .setBufferTimeout(0));
            } else {
                deviceHits = hits(relevant.keyBy(e -> e.deviceId, Types.STRING), p);
            }
        }
        DataStream<Either<FraudCase, PatternHit>> gateInput =
                toGate.get(0).union(toGate.subList(1, toGate.size()).toArray(DataStream[]::new));

        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>(List.of(shop.deadLetters()));
        DataStream<Either<Either<AdapterParams, FraudRuleSet>, PatternHit>> broadcast =
                Scoring.adapterParams(env, params, conf, JOB, deadLetters)
                        .map(p -> Either.<AdapterParams, FraudRuleSet>Left(p))
                        .returns(CONTROL)
                        .uid("adapter-params-to-gate")
                        .name("adapter parameters")
                        .union(
                                ruleSets(env, deadLetters)
                                        .map(r -> Either.<AdapterParams, FraudRuleSet>Right(r))
                                        .returns(CONTROL)
                                        .uid("fraud-rules-to-gate-control")
                                        .name("rule sets"))
                        .map(Either::<Either<AdapterParams, FraudRuleSet>, PatternHit>Left)
                        .returns(BROADCAST_INPUT)
                        .uid("controls-to-gate")
                        .name("controls")
                        .union(
                                deviceHits
                                        .map(
                                                Either
                                                        ::<Either<AdapterParams, FraudRuleSet>,
                                                                PatternHit>Right)
                                        .returns(BROADCAST_INPUT)
                                        .uid("cep-" + FraudPattern.SHARED_DEVICE.id() + "-hits")
                                        .name(FraudPattern.SHARED_DEVICE.id() + ": hits")
                                        .setBufferTimeout(0));
        SingleOutputStreamOperator<Either<FraudCase, AdapterParams>> flagged =
                DataStreamUtils.reinterpretAsKeyedStream(
                                gateInput, FraudDetectionJob::shopper, Types.STRING)
                        .connect(broadcast.broadcast(HitGate.DEVICE_HITS, HitGate.RULES))
                        .process(
                                new HitGate(shop.inEventTimeOrder(), rules),
                                Scoring.withParams(TypeInformation.of(FraudCase.class)))
                        .uid("pattern-flags")
                        .name("flag by patterns");
        SingleOutputStreamOperator<FraudOutcome> outcomes =
                Scoring.score(
                                flagged,
                                scoring,
                                new FraudScoring(scoring.modelName()),
                                TypeInformation.of(FraudOutcome.class),
                                "fraud-scoring")
                        .name("score and decide");

        DataStream<FraudDecision> decisions =
                outcomes.map(o -> o.decision)
                        .returns(new AvroTypeInfo<>(FraudDecision.class))
                        .uid("fraud-decisions")
                        .name("decisions");
        DataStream<PredictionLog> predictions =
                outcomes.filter(o -> o.prediction != null)
                        .uid("scored-outcomes")
                        .name("scored outcomes")
                        .map(o -> o.prediction)
                        .returns(new AvroTypeInfo<>(PredictionLog.class))
                        .uid("fraud-predictions")
                        .name("prediction logs");
        DataStream<FeatureSnapshot> snapshots =
                featured.map(f -> f.features)
                        .returns(new AvroTypeInfo<>(FeatureSnapshot.class))
                        .uid("fraud-feature-snapshots")
                        .name("feature snapshots");
        return new JobOutputs()
                .avro("decisions", EventType.FRAUD_DECISION, decisions)
                .avro("predictions", EventType.PREDICTION, predictions)
                .avro(
                        "features",
                        EventType.FEATURE_SNAPSHOT,
                        snapshots,
                        NewestSnapshots::newestOnlyInShoppersTask)
                .avro("dlq", EventType.DEAD_LETTER, DeadLetters.union(deadLetters));
    }

    private static final TypeInformation<Either<FraudCase, PatternHit>> GATE_INPUT =
            new EitherTypeInfo<>(
                    TypeInformation.of(FraudCase.class), TypeInformation.of(PatternHit.class));

    private static final TypeInformation<Either<AdapterParams, FraudRuleSet>> CONTROL =
            new EitherTypeInfo<>(
                    new AvroTypeInfo<>(AdapterParams.class),
                    new AvroTypeInfo<>(FraudRuleSet.class));

    private static final TypeInformation<Either<Either<AdapterParams, FraudRuleSet>, PatternHit>>
            BROADCAST_INPUT = new EitherTypeInfo<>(CONTROL, TypeInformation.of(PatternHit.class));

    /**
     * The rule sets to apply as they are published to {@code fraud.rules} ({@link RuleSetUpdates});
     * none in a replay, which decides under the rule set it starts with: the arrival of a rule set
     * among replayed events would depend on how fast each file is read.
     */
    private DataStream<FraudRuleSet> ruleSets(
            StreamExecutionEnvironment env, List<DataStream<DeadLetter>> deadLetters) {
        AvroTypeInfo<FraudRuleSet> type = new AvroTypeInfo<>(FraudRuleSet.class);
        if (params == null || params.replays()) {
            return Input.none(env, type, "no-fraud-rules", "no rule sets");
        }
        SingleOutputStreamOperator<Sourced<FraudRuleSet>> decoded =
                DeadLetters.split(
                        params.read(env, EventType.FRAUD_RULES, conf, JOB),
                        EventType.FRAUD_RULES.name(),
                        Sourced.typeInfo(EventType.FRAUD_RULES));
        deadLetters.add(decoded.getSideOutput(DeadLetters.TAG));
        SingleOutputStreamOperator<FraudRuleSet> applied =
                decoded.keyBy(s -> s.record.getRuleSetId(), Types.STRING)
                        .process(new RuleSetUpdates(rules, conf.get(Topics.FRAUD_RULES), JOB), type)
                        .uid("fraud-rules-updates")
                        .name("rule sets to apply");
        deadLetters.add(applied.getSideOutput(DeadLetters.TAG));
        return applied;
    }

    private static String shopper(Either<FraudCase, PatternHit> in) {
        return in.isLeft() ? in.left().userId() : in.right().key;
    }

    private DataStream<PatternHit> hits(KeyedStream<PatternEvent, String> input, FraudPattern p) {
        OutputTag<PatternEvent> late =
                new OutputTag<>("cep-" + p.id() + "-late", TypeInformation.of(PatternEvent.class));
        SingleOutputStreamOperator<PatternHit> hits =
                CEP.pattern(input, FraudPatterns.of(p, patterns))
                        .inEventTime()
                        .sideOutputLateData(late)
                        .process(
                                new HitEmitter(p, patterns, FraudPatterns.eventsInHit(p, patterns)),
                                TypeInformation.of(PatternHit.class))
                        .uid("cep-" + p.id())
                        .name("CEP " + p.id());
        // Events too late for the pattern still got features and a decision: counted, not matched.
        Late.counted(hits.getSideOutput(late), "cep-" + p.id() + "-late");
        return hits;
    }

    /** The job, described once: {@code main} on a cluster, the playground and the backtests. */
    public static final JobDescription DESCRIPTION =
            new JobDescription(
                    NAME,
                    options(),
                    FraudOptions.GROUP_ID,
                    (conf, events, params, env) ->
                            new FraudDetectionJob(conf, events, params).build(env));

    /**
     * Runs the job on Kafka ({@link JobDescription#run}): {@code --key value} settings and {@code
     * --config FILE}, see the README.
     */
    public static void main(String[] args) throws Exception {
        DESCRIPTION.run(args);
    }
}
