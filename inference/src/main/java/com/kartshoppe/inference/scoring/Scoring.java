package com.kartshoppe.inference.scoring;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * Wires a {@link ScoringOperator} into a job.
 *
 * <pre>{@code
 * DataStream<FraudDecision> decisions = Scoring.score(
 *         orders, adapterParams, ScoringSettings.from(conf, "fraud", FeatureCatalog.FRAUD_V1),
 *         new FraudScoring(thresholds), TypeInformation.of(FraudDecision.class), "fraud-scoring");
 * }</pre>
 */
public final class Scoring {

    private Scoring() {}

    /**
     * The {@link AdapterParams} a scoring job applies: decoded from {@code params} ({@code
     * ml.model-params}), with undecodable records added to {@code deadLetters}; or, when {@code
     * params} is null, an empty stream, so the base model decides alone.
     */
    public static DataStream<AdapterParams> adapterParams(
            StreamExecutionEnvironment env,
            Input params,
            Configuration conf,
            String job,
            List<DataStream<DeadLetter>> deadLetters) {
        AvroTypeInfo<AdapterParams> type = new AvroTypeInfo<>(AdapterParams.class);
        if (params == null) {
            return Input.none(env, type, "no-adapter-params", "no adapter parameters");
        }
        return params.records(env, EventType.ADAPTER_PARAMS, conf, job, deadLetters);
    }

    /**
     * A backtest of a scoring job ({@link JobDescription#replay}): the events recorded in {@code
     * dir} ({@code <dir>/<topic>.jsonl}, as {@code kartshoppe simulate --out jsonl:DIR} writes
     * them), with the adapter parameters recorded there if any ({@link #recordedParams}).
     *
     * <pre>{@code
     * CollectedOutputs result = Scoring.backtest(FraudDetectionJob.DESCRIPTION, conf, Path.of("/tmp/sim"));
     * }</pre>
     */
    public static CollectedOutputs backtest(JobDescription job, Configuration conf, Path dir)
            throws Exception {
        return job.replay(conf, Input.jsonl(dir.toString()), recordedParams(conf, dir));
    }

    /**
     * The adapter parameters recorded in {@code dir} ({@code <dir>/ml.model-params.jsonl}, topic
     * name from {@code conf}) for a backtest, or null when there are none: the base model alone.
     */
    public static Input recordedParams(Configuration conf, Path dir) {
        boolean recorded = Files.exists(dir.resolve(conf.get(Topics.MODEL_PARAMS) + ".jsonl"));
        return recorded ? Input.jsonl(dir.toString()) : null;
    }

    /**
     * Scores {@code requests} with the configured model, applying the newest adapter from {@code
     * params} (broadcast to every subtask, merged in by an operator with uid {@code
     * <uid>-with-params}); the scoring operator's uid is {@code uid}.
     */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> score(
            DataStream<IN> requests,
            DataStream<AdapterParams> params,
            ScoringSettings settings,
            ScoringFunction<IN, OUT> function,
            TypeInformation<OUT> type,
            String uid) {
        SingleOutputStreamOperator<Either<IN, AdapterParams>> merged =
                requests.connect(params.broadcast())
                        .transform(
                                "with adapter parameters",
                                withParams(requests.getType()),
                                new WithAdapterParams<IN>())
                        .uid(uid + "-with-params");
        return score(merged, settings, function, type, uid);
    }

    /**
     * Scores the requests ({@code Left}) of {@code requestsAndParams}, applying the newest adapter
     * of its {@code Right}s, which every subtask must receive; uid {@code uid}. The scoring
     * operator chains to the operator that merged the two.
     */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> score(
            DataStream<Either<IN, AdapterParams>> requestsAndParams,
            ScoringSettings settings,
            ScoringFunction<IN, OUT> function,
            TypeInformation<OUT> type,
            String uid) {
        return requestsAndParams
                .transform(
                        "score with model " + settings.modelName(),
                        type,
                        new ScoringOperator<>(settings, function))
                .uid(uid);
    }

    /** The type of a request-or-parameters stream: {@code Either<IN, AdapterParams>}. */
    public static <IN> TypeInformation<Either<IN, AdapterParams>> withParams(
            TypeInformation<IN> requests) {
        return new EitherTypeInfo<>(requests, new AvroTypeInfo<>(AdapterParams.class));
    }
}
