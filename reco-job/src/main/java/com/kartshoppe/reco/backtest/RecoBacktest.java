package com.kartshoppe.reco.backtest;

import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import com.kartshoppe.reco.RecoStreams;
import com.kartshoppe.reco.RecommendationJob;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The recommendation job over recorded events ({@code <dir>/<topic>.jsonl}, as {@code kartshoppe
 * simulate --out jsonl:DIR} writes them) on a local Flink environment: the same operators as on
 * Kafka, its outputs collected. Adapter parameters come from {@code <dir>/ml.model-params.jsonl}
 * when the file exists.
 *
 * <pre>{@code
 * CollectedOutputs result = RecoBacktest.run(conf, Path.of("/tmp/sim"));
 * result.write(Path.of("/tmp/backtest"));
 * }</pre>
 */
public final class RecoBacktest {

    private RecoBacktest() {}

    /**
     * Runs the job over the events in {@code dir} and waits for it to finish.
     *
     * @param conf the job's settings; models come from {@code models.dir}
     */
    public static CollectedOutputs run(Configuration conf, Path dir) throws Exception {
        Input input = Input.jsonl(dir.toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        RecoStreams out =
                new RecommendationJob(conf, input, Scoring.recordedParams(conf, dir)).build(env);
        return CollectedOutputs.run(RecommendationJob.NAME + " backtest of " + dir, out.byType());
    }
}
