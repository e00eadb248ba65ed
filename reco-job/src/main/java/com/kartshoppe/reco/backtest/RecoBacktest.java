package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.CollectedOutputs;
import com.kartshoppe.features.ingest.Input;
import com.kartshoppe.reco.RecoStreams;
import com.kartshoppe.reco.RecommendationJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The recommendation job over recorded events ({@code <dir>/<topic>.jsonl}, as {@code kartshoppe
 * simulate --out jsonl:DIR} writes them) on a local Flink environment: the same operators as on
 * Kafka, its outputs collected. Adapter parameters come from {@code <dir>/ml.model-params.jsonl}
 * when the file exists.
 *
 * <pre>{@code
 * RecoBacktest.Result result = RecoBacktest.run(conf, Path.of("/tmp/sim"));
 * result.write(Path.of("/tmp/backtest"));
 * }</pre>
 */
public final class RecoBacktest {

    private RecoBacktest() {}

    /** What the job wrote. */
    public record Result(CollectedOutputs outputs) {

        public List<Recommendation> recommendations() {
            return outputs.get(EventType.RECOMMENDATION);
        }

        public List<PredictionLog> predictions() {
            return outputs.get(EventType.PREDICTION);
        }

        public List<FeatureSnapshot> snapshots() {
            return outputs.get(EventType.FEATURE_SNAPSHOT);
        }

        public List<DeadLetter> deadLetters() {
            return outputs.get(EventType.DEAD_LETTER);
        }

        /** Writes every output as {@code <dir>/<topic>.jsonl} (default topic names). */
        public void write(Path dir) throws IOException {
            outputs.write(dir);
        }
    }

    /**
     * Runs the job over the events in {@code dir} and waits for it to finish.
     *
     * @param conf the job's settings; models come from {@code models.dir}
     */
    public static Result run(Configuration conf, Path dir) throws Exception {
        boolean hasParams = Files.exists(dir.resolve(conf.get(Topics.MODEL_PARAMS) + ".jsonl"));
        Input input = Input.jsonl(dir.toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        RecoStreams out = new RecommendationJob(conf, input, hasParams ? input : null).build(env);
        Map<EventType<?>, DataStream<?>> streams = new LinkedHashMap<>();
        streams.put(EventType.RECOMMENDATION, out.recommendations());
        streams.put(EventType.PREDICTION, out.predictions());
        streams.put(EventType.FEATURE_SNAPSHOT, out.snapshots());
        streams.put(EventType.DEAD_LETTER, out.deadLetters());
        return new Result(
                CollectedOutputs.run(RecommendationJob.NAME + " backtest of " + dir, streams));
    }
}
