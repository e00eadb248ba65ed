package com.kartshoppe.inference.model;

import com.kartshoppe.events.catalog.FeatureSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the newest valid version of one model from {@code
 * <models.dir>/<model-name>/<version>.onnx} and hot-swaps it when a newer valid file appears.
 *
 * <p>A watcher thread polls the directory at a fixed interval; a new file is loaded and validated
 * on that thread ({@link OnnxModel#load}), never on a scoring thread, and then swapped in
 * atomically. Calls already running on the old model finish on it; its session closes after the
 * last one. A rejected file is logged with its reason once, counted, and skipped until it changes;
 * the previous version keeps serving. Removing the newest file rolls back to the next valid one.
 *
 * <p>Only regular {@code *.onnx} files whose names do not start with a dot count, so a publisher
 * writes {@code 4.onnx.tmp} (or {@code .4.onnx}) and renames it into place. Versions compare as
 * integers when both are integers, otherwise as strings.
 *
 * <pre>{@code
 * try (ModelRegistry registry =
 *         ModelRegistry.builder(Path.of("models"), "fraud", FeatureCatalog.FRAUD_V1).build()) {
 *     registry.start();
 *     OnnxModel model = registry.acquire();
 *     try { model.predict(buffer, rows, scores); } finally { model.release(); }
 * }
 * }</pre>
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** Newest first: integers numerically, anything else as strings after the integers. */
    static final Comparator<String> NEWEST_FIRST =
            ((Comparator<String>)
                            (a, b) -> {
                                boolean na = a.matches("\\d{1,18}");
                                boolean nb = b.matches("\\d{1,18}");
                                if (na && nb) {
                                    return Long.compare(Long.parseLong(a), Long.parseLong(b));
                                }
                                return na != nb ? (na ? -1 : 1) : a.compareTo(b);
                            })
                    .reversed();

    /** What happens to model files; called on the watcher thread (or the caller of refresh). */
    public interface Listener {
        default void served(OnnxModel model) {}

        default void rejected(Path file, String reason) {}
    }

    private final Path modelDir;
    private final String name;
    private final FeatureSet featureSet;
    private final String pinnedVersion;
    private final Duration pollInterval;
    private final boolean allowNoModel;
    private final Listener listener;

    private final AtomicReference<OnnxModel> current = new AtomicReference<>();
    private final Map<Path, Stamp> rejected = new HashMap<>();
    private final AtomicLong rejectedCount = new AtomicLong();
    private final AtomicLong swapCount = new AtomicLong();
    private Stamp currentStamp;
    private ScheduledExecutorService watcher;

    private record Stamp(long size, long modified) {
        static Stamp of(Path file) throws IOException {
            return new Stamp(Files.size(file), Files.getLastModifiedTime(file).toMillis());
        }
    }

    private record Candidate(Path file, String version) {}

    private ModelRegistry(Builder b) {
        this.modelDir = b.modelsDir.resolve(b.name);
        this.name = b.name;
        this.featureSet = b.featureSet;
        this.pinnedVersion = b.pinnedVersion;
        this.pollInterval = b.pollInterval;
        this.allowNoModel = b.allowNoModel;
        this.listener = b.listener;
    }

    public static Builder builder(Path modelsDir, String modelName, FeatureSet featureSet) {
        return new Builder(modelsDir, modelName, featureSet);
    }

    /**
     * Loads the newest valid version now, then starts watching.
     *
     * @throws IllegalStateException if no valid version exists and a model is required, listing
     *     every file tried and why it was rejected
     */
    public ModelRegistry start() {
        if (watcher != null) {
            throw new IllegalStateException("Registry for " + name + " already started");
        }
        refresh();
        if (current.get() == null && !allowNoModel) {
            throw new IllegalStateException(
                    "No valid model '"
                            + name
                            + "'"
                            + (pinnedVersion == null ? "" : " version " + pinnedVersion)
                            + " in "
                            + modelDir.toAbsolutePath()
                            + (rejected.isEmpty()
                                    ? " (no <version>.onnx file)"
                                    : " (rejected: " + rejected.keySet() + ", see the log)")
                            + ". Publish one, or allow rules-only scoring.");
        }
        watcher =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "model-watcher-" + name);
                            t.setDaemon(true);
                            return t;
                        });
        long every = pollInterval.toMillis();
        watcher.scheduleWithFixedDelay(this::refreshLogged, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    private void refreshLogged() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // A failing scan must not end the schedule: the next poll tries again.
            LOG.warn("Scanning {} for model '{}' failed: {}", modelDir, name, e.toString());
        }
    }

    /**
     * Scans once: serves the newest valid version (or the pinned one) if it is not serving yet.
     * Called by the watcher; callable directly to pick up a file without waiting for the poll.
     */
    public synchronized void refresh() {
        for (Candidate candidate : candidates()) {
            Stamp stamp;
            try {
                stamp = Stamp.of(candidate.file());
            } catch (IOException e) {
                continue; // moved away between listing and reading: the next scan sees it
            }
            OnnxModel serving = current.get();
            if (serving != null
                    && serving.version().equals(candidate.version())
                    && stamp.equals(currentStamp)) {
                return; // the newest valid version already serves
            }
            if (stamp.equals(rejected.get(candidate.file()))) {
                continue;
            }
            try {
                OnnxModel loaded =
                        OnnxModel.load(candidate.file(), name, candidate.version(), featureSet);
                swapIn(loaded, stamp);
                return;
            } catch (ModelRejectedException e) {
                rejected.put(candidate.file(), stamp);
                rejectedCount.incrementAndGet();
                LOG.warn("{}; {} keeps serving", e.getMessage(), describe(serving));
                listener.rejected(candidate.file(), e.reason());
            }
        }
    }

    private void swapIn(OnnxModel loaded, Stamp stamp) {
        OnnxModel previous = current.getAndSet(loaded);
        currentStamp = stamp;
        rejected.remove(loaded.file());
        swapCount.incrementAndGet();
        LOG.info(
                "Model {} now serves from {} (features {}), replacing {}",
                loaded,
                loaded.file(),
                loaded.features().size(),
                describe(previous));
        if (previous != null) {
            previous.retire();
        }
        listener.served(loaded);
    }

    private static String describe(OnnxModel model) {
        return model == null ? "no model" : "version " + model.version();
    }

    private List<Candidate> candidates() {
        if (!Files.isDirectory(modelDir)) {
            return List.of();
        }
        List<Candidate> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(modelDir)) {
            files.forEach(
                    f ->
                            ModelVersions.version(f)
                                    .filter(v -> pinnedVersion == null || pinnedVersion.equals(v))
                                    .ifPresent(v -> found.add(new Candidate(f, v))));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + modelDir, e);
        }
        found.sort(Comparator.comparing(Candidate::version, NEWEST_FIRST));
        return found;
    }

    /**
     * The serving model with a reference taken, or null when none serves (rules-only). The caller
     * must {@link OnnxModel#release()} it.
     */
    public OnnxModel acquire() {
        while (true) {
            OnnxModel model = current.get();
            if (model == null || model.tryAcquire()) {
                return model;
            }
            // retired between the read and the acquire: the next read sees its successor
        }
    }

    /** Version now serving, or null. */
    public String servingVersion() {
        OnnxModel model = current.get();
        return model == null ? null : model.version();
    }

    /** Files rejected since start. */
    public long rejectedCount() {
        return rejectedCount.get();
    }

    /** Versions taken into service since start, the first included. */
    public long swapCount() {
        return swapCount.get();
    }

    public String modelName() {
        return name;
    }

    public FeatureSet featureSet() {
        return featureSet;
    }

    /** Stops watching and closes the serving session once calls in flight finish. */
    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
        OnnxModel model = current.getAndSet(null);
        if (model != null) {
            model.retire();
        }
    }

    /** Builder; defaults: newest version, 2 s poll interval, a model required. */
    public static final class Builder {
        private final Path modelsDir;
        private final String name;
        private final FeatureSet featureSet;
        private String pinnedVersion;
        private Duration pollInterval = Duration.ofSeconds(2);
        private boolean allowNoModel;
        private Listener listener = new Listener() {};

        Builder(Path modelsDir, String name, FeatureSet featureSet) {
            this.modelsDir = Objects.requireNonNull(modelsDir, "modelsDir");
            this.name = Objects.requireNonNull(name, "modelName");
            this.featureSet = Objects.requireNonNull(featureSet, "featureSet");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException(
                        "model name '" + name + "' must be a plain directory name");
            }
        }

        /** Serve only this version; null (the default) serves the newest valid one. */
        public Builder pinnedVersion(String version) {
            this.pinnedVersion = version == null || version.isBlank() ? null : version;
            return this;
        }

        public Builder pollInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "model poll interval must be positive, got " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /** Start without a valid model (rules-only) instead of failing. */
        public Builder allowNoModel(boolean allow) {
            this.allowNoModel = allow;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public ModelRegistry build() {
            return new ModelRegistry(this);
        }
    }
}
