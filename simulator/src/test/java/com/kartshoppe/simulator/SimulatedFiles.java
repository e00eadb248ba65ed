package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/** Runs simulations into a directory and reads the JSON-lines files back. */
final class SimulatedFiles {

    final Path dir;
    final SimulationStats stats;

    private SimulatedFiles(Path dir, SimulationStats stats) {
        this.dir = dir;
        this.stats = stats;
    }

    static SimulatedFiles run(SimulatorConfig config, Path dir) throws Exception {
        return run(new Simulation(config), dir);
    }

    static SimulatedFiles run(Simulation simulation, Path dir) throws Exception {
        SimulationStats stats;
        try (JsonLinesSink sink = new JsonLinesSink(dir)) {
            stats = simulation.run(sink);
        }
        return new SimulatedFiles(dir, stats);
    }

    List<String> lines(EventType<?> type) throws IOException {
        return Files.readAllLines(JsonCodec.file(dir, type), StandardCharsets.UTF_8);
    }

    /** The records of a topic that parse, in file order; garbage lines are skipped. */
    <T extends SpecificRecordBase> List<T> records(EventType<T> type) throws IOException {
        JsonCodec<T> codec = JsonCodec.of(type);
        List<T> records = new ArrayList<>();
        for (String line : lines(type)) {
            try {
                records.add(codec.fromJson(line));
            } catch (DecodeException e) {
                // garbage injected on purpose
            }
        }
        return records;
    }

    /** Lines that are not records at all. */
    long garbageLines(EventType<?> type) throws IOException {
        JsonCodec<?> codec = JsonCodec.of(type);
        long n = 0;
        for (String line : lines(type)) {
            try {
                codec.fromJson(line);
            } catch (DecodeException e) {
                n++;
            }
        }
        return n;
    }
}
