package com.kartshoppe.feedback.backtest;

import com.kartshoppe.feedback.FeedbackJob;
import com.kartshoppe.feedback.FeedbackStreams;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The feedback job over recorded files on a local Flink environment: labels, clicks and orders from
 * a simulation ({@code kartshoppe simulate --out jsonl:DIR}), predictions from a fraud or reco
 * backtest ({@code --out jsonl:DIR}). Outputs collected: examples, adapter parameters, dead letters
 * and the {@code ml.feedback-accuracy} JSON lines.
 *
 * <pre>{@code
 * CollectedOutputs out = FeedbackBacktest.run(conf, Path.of("/tmp/sim"), Path.of("/tmp/bt"));
 * List<String> reports = out.text("ml.feedback-accuracy");
 * }</pre>
 */
public final class FeedbackBacktest {

    private FeedbackBacktest() {}

    /** Runs the job over the files and waits for it to finish. */
    public static CollectedOutputs run(Configuration conf, Path events, Path predictions)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        FeedbackStreams out =
                new FeedbackJob(
                                conf,
                                Input.jsonl(events.toString()),
                                Input.jsonl(predictions.toString()))
                        .build(env);
        return CollectedOutputs.run(
                FeedbackJob.NAME + " backtest of " + predictions, out.byType(), out.texts());
    }
}
