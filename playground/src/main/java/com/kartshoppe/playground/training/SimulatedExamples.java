package com.kartshoppe.playground.training;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.outcomes.FraudLabels;
import com.kartshoppe.events.outcomes.LabeledExamples;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.Features;
import com.kartshoppe.features.ingest.ShopEvents;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.jobkit.input.Input;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Labelled fraud examples from a simulation written as JSON lines ({@code kartshoppe simulate --out
 * jsonl:DIR}): the fraud_v1 features the feature pipeline computes on each placed order (a replay,
 * so in event-time order per shopper, as a live job sees them), joined with the simulation's labels
 * by order id. CHARGEBACK and CONFIRMED_FRAUD are positive; CLEARED and unlabelled orders negative
 * (every fraud in a simulation is labelled by the end of it). No model served these orders: score
 * and base score are 0, model {@code none}.
 */
public final class SimulatedExamples {

    private SimulatedExamples() {}

    /** Runs the fraud feature pipeline over the simulation in a local Flink environment. */
    public static List<LabeledExample> fraud(Path simulation, Configuration conf) throws Exception {
        Map<String, Integer> labels = fraudLabels(simulation);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ShopEvents shop =
                ShopEvents.read(env, Input.jsonl(simulation.toString()), conf, "examples");
        List<LabeledExample> examples = new ArrayList<>();
        try (CloseableIterator<Featured> featured =
                Features.fraud(shop.deduplicatedByShopper(), conf)
                        .executeAndCollect("fraud examples from " + simulation)) {
            featured.forEachRemaining(
                    f -> {
                        if (f.event.isPlacedOrder()) {
                            examples.add(example(f, labels));
                        }
                    });
        }
        return examples;
    }

    private static LabeledExample example(Featured f, Map<String, Integer> labels) {
        OrderEvent order = f.event.order;
        return LabeledExamples.unscored(
                "sim-" + order.getOrderId(),
                UseCase.FRAUD,
                order.getUserId(),
                null,
                order.getEventTime(),
                f.features.getFeatureSet(),
                f.features.getFeatureSetVersion(),
                f.features.getValues(),
                labels.getOrDefault(order.getOrderId(), 0),
                "simulation");
    }

    /** 1 for orders with a fraud label, 0 for cleared ones. */
    static Map<String, Integer> fraudLabels(Path simulation) throws IOException {
        Path file = JsonCodec.file(simulation, EventType.FRAUD_LABEL);
        Map<String, Integer> labels = new HashMap<>();
        for (FraudLabel label : JsonCodec.of(EventType.FRAUD_LABEL).readFile(file)) {
            int fraud = FraudLabels.isFraud(label) ? 1 : 0;
            labels.merge(label.getOrderId(), fraud, Math::max);
        }
        return labels;
    }

    /** Writes the examples as {@code DIR/ml.training-examples.jsonl}, what the trainer reads. */
    public static Path write(List<LabeledExample> examples, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = JsonCodec.file(dir, EventType.LABELED_EXAMPLE);
        JsonCodec.of(EventType.LABELED_EXAMPLE).writeFile(file, examples);
        return file;
    }
}
