package com.kartshoppe.fraud;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.Features;
import com.kartshoppe.features.NewestSnapshots;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.decision.DecisionPolicy;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.decision.FraudOutcome;
import com.kartshoppe.fraud.decision.FraudScoring;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.patterns.FraudPatterns;
import com.kartshoppe.fraud.patterns.HitEmitter;
import com.kartshoppe.fraud.patterns.HitGate;
import com.kartshoppe.fraud.patterns.PatternHit;
import com.kartshoppe.fraud.patterns.PatternSettings;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.inference.scoring.ScoringSettings;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.JobOutputs;
import com.kartshoppe.jobkit.time.Late;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
 * operator per pattern turns the shopper's (or, for shared-device, the device's) events into {@link
 * PatternHit}s; two {@link HitGate}s, keyed by device then by user, flag each order with the hits
 * from before it; {@link Scoring} scores it in micro-batches and {@link FraudScoring} decides.
 */
public final class FraudDetectionJob {

    public static final String NAME = "kartshoppe-fraud";
    static final String JOB = "fraud";

    private final Configuration conf;
    private final Input events;
    private final Input params;
    private final PatternSettings patterns;
    private final DecisionPolicy policy;
    private final ScoringSettings scoring;

    /**
     * @param conf the job's settings ({@link #options()})
     * @param events where the shop's four input topics come from
     * @param params where {@link AdapterParams} come from; null for none (the base model alone)
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public FraudDetectionJob(Configuration conf, Input events, Input params) {
        this.conf = conf;
        this.events = events;
        this.params = params;
        this.patterns = PatternSettings.from(conf);
        this.policy =
                new DecisionPolicy(
                        conf.get(FraudOptions.REVIEW_THRESHOLD),
                        conf.get(FraudOptions.BLOCK_THRESHOLD),
                        patterns.atLeast());
        this.scoring =
                ScoringSettings.from(
                        conf, conf.get(FraudOptions.MODEL_NAME), FeatureCatalog.FRAUD_V1);
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
        ShopEvents shop = ShopEvents.read(env, events, conf, JOB);
        KeyedStream<ShopEvent, String> byShopper = shop.deduplicatedByShopper();
        boolean atWatermark = shop.inEventTimeOrder();
        SingleOutputStreamOperator<Featured> featured = Features.fraud(byShopper, conf);

        List<DataStream<PatternHit>> userHits = new ArrayList<>();
        DataStream<PatternHit> deviceHits = null;
        for (FraudPattern p : FraudPattern.values()) {
            SingleOutputStreamOperator<ShopEvent> relevant =
                    byShopper
                            .filter(e -> FraudPatterns.relevant(p, e))
                            .uid("cep-" + p.id() + "-input")
                            .name(p.id() + ": events");
            if (p.key() == FraudPattern.Key.USER) {
                userHits.add(
                        hits(
                                DataStreamUtils.reinterpretAsKeyedStream(
                                        relevant, ShopEvent::userId, Types.STRING),
                                p));
            } else {
                deviceHits = hits(relevant.keyBy(ShopEvent::deviceId, Types.STRING), p);
            }
        }

        DataStream<FraudCase> orders =
                featured.filter(f -> f.event.isPlacedOrder())
                        .uid("placed-orders")
                        .name("placed orders")
                        .map(FraudCase::new)
                        .returns(FraudCase.class)
                        .uid("fraud-cases")
                        .name("fraud cases");
        DataStream<FraudCase> byDevice =
                gate(orders.keyBy(FraudCase::deviceId, Types.STRING), deviceHits, atWatermark)
                        .uid("device-pattern-flags")
                        .name("flag by device patterns");
        DataStream<FraudCase> flagged =
                gate(
                                byDevice.keyBy(FraudCase::userId, Types.STRING),
                                userHits.get(0)
                                        .union(
                                                userHits.subList(1, userHits.size())
                                                        .toArray(DataStream[]::new)),
                                atWatermark)
                        .uid("user-pattern-flags")
                        .name("flag by user patterns");

        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>(List.of(shop.deadLetters()));
        SingleOutputStreamOperator<FraudOutcome> outcomes =
                Scoring.score(
                                flagged,
                                Scoring.adapterParams(env, params, conf, JOB, deadLetters),
                                scoring,
                                new FraudScoring(scoring.modelName(), policy),
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
                        NewestSnapshots::newestOnly)
                .avro("dlq", EventType.DEAD_LETTER, DeadLetters.union(deadLetters));
    }

    private DataStream<PatternHit> hits(KeyedStream<ShopEvent, String> input, FraudPattern p) {
        OutputTag<ShopEvent> late = new OutputTag<>("cep-" + p.id() + "-late", ShopEvents.TYPE);
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

    private static SingleOutputStreamOperator<FraudCase> gate(
            KeyedStream<FraudCase, String> orders,
            DataStream<PatternHit> hits,
            boolean atWatermark) {
        return orders.connect(hits.keyBy(h -> h.key, Types.STRING))
                .process(new HitGate(atWatermark), TypeInformation.of(FraudCase.class));
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
