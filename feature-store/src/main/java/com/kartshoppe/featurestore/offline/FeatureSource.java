package com.kartshoppe.featurestore.offline;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.events.serde.TopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Where feature snapshots come from: {@code jsonl:PATH} (a JSON-lines file of {@code
 * FeatureSnapshot}s, or a directory holding {@code features.user.jsonl}, as the backtests and an
 * archive of the topic write them) or {@code kafka:BOOTSTRAP[/TOPIC]} (every record on the topic,
 * default {@code features.user}, up to its end offsets when the read starts).
 *
 * <pre>{@code
 * SnapshotIndex index = FeatureSource.read("kafka:127.0.0.1:9092", FeatureCatalog.FRAUD_V1);
 * }</pre>
 *
 * <p>{@code features.user} is compacted: Kafka keeps the newest snapshot per key ({@code
 * <featureSet>:<entityId>}) and removes older ones in the background. Read from Kafka, a training
 * set joins only what the topic still holds: a label whose snapshot was compacted away gets an
 * older one that is still there, or none (never a later one). A training set over long history
 * should read an archive of the topic as JSON lines.
 */
public final class FeatureSource {

    private FeatureSource() {}

    /**
     * Reads the snapshots of {@code featureSet} in {@code spec} into an index, once.
     *
     * @throws IllegalArgumentException for a spec of neither form, naming it
     * @throws IOException for a missing file, or naming the file and line (or the
     *     topic-partition@offset) of a snapshot that does not decode
     */
    public static SnapshotIndex read(String spec, FeatureSet featureSet) throws IOException {
        return read(spec, featureSet, s -> {});
    }

    /**
     * As {@link #read(String, FeatureSet)}, handing every snapshot read (of any feature set) to
     * {@code seen} as well: for a progress line.
     */
    public static SnapshotIndex read(
            String spec, FeatureSet featureSet, Consumer<FeatureSnapshot> seen) throws IOException {
        SnapshotIndex.Builder builder = SnapshotIndex.builder(featureSet);
        Consumer<FeatureSnapshot> index =
                s -> {
                    builder.add(s);
                    seen.accept(s);
                };
        if (spec.startsWith("jsonl:")) {
            Path path = Path.of(spec.substring("jsonl:".length()));
            Path file =
                    Files.isDirectory(path)
                            ? JsonCodec.file(path, EventType.FEATURE_SNAPSHOT)
                            : path;
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "no feature snapshots file");
            }
            JsonCodec.of(EventType.FEATURE_SNAPSHOT).readFile(file, index);
        } else if (spec.startsWith("kafka:")) {
            TopicReader.forEach(
                    spec.substring("kafka:".length()), EventType.FEATURE_SNAPSHOT, index);
        } else {
            throw new IllegalArgumentException(
                    "Features '" + spec + "': use jsonl:PATH or kafka:BOOTSTRAP[/TOPIC]");
        }
        return builder.build();
    }
}
