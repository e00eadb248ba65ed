package com.kartshoppe.inference.scoring;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.inference.adapter.OnlineAdapter;
import com.kartshoppe.inference.model.ModelRegistry;
import com.kartshoppe.inference.model.ModelVersions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;

/**
 * Scores requests ({@code Left}) with the served ONNX model and the newest online adapter received
 * ({@code Right}: every subtask receives every {@link AdapterParams}), in micro-batches of at most
 * {@code batchSize} requests that wait at most {@code batchWait} of processing time.
 *
 * <p>One input, so that it chains to the operator that makes its requests: the parameters are
 * merged into that stream upstream, by {@link WithAdapterParams} or by a job's own keyed operator
 * with a broadcast input, which also decides what the parameters' watermarks count for.
 *
 * <p>The buffer is flushed before every watermark and checkpoint barrier and at end of input, so no
 * request is held across them and nothing needs checkpointing but the adapters (union list state:
 * every subtask restores all and keeps the newest per base version).
 *
 * <p>Metrics: {@code scoringLatencyMicros} and {@code scoringBatchRows} histograms per inference
 * call, {@code modelVersion} (a number: -1 with no model or a version that is not an integer),
 * {@code adapterVersion}, {@code modelsRejected} and {@code featureDefaults} gauges, {@code
 * scoredRequests} and {@code unscoredRequests} (no model) counters.
 */
public final class ScoringOperator<IN, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<Either<IN, AdapterParams>, OUT> {

    private static final long serialVersionUID = 1L;

    /** Adapters kept for base versions other than the serving one (a swap may be coming). */
    static final int MAX_ADAPTERS = 4;

    private final ScoringSettings settings;
    private final ScoringFunction<IN, OUT> function;

    private transient ModelRegistry registry;
    private transient Scorer scorer;
    private transient List<IN> pending;
    private transient List<StreamRecord<?>> records;
    private transient boolean timerSet;

    /** By base model version; ordered by when a version's parameters last arrived. */
    private transient Map<String, Known> adapters;

    private transient ListState<AdapterParams> adapterState;
    private transient Histogram latency;
    private transient Histogram batchRows;
    private transient Counter scored;
    private transient Counter unscored;

    public ScoringOperator(ScoringSettings settings, ScoringFunction<IN, OUT> function) {
        this.settings = settings;
        this.function = function;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        adapters = new LinkedHashMap<>();
        adapterState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "adapters", new AvroTypeInfo<>(AdapterParams.class)));
        for (AdapterParams params : adapterState.get()) {
            accept(params);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = new ArrayList<>(settings.batchSize());
        records = new ArrayList<>(settings.batchSize());
        registry = settings.registry().build().start();
        scorer = new Scorer(registry, settings.batchSize());
        MetricGroup metrics = getMetricGroup();
        latency =
                metrics.histogram("scoringLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        batchRows = metrics.histogram("scoringBatchRows", new DescriptiveStatisticsHistogram(1000));
        scored = metrics.counter("scoredRequests");
        unscored = metrics.counter("unscoredRequests");
        // Numbers, as Prometheus needs: a String gauge exports as 0.
        metrics.gauge("modelVersion", this::servingModelVersion);
        metrics.gauge("modelsRejected", registry::rejectedCount);
        metrics.gauge("featureDefaults", scorer::defaultedValues);
        metrics.gauge("adapterVersion", this::servingAdapterVersion);
    }

    @Override
    public void processElement(StreamRecord<Either<IN, AdapterParams>> element) {
        Either<IN, AdapterParams> value = element.getValue();
        if (value.isRight()) {
            accept(value.right());
            return;
        }
        // The request and its timestamp are kept, not the record: with object reuse the caller
        // may reuse it for the next element.
        pending.add(value.left());
        records.add(
                element.hasTimestamp()
                        ? new StreamRecord<>(null, element.getTimestamp())
                        : new StreamRecord<>(null));
        if (pending.size() >= settings.batchSize()) {
            flush();
        } else if (!timerSet) {
            timerSet = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(
                            now + settings.batchWait().toMillis(),
                            time -> {
                                timerSet = false;
                                flush();
                            });
        }
    }

    /** Parameters as received (what is checkpointed) and the adapter they make. */
    private record Known(AdapterParams params, OnlineAdapter adapter) {}

    private void accept(AdapterParams params) {
        if (!settings.modelName().equals(params.getModelName())) {
            return;
        }
        String base = params.getBaseModelVersion();
        Known known = adapters.remove(base);
        if (known != null && known.params().getAdapterVersion() >= params.getAdapterVersion()) {
            adapters.put(base, known); // a replayed or out-of-order older version
            return;
        }
        adapters.put(base, new Known(params, OnlineAdapter.from(params)));
        if (adapters.size() > MAX_ADAPTERS) {
            adapters.remove(adapters.keySet().iterator().next());
        }
    }

    /** The adapter trained for the version now serving, or null. */
    private OnlineAdapter servingAdapter() {
        Known known = adapters.get(String.valueOf(registry.servingVersion()));
        return known == null ? null : known.adapter();
    }

    /** The serving version's number; -1 when none serves or its name is not an integer. */
    private long servingModelVersion() {
        String version = registry.servingVersion();
        return version == null ? -1L : ModelVersions.number(version).orElse(-1L);
    }

    private long servingAdapterVersion() {
        OnlineAdapter adapter = servingAdapter();
        return adapter == null ? 0L : adapter.version();
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Map<String, Double>> rows = new ArrayList<>();
        int[] ends = new int[pending.size()];
        for (int i = 0; i < pending.size(); i++) {
            rows.addAll(function.rows(pending.get(i)));
            ends[i] = rows.size();
        }
        long start = System.nanoTime();
        List<Score> scores =
                scorer.score(
                        rows, servingAdapter(), function.explains() ? settings.contributions() : 0);
        if (!scores.isEmpty()) {
            latency.update((System.nanoTime() - start) / 1_000);
            batchRows.update(rows.size());
            scored.inc(pending.size());
        } else {
            unscored.inc(pending.size());
        }
        int from = 0;
        for (int i = 0; i < pending.size(); i++) {
            List<Score> own = scores.isEmpty() ? List.of() : scores.subList(from, ends[i]);
            output.collect(
                    records.get(i)
                            .replace(
                                    function.decide(
                                            pending.get(i), rows.subList(from, ends[i]), own)));
            from = ends[i];
        }
        pending.clear();
        records.clear();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        adapterState.update(adapters.values().stream().map(Known::params).toList());
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            super.close();
        }
    }
}
