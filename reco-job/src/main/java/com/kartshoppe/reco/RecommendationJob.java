package com.kartshoppe.reco;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.features.NewestSnapshots;
import com.kartshoppe.features.analytics.ProductPopularity;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.session.SessionSummary;
import com.kartshoppe.features.session.Sessions;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.inference.scoring.ScoringSettings;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.JobOutputs;
import com.kartshoppe.jobkit.time.Late;
import com.kartshoppe.reco.candidates.CandidateAssembler;
import com.kartshoppe.reco.candidates.CandidateUpdate;
import com.kartshoppe.reco.candidates.Trending;
import com.kartshoppe.reco.candidates.TrendingProducts;
import com.kartshoppe.reco.ranking.RankingRequest;
import com.kartshoppe.reco.ranking.RecoOutcome;
import com.kartshoppe.reco.ranking.RecoScoring;
import com.kartshoppe.reco.session.RecoRequest;
import com.kartshoppe.reco.session.SessionContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The recommendation job: on a shopper's product view (at most one per {@code reco.min-interval}),
 * ranks candidate products with the reco ONNX model and the online adapter, and writes the top
 * {@code reco.top-k} as a {@link Recommendation}, with a prediction log per shown item; session
 * windows write session_v1 snapshots for training and analytics.
 *
 * <pre>{@code
 * JobOutputs out = new RecommendationJob(conf, Input.jsonl("/tmp/sim"), null).build(env);
 * out.get(EventType.RECOMMENDATION).executeAndCollect();   // or out.sinkToKafka(conf, "kartshoppe-reco")
 * }</pre>
 *
 * <p>Dataflow: clicks and orders are validated and deduplicated per shopper ({@link ShopEvents});
 * {@link SessionContext} (keyed by shopper) keeps the live session and interests and emits requests
 * and co-view pairs. A request crosses one keyed exchange, the one into the shopper's task, then
 * one forward hop within the same subtask into the {@link CandidateAssembler}, which builds its
 * candidates and their reco_v1 rows from co-view neighbours and trending lists it learns by
 * broadcast (co-views from every shopper's task; trending lists from {@link ProductPopularity} and
 * {@link TrendingProducts}, keyed by category) and passes on the adapter parameters; the chained
 * {@link Scoring} operator ranks the candidates in one inference call per request and {@link
 * RecoScoring} picks the slate.
 */
public final class RecommendationJob {

    public static final String NAME = "kartshoppe-reco";
    static final String JOB = "reco";

    private final Configuration conf;
    private final Input events;
    private final Input params;
    private final RecoSettings settings;
    private final ScoringSettings scoring;

    /**
     * @param conf the job's settings ({@link #options()})
     * @param events where the clicks and orders topics come from
     * @param params where adapter parameters come from; null for none (the base model alone)
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public RecommendationJob(Configuration conf, Input events, Input params) {
        this.conf = conf;
        this.events = events;
        this.params = params;
        this.settings = RecoOptions.settings(conf);
        this.scoring =
                ScoringSettings.from(
                        conf, conf.get(RecoOptions.MODEL_NAME), FeatureCatalog.RECO_V1);
    }

    /** Every setting the job accepts, apart from pass-through prefixes. */
    public static List<ConfigOption<?>> options() {
        return JobDescription.options(FeatureOptions.ALL, InferenceOptions.ALL, RecoOptions.ALL);
    }

    /**
     * Adds the job's operators to {@code env}. Outputs and their sinks' uids: recommendations
     * ({@code recommendations-sink}), prediction logs ({@code predictions-sink}), session_v1
     * snapshots ({@code features-sink}, after the filter {@code newest-snapshots}: the topic is
     * compacted), dead letters ({@code dlq-sink}).
     */
    public JobOutputs build(StreamExecutionEnvironment env) {
        // Every function of this job leaves its input as it found it and keeps no reference to a
        // record it passed on, so chained operators may hand records over without copies.
        JobDescription.reuseObjects(env);
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        Ranking ranking = ranking(env, deadLetters);
        SingleOutputStreamOperator<RecoOutcome> outcomes =
                Scoring.score(
                                ranking.requests,
                                scoring,
                                new RecoScoring(scoring.modelName(), settings),
                                TypeInformation.of(RecoOutcome.class),
                                "reco-scoring")
                        .name("rank");
        DataStream<Recommendation> recommendations =
                outcomes.map(o -> o.recommendation)
                        .returns(new AvroTypeInfo<>(Recommendation.class))
                        .uid("reco-recommendations")
                        .name("recommendations");
        DataStream<PredictionLog> predictions =
                outcomes.flatMap(
                                (RecoOutcome o, Collector<PredictionLog> out) -> {
                                    for (PredictionLog p : o.predictions) {
                                        out.collect(p);
                                    }
                                })
                        .returns(new AvroTypeInfo<>(PredictionLog.class))
                        .uid("reco-predictions")
                        .name("prediction logs");
        SingleOutputStreamOperator<SessionSummary> sessions =
                Sessions.summarize(ranking.byShopper, conf);
        Late.counted(sessions.getSideOutput(Sessions.LATE), "sessions-late");
        DataStream<FeatureSnapshot> snapshots = Sessions.snapshots(sessions);
        return new JobOutputs()
                .avro("recommendations", EventType.RECOMMENDATION, recommendations)
                .avro("predictions", EventType.PREDICTION, predictions)
                .avro(
                        "features",
                        EventType.FEATURE_SNAPSHOT,
                        snapshots,
                        NewestSnapshots::newestOnly)
                .avro("dlq", EventType.DEAD_LETTER, DeadLetters.union(deadLetters));
    }

