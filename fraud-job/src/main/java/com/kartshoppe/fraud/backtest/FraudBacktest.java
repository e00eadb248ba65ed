package com.kartshoppe.fraud.backtest;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.ingest.Input;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.FraudStreams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * The fraud job over recorded events ({@code <dir>/<topic>.jsonl}, as {@code kartshoppe simulate
 * --out jsonl:DIR} writes them) on a local Flink environment: the same operators as on Kafka, its
 * outputs collected. Adapter parameters are read from {@code <dir>/ml.model-params.jsonl} when the
 * file exists; otherwise the base model decides alone.
 *
 * <pre>{@code
 * FraudBacktest.Result result = FraudBacktest.run(conf, Path.of("/tmp/sim"));
 * result.write(Path.of("/tmp/backtest"));
 * }</pre>
 */
public final class FraudBacktest {

    private FraudBacktest() {}

    /** What the job wrote. */
    public record Result(
            List<FraudDecision> decisions,
            List<PredictionLog> predictions,
            List<FeatureSnapshot> snapshots,
            List<DeadLetter> deadLetters) {

        /** Writes every output as {@code <dir>/<topic>.jsonl} (default topic names). */
        public void write(Path dir) throws IOException {
            Files.createDirectories(dir);
            write(dir, EventType.FRAUD_DECISION, decisions);
            write(dir, EventType.PREDICTION, predictions);
            write(dir, EventType.FEATURE_SNAPSHOT, snapshots);
            write(dir, EventType.DEAD_LETTER, deadLetters);
        }

        private static <T extends SpecificRecordBase> void write(
                Path dir, EventType<T> type, List<T> records) throws IOException {
            JsonCodec.of(type).writeFile(JsonCodec.file(dir, type), records);
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
        FraudStreams out = new FraudDetectionJob(conf, input, hasParams ? input : null).build(env);
        // One collected stream: several collect sinks on a local cluster lose what is left in
        // them when the job ends before each is drained.
        DataStream<Output> all =
                out.decisions()
                        .map(Output::new)
                        .returns(Output.class)
                        .union(
                                out.predictions().map(Output::new).returns(Output.class),
                                out.snapshots().map(Output::new).returns(Output.class),
                                out.deadLetters().map(Output::new).returns(Output.class));
        Result result =
                new Result(
                        new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (CloseableIterator<Output> it =
                all.executeAndCollect(FraudDetectionJob.NAME + " backtest of " + dir)) {
            it.forEachRemaining(
                    o -> {
                        if (o.decision != null) {
                            result.decisions().add(o.decision);
                        } else if (o.prediction != null) {
                            result.predictions().add(o.prediction);
                        } else if (o.snapshot != null) {
                            result.snapshots().add(o.snapshot);
                        } else {
                            result.deadLetters().add(o.deadLetter);
                        }
                    });
        }
        return result;
    }

    /** One record of any of the job's outputs. A Flink POJO of four Avro fields, one set. */
    public static class Output {
        public FraudDecision decision;
        public PredictionLog prediction;
        public FeatureSnapshot snapshot;
        public DeadLetter deadLetter;

        /** For Flink's POJO serializer. */
        public Output() {}

        Output(FraudDecision decision) {
            this.decision = decision;
        }

        Output(PredictionLog prediction) {
            this.prediction = prediction;
        }

        Output(FeatureSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        Output(DeadLetter deadLetter) {
            this.deadLetter = deadLetter;
        }
    }
}
