package com.kartshoppe.fraud;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.fraud.backtest.BacktestReport;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.simulator.JsonLinesSink;
import com.kartshoppe.simulator.Simulation;
import com.kartshoppe.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;

/**
 * The backtest that {@link FraudDetectionJobITCase} and {@link SameAnswersITCase} both check: three
 * simulated hours (the drift tactic from the second one) at parallelism 2, scored by the starter
 * model. It runs once per test JVM, on the mini cluster of the first test class that asks.
 *
 * @param events the simulated input files
 * @param models the models directory (the starter models)
 * @param outputs what the job wrote
 * @param report the backtest report against the simulation's labels
 */
record SimulatedBacktest(
        Path events, Path models, CollectedOutputs outputs, BacktestReport report) {

    static final SimulatorConfig SIMULATION =
            SimulatorConfig.builder()
                    .seed(11)
                    .users(1500)
                    .duration(Duration.ofHours(3))
                    .driftAt(Duration.ofHours(1))
                    .malformedRate(0)
                    .build();

    private static SimulatedBacktest done;

    /** The backtest, run on the first call. */
    static synchronized SimulatedBacktest get() throws Exception {
        if (done == null) {
            done = run(Files.createTempDirectory("fraud-backtest"));
        }
        return done;
    }

    private static SimulatedBacktest run(Path dir) throws Exception {
        Path events = dir.resolve("events");
        try (JsonLinesSink sink = new JsonLinesSink(events)) {
            new Simulation(SIMULATION).run(sink);
        }
        Path models = dir.resolve("models");
        StarterModels.install(models);
        Configuration conf = FlinkTestSupport.configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, FlinkTestSupport.PARALLELISM);
        conf.set(InferenceOptions.MODELS_DIR, models.toString());
        CollectedOutputs outputs = Scoring.backtest(FraudDetectionJob.DESCRIPTION, conf, events);
        BacktestReport report =
                BacktestReport.of(
                        outputs.get(EventType.FRAUD_DECISION),
                        JsonCodec.of(EventType.FRAUD_LABEL)
                                .readFile(JsonCodec.file(events, EventType.FRAUD_LABEL)));
        return new SimulatedBacktest(events, models, outputs, report);
    }
}