    /**
     * Only the requests with their candidates and reco_v1 rows, before ranking: what training
     * examples are built from.
     */
    public DataStream<RankingRequest> candidates(StreamExecutionEnvironment env) {
        return ranking(env, new ArrayList<>())
                .requests
                .flatMap(
                        (Either<RankingRequest, AdapterParams> r,
                                Collector<RankingRequest> out) -> {
                            if (r.isLeft()) {
                                out.collect(r.left());
                            }
                        })
                .returns(RankingRequest.class)
                .uid("reco-ranking-requests")
                .name("ranking requests");
    }

    private record Ranking(
            KeyedStream<ShopEvent, String> byShopper,
            DataStream<Either<RankingRequest, AdapterParams>> requests) {}

    /**
     * The requests with their candidates, and the adapter parameters, for the scorer; the dead
     * letters of the inputs are added to {@code deadLetters}.
     */
    private Ranking ranking(
            StreamExecutionEnvironment env, List<DataStream<DeadLetter>> deadLetters) {
        ShopEvents shop =
                ShopEvents.read(env, events, conf, JOB, List.of(EventType.CLICK, EventType.ORDER));
        deadLetters.add(shop.deadLetters());
        KeyedStream<ShopEvent, String> byShopper = shop.deduplicatedByShopper();
        // A request goes on to its candidates on the same partitioning, flushed at once.
        SingleOutputStreamOperator<RecoRequest> requests =
                byShopper
                        .process(
                                new SessionContext(
                                        settings, conf.get(FeatureOptions.SESSION_GAP).toMillis()),
                                TypeInformation.of(RecoRequest.class))
                        .uid("reco-session-context")
                        .name("session context")
                        .setBufferTimeout(0);
        DataStream<CandidateUpdate> coViews =
                requests.getSideOutput(SessionContext.CO_VIEWS)
                        .map(CandidateUpdate::of)
                        .returns(CandidateUpdate.class)
                        .uid("reco-co-views")
                        .name("co-views");
        DataStream<CandidateUpdate> trending =
                ProductPopularity.compute(byShopper, conf)
                        .keyBy(s -> s.category == null ? "" : s.category, Types.STRING)
                        .process(
                                new TrendingProducts(settings.trendingPerCategory()),
                                TypeInformation.of(Trending.class))
                        .uid("reco-trending")
                        .name("trending per category")
                        .map(CandidateUpdate::of)
                        .returns(CandidateUpdate.class)
                        .uid("reco-trending-updates")
                        .name("trending lists");
        DataStream<Either<AdapterParams, CandidateUpdate>> broadcast =
                Scoring.adapterParams(env, params, conf, JOB, deadLetters)
                        .map(Either::<AdapterParams, CandidateUpdate>Left)
                        .returns(BROADCAST_INPUT)
                        .uid("adapter-params-to-candidates")
                        .name("adapter parameters")
                        .union(
                                coViews.union(trending)
                                        .map(Either::<AdapterParams, CandidateUpdate>Right)
                                        .returns(BROADCAST_INPUT)
                                        .uid("reco-candidate-updates")
                                        .name("candidate updates"));
        SingleOutputStreamOperator<Either<RankingRequest, AdapterParams>> candidates =
                DataStreamUtils.reinterpretAsKeyedStream(requests, r -> r.userId, Types.STRING)
                        .connect(
                                broadcast.broadcast(
                                        CandidateAssembler.TRENDING, CandidateAssembler.NEIGHBOURS))
                        .process(
                                new CandidateAssembler(
                                        settings,
                                        shop.inEventTimeOrder(),
                                        conf.get(FeatureOptions.POPULARITY_WINDOW).toMillis()),
                                Scoring.withParams(TypeInformation.of(RankingRequest.class)))
                        .uid("reco-candidates")
                        .name("candidates");
        return new Ranking(byShopper, candidates);
    }

    private static final TypeInformation<Either<AdapterParams, CandidateUpdate>> BROADCAST_INPUT =
            new EitherTypeInfo<>(
                    new AvroTypeInfo<>(AdapterParams.class),
                    TypeInformation.of(CandidateUpdate.class));

    /** The job, described once: {@code main} on a cluster, the playground and the backtests. */
    public static final JobDescription DESCRIPTION =
            new JobDescription(
                    NAME,
                    options(),
                    RecoOptions.GROUP_ID,
                    (conf, events, params, env) ->
                            new RecommendationJob(conf, events, params).build(env));

    /**
     * Runs the job on Kafka ({@link JobDescription#run}): {@code --key value} settings and {@code
     * --config FILE}, see the README.
     */
    public static void main(String[] args) throws Exception {
        DESCRIPTION.run(args);
    }
}
