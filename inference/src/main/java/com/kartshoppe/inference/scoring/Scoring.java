package com.kartshoppe.inference.scoring;

import com.kartshoppe.events.AdapterParams;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

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
     * Scores {@code requests} with the configured model, applying the newest adapter from {@code
     * params} (broadcast to every subtask); operator uid and name from {@code uid}.
     */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> score(
            DataStream<IN> requests,
            DataStream<AdapterParams> params,
            ScoringSettings settings,
            ScoringFunction<IN, OUT> function,
            TypeInformation<OUT> type,
            String uid) {
        return requests.connect(params.broadcast())
                .transform(
                        "score with model " + settings.modelName(),
                        type,
                        new ScoringOperator<>(settings, function))
                .uid(uid);
    }
}
