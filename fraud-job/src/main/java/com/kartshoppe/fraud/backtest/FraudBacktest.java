package com.kartshoppe.fraud.backtest;

import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.FraudStreams;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The fraud job over recorded events ({@code <dir>/<topic>.jsonl}, as {@code kartshoppe simulate
 * --out jsonl:DIR} writes them) on a local Flink environment: the same operators as on Kafka, its
 * outputs collected. Adapter parameters are read from {@code <dir>/ml.model-params.jsonl} when the
 * file exists; otherwise the base model decides alone.
 *
 * <pre>{@code
 * CollectedOutputs result = FraudBacktest.run(conf, Path.of("/tmp/sim"));
 * result.write(Path.of("/tmp/backtest"));
 * }</pre>
 */
public final class FraudBacktest {

    private FraudBacktest() {}

    /**
     * Runs the job over the events in {@code dir} and waits for it to finish.
     *
     * @param conf the job's settings; models come from {@code models.dir}
     */
    public static CollectedOutputs run(Configuration conf, Path dir) throws Exception {
        Input input = Input.jsonl(dir.toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        FraudStreams out =
                new FraudDetectionJob(conf, input, Scoring.recordedParams(conf, dir)).build(env);
        return CollectedOutputs.run(FraudDetectionJob.NAME + " backtest of " + dir, out.byType());
    }
}
