package com.kartshoppe.inference.training;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.events.serde.TopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where training examples come from: {@code jsonl:PATH} (a JSON-lines file of {@code
 * LabeledExample}s, or a directory holding {@code ml.training-examples.jsonl}, as the simulator and
 * the feedback job write them) or {@code kafka:BOOTSTRAP[/TOPIC]} (everything on the topic, default
 * {@code ml.training-examples}, up to its end when read).
 */
public final class ExampleSource {

    private ExampleSource() {}

    /**
     * The examples of one use case in {@code spec}, the newest one per prediction id (the feedback
     * job writes a second example for a prediction whose label came late or was corrected).
     *
     * @throws IllegalArgumentException for a spec of neither form, naming it
     * @throws IOException naming the file and line, or the topic-partition@offset, of an unreadable
     *     example
     */
    public static List<LabeledExample> read(String spec, UseCase useCase) throws IOException {
        List<LabeledExample> all;
        if (spec.startsWith("jsonl:")) {
            all = readJsonLines(Path.of(spec.substring("jsonl:".length())));
        } else if (spec.startsWith("kafka:")) {
            all = TopicReader.readAll(spec.substring("kafka:".length()), EventType.LABELED_EXAMPLE);
        } else {
            throw new IllegalArgumentException(
                    "Examples '" + spec + "': use jsonl:PATH or kafka:BOOTSTRAP[/TOPIC]");
        }
        // Newest per prediction id: a late label's example corrects the matured one before it
        // (the topic is keyed by prediction id, so their order is kept).
        Map<String, LabeledExample> newest = new LinkedHashMap<>();
        for (LabeledExample e : all) {
            if (e.getUseCase() == useCase) {
                newest.remove(e.getPredictionId());
                newest.put(e.getPredictionId(), e);
            }
        }
        return List.copyOf(newest.values());
    }

    static List<LabeledExample> readJsonLines(Path path) throws IOException {
        Path file =
                Files.isDirectory(path) ? JsonCodec.file(path, EventType.LABELED_EXAMPLE) : path;
        return JsonCodec.of(EventType.LABELED_EXAMPLE).readFile(file);
    }
}
