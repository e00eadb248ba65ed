package com.kartshoppe.inference.training;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.events.serde.TopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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
        return read(spec, useCase, e -> {});
    }

    /**
     * As {@link #read(String, UseCase)}, handing every example read (of any use case, before the
     * newest per prediction id is kept) to {@code seen} as well: for a progress line.
     */
    public static List<LabeledExample> read(
            String spec, UseCase useCase, Consumer<LabeledExample> seen) throws IOException {
        List<LabeledExample> all = new ArrayList<>();
        Consumer<LabeledExample> each =
                e -> {
                    all.add(e);
                    seen.accept(e);
                };
        if (spec.startsWith("jsonl:")) {
            readJsonLines(Path.of(spec.substring("jsonl:".length())), each);
        } else if (spec.startsWith("kafka:")) {
            TopicReader.forEach(spec.substring("kafka:".length()), EventType.LABELED_EXAMPLE, each);
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
        List<LabeledExample> all = new ArrayList<>();
        readJsonLines(path, all::add);
        return all;
    }

    private static void readJsonLines(Path path, Consumer<LabeledExample> each) throws IOException {
        Path file =
                Files.isDirectory(path) ? JsonCodec.file(path, EventType.LABELED_EXAMPLE) : path;
        JsonCodec.of(EventType.LABELED_EXAMPLE).readFile(file, each);
    }
}
