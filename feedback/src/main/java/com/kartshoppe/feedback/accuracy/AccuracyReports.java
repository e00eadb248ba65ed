package com.kartshoppe.feedback.accuracy;

import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.feedback.FeedbackSettings;
import com.kartshoppe.feedback.outcome.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Accuracy reports per model version (keyed by {@code <modelName>/<modelVersion>}) and tumbling
 * window of prediction event time: a window is reported when the watermark passes its end plus the
 * maturity of its use case (label horizon, attribution window), when every prediction in it has its
 * outcome.
 *
 * <p>State: the outcomes of the open windows without their feature values, in an append-only list
 * (one cheap append per outcome, also on RocksDB, instead of rewriting a window's summary per
 * outcome); when a window is due its outcomes are summed into an {@link AccuracyWindow} and the
 * others written back. Outcomes that arrive after their window's report (late labels) are counted
 * in the next report of the same model version.
 *
 * <p>Metrics: {@code accuracyReports}, and the newest report's figures per model as gauges ({@link
 * AccuracyGauges}).
 */
public final class AccuracyReports extends KeyedProcessFunction<String, Outcome, JsonReport> {

    private static final long serialVersionUID = 1L;

    private final FeedbackSettings settings;

    private transient ListState<Outcome> pending;
    private transient ValueState<Long> lateLabels;
    private transient Counter reports;
    private transient AccuracyGauges gauges;

    public AccuracyReports(FeedbackSettings settings) {
        this.settings = settings;
    }

    /** The key reports are computed by. */
    public static String key(LabeledExample e) {
        return e.getModelName() + "/" + e.getModelVersion();
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "outcomes", TypeInformation.of(Outcome.class)));
        lateLabels =
                getRuntimeContext().getState(new ValueStateDescriptor<>("late-labels", Types.LONG));
        reports = getRuntimeContext().getMetricGroup().counter("accuracyReports");
        gauges = new AccuracyGauges(getRuntimeContext().getMetricGroup(), settings.thresholds());
    }

    private long start(LabeledExample e) {
        long time = e.getEventTime().toEpochMilli();
        return time - Math.floorMod(time, settings.accuracyWindowMillis());
    }

    private long reportAt(long start, UseCase useCase) {
        return start + settings.accuracyWindowMillis() - 1 + settings.maturityMillis(useCase);
    }

    @Override
    public void processElement(Outcome o, Context ctx, Collector<JsonReport> out) throws Exception {
        long at = reportAt(start(o.example), o.example.getUseCase());
        if (o.late || at <= ctx.timerService().currentWatermark()) {
            Long late = lateLabels.value();
            lateLabels.update(late == null ? 1 : late + 1);
            return;
        }
        pending.add(o.withoutFeatures());
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JsonReport> out)
            throws Exception {
        long size = settings.accuracyWindowMillis();
        Map<Long, AccuracyWindow> due = new TreeMap<>();
        List<Outcome> open = new ArrayList<>();
        for (Outcome o : pending.get()) {
            long start = start(o.example);
            if (reportAt(start, o.example.getUseCase()) <= timestamp) {
                due.computeIfAbsent(start, s -> new AccuracyWindow(o.example, s, s + size))
                        .add(o, settings.thresholds());
            } else {
                open.add(o);
            }
        }
        pending.update(open);
        for (AccuracyWindow window : due.values()) {
            Long late = lateLabels.value();
            lateLabels.clear();
            UseCase useCase = UseCase.valueOf(window.useCase);
            out.collect(
                    new JsonReport(
                            window.modelName,
                            window.report(
                                            settings.thresholds(),
                                            Duration.ofMillis(settings.maturityMillis(useCase)),
                                            late == null ? 0 : late)
                                    .toString()));
            reports.inc();
            gauges.update(window);
        }
    }
}
