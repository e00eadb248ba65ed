package com.kartshoppe.benchmarks.jmh;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.catalog.FeatureDefinition;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.model.StarterModels;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scoring the starter fraud model (fraud_v1, 21 features, logistic regression) through the serving
 * path: tensor built by name into the reusable direct buffer, one onnxruntime call per batch. Every
 * invocation scores the same 256 rows in batches of {@code batch}; the time is per row, so {@code
 * batch = 1} is the per-row baseline the batched sizes are compared with. {@code
 * scoreAndExplainRows} does the same with the fraud job's five largest contributions per score (the
 * model is linear: its exact terms).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=com.kartshoppe")
public class ScoringBenchmark {

    private static final int ROWS = 256;

    @Param({"1", "8", "64", "256"})
    public int batch;

    private Path models;
    private ModelRegistry registry;
    private Scorer scorer;
    private final List<List<Map<String, Double>>> batches = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        models = Files.createTempDirectory("kartshoppe-bench-models");
        StarterModels.install(models);
        registry = ModelRegistry.builder(models, "fraud", FeatureCatalog.FRAUD_V1).build().start();
        scorer = new Scorer(registry, batch);
        Random random = new Random(1);
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Map<String, Double> row = new HashMap<>();
            for (FeatureDefinition d : FeatureCatalog.FRAUD_V1.definitions()) {
                row.put(d.name(), random.nextDouble() * 10);
            }
            rows.add(row);
        }
        for (int from = 0; from < ROWS; from += batch) {
            batches.add(rows.subList(from, Math.min(ROWS, from + batch)));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        registry.close();
        for (String file : StarterModels.FILES) {
            Files.deleteIfExists(models.resolve(file));
            Files.deleteIfExists(models.resolve(file).getParent());
        }
        Files.deleteIfExists(models);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void scoreRows(Blackhole sink) {
        for (List<Map<String, Double>> rows : batches) {
            for (Score score : scorer.score(rows, null)) {
                sink.consume(score.score());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void scoreAndExplainRows(Blackhole sink) {
        for (List<Map<String, Double>> rows : batches) {
            for (Score score : scorer.score(rows, null, 5)) {
                sink.consume(score.explanation());
            }
        }
    }
}
