package com.kartshoppe.feedback.learning;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.feedback.FeedbackSettings;
import com.kartshoppe.feedback.accuracy.JsonReport;
import com.kartshoppe.feedback.outcome.Outcome;
import com.kartshoppe.jobkit.time.WatermarkHold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Trains the online adapter of each model (keyed by model name) on its matured examples and
 * publishes {@link AdapterParams}; every publication decision of the guard rail goes to {@link
 * #DECISIONS}. One {@link LearnerState} per base model version: a version never seen before starts
 * a fresh adapter (versions 1, 2, ...), and at most {@value #MAX_VERSIONS} versions per model are
 * kept, the one without examples for longest dropped first; if it comes back, it starts from zero
 * weights again but its adapter versions keep increasing (the last published one per base version
 * is kept, a few bytes each). Versions also continue above the ones already on {@code
 * ml.model-params} when the job starts without state ({@link #publishedBefore}): the scoring jobs
 * ignore a version lower than one they have. Examples with a base score that is not a number are
 * counted ({@code examplesUnusable}) and skipped.
 *
 * <p>Examples wait until the watermark passes the time their outcome was decided ({@link
 * Outcome#decidedAt}) and are learned in that order (ties by prediction id), so a replay publishes
 * the same parameters every time. Late labels ({@link Outcome#late}) are not learned: their
 * prediction was already learned as matured.
 */
public final class AdapterTraining extends KeyedProcessFunction<String, Outcome, AdapterParams> {

    private static final long serialVersionUID = 1L;

    /** Publication decisions, as JSON reports for {@code ml.feedback-accuracy}. */
    public static final OutputTag<JsonReport> DECISIONS =
            new OutputTag<>("adapter-decisions", TypeInformation.of(JsonReport.class));

    static final int MAX_VERSIONS = 4;

    private final FeedbackSettings settings;
    private final Map<String, Long> publishedBefore;

    private transient MapState<String, LearnerState> learners;
    private transient MapState<String, Long> publishedVersions;
    private transient WatermarkHold<LabeledExample> examples;
    private transient Counter learned;
    private transient Counter unusable;
    private transient Counter publishedUpdates;
    private transient Counter rejectedUpdates;

    /**
     * @param publishedBefore the highest adapter version already published per {@link #key model
     *     and base model version}, read when the job was built; versions start above them
     */
    public AdapterTraining(FeedbackSettings settings, Map<String, Long> publishedBefore) {
        this.settings = settings;
        this.publishedBefore = new HashMap<>(publishedBefore);
    }

    /** The key of {@code publishedBefore}: {@code <modelName>/<baseModelVersion>}. */
    public static String key(AdapterParams p) {
        return p.getModelName() + "/" + p.getBaseModelVersion();
    }

    /**
     * The highest adapter version per {@link #key} among {@code params}, what {@link
     * AdapterTraining} starts above.
     */
    public static Map<String, Long> highestVersions(Iterable<AdapterParams> params) {
        Map<String, Long> highest = new HashMap<>();
        for (AdapterParams p : params) {
            highest.merge(key(p), p.getAdapterVersion(), Math::max);
        }
        return highest;
    }

    @Override
    public void open(OpenContext openContext) {
        learners =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "learners",
                                        Types.STRING,
                                        TypeInformation.of(LearnerState.class)));
        publishedVersions =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "published-versions", Types.STRING, Types.LONG));
        examples =
                new WatermarkHold<>(
                        getRuntimeContext(), "examples", new AvroTypeInfo<>(LabeledExample.class));
        var metrics = getRuntimeContext().getMetricGroup();
        learned = metrics.counter("examplesLearned");
        unusable = metrics.counter("examplesUnusable");
        publishedUpdates = metrics.counter("adapterUpdatesPublished");
        rejectedUpdates = metrics.counter("adapterUpdatesRejected");
    }

    @Override
    public void processElement(Outcome o, Context ctx, Collector<AdapterParams> out)
            throws Exception {
        if (o.late || !settings.adaptation()) {
            return;
        }
        if (!examples.hold(o.decidedAt, o.example, ctx.timerService())) {
            learn(o.example, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AdapterParams> out)
            throws Exception {
        List<LabeledExample> due = new ArrayList<>(examples.release(timestamp));
        due.sort(Comparator.comparing(LabeledExample::getPredictionId));
        for (LabeledExample e : due) {
            learn(e, ctx, out);
        }
    }

    private void learn(LabeledExample e, Context ctx, Collector<AdapterParams> out)
            throws Exception {
        if (!Double.isFinite(e.getBaseScore())) {
            unusable.inc(); // a NaN score would turn every weight into NaN
            return;
        }
        String version = e.getModelVersion();
        LearnerState state = learners.get(version);
        if (state == null) {
            dropStalest();
            Long published = publishedVersions.get(version);
            long before = publishedBefore.getOrDefault(e.getModelName() + "/" + version, 0L);
            state =
                    LearnerState.fresh(
                            e,
                            settings.adapterFeatures(e.getUseCase()),
                            settings.holdoutSize(),
                            Math.max(published == null ? 0 : published, before));
        }
        LearnerState.Update update = state.learn(e, settings, Instant.now());
        learners.put(version, state);
        learned.inc();
        if (update == null) {
            return;
        }
        if (update.params() != null) {
            publishedUpdates.inc();
            publishedVersions.put(version, update.params().getAdapterVersion());
            out.collect(update.params());
        } else {
            rejectedUpdates.inc();
        }
        ctx.output(DECISIONS, new JsonReport(e.getModelName(), update.decision().toString()));
    }

    private void dropStalest() throws Exception {
        List<Map.Entry<String, Long>> versions = new ArrayList<>();
        for (Map.Entry<String, LearnerState> entry : learners.entries()) {
            versions.add(Map.entry(entry.getKey(), entry.getValue().lastExampleAt));
        }
        if (versions.size() >= MAX_VERSIONS) {
            versions.sort(Map.Entry.comparingByValue());
            learners.remove(versions.get(0).getKey());
        }
    }
}
