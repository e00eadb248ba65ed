package com.kartshoppe.reco.backtest;

import static com.kartshoppe.events.catalog.FeatureCatalog.RECO_V1;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.outcomes.LabeledExamples;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.reco.RecommendationJob;
import com.kartshoppe.reco.ranking.Candidate;
import com.kartshoppe.reco.ranking.RankingRequest;
import com.kartshoppe.reco.session.RecoRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Labelled ranking examples from recorded traffic, for a first reco model: every candidate the job
 * generates for every request (not only the shown ones, so the model learns about all it will
 * rank), with its reco_v1 row, labelled 1 if the shopper viewed or bought it within the horizon
 * after the request ({@link NextActions}). No model served them: score 0, model {@code none}.
 */
public final class RecoExamples {

    private RecoExamples() {}

    /** Runs the job's candidate generation over the traffic in {@code dir} on a local cluster. */
    public static List<LabeledExample> of(Configuration conf, Path dir, long horizon)
            throws Exception {
        NextActions actions = NextActions.read(dir);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        RecommendationJob job = new RecommendationJob(conf, Input.jsonl(dir.toString()), null);
        List<LabeledExample> examples = new ArrayList<>();
        try (CloseableIterator<RankingRequest> requests =
                job.candidates(env).executeAndCollect("reco examples from " + dir)) {
            requests.forEachRemaining(
                    request -> {
                        RecoRequest r = request.request;
                        Set<String> next =
                                actions.after(r.userId, r.eventTime, horizon, r.productId);
                        for (Candidate c : request.candidates) {
                            examples.add(example(r, c, next.contains(c.productId)));
                        }
                    });
        }
        return examples;
    }

    private static LabeledExample example(RecoRequest r, Candidate c, boolean next) {
        Instant time = Instant.ofEpochMilli(r.eventTime);
        return LabeledExamples.unscored(
                r.recoId + ":" + c.productId,
                UseCase.RECO,
                r.userId,
                c.productId,
                time,
                RECO_V1.name(),
                RECO_V1.version(),
                RECO_V1.toMap(c.features),
                next ? 1 : 0,
                next ? "NEXT_ACTION" : "NO_ACTION");
    }
}
