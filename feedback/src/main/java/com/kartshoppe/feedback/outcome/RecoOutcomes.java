package com.kartshoppe.feedback.outcome;

import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.jobkit.time.WatermarkHold;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Attributes what shoppers did to the recommendations they were shown (keyed by shopper): a shown
 * product is a positive example if the shopper clicked it on that recommendation (RECO_CLICK, by
 * recoId) or ordered it within {@code window} after it was shown (PURCHASE), and a negative one
 * (NO_CLICK) otherwise, decided when the watermark passes the end of the window.
 *
 * <p>Clicks and orders wait until the watermark passes them, so a prediction log that arrives a
 * little after the click it led to (they travel on different topics) is there when the click is
 * applied. State per shopper: the recommendations shown in the last {@code window} (with {@code
 * reco.min-interval} 10 s and a 30 min window, at most 180), one timer per recommendation; each is
 * removed when it matures. Clicks on a recommendation no longer (or never) held count as {@code
 * unattributedClicks}.
 */
public final class RecoOutcomes
        extends KeyedCoProcessFunction<String, PredictionLog, Engagement, Outcome> {

    private static final long serialVersionUID = 1L;

    private final long window;

    private transient MapState<String, ShownRecommendation> shown;
    private transient WatermarkHold<Engagement> engagements;
    private transient Counter recommendations;
    private transient Counter unattributedClicks;
    private transient Counter duplicatePredictions;

    public RecoOutcomes(long windowMillis) {
        this.window = windowMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        shown =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "shown",
                                        Types.STRING,
                                        TypeInformation.of(ShownRecommendation.class)));
        engagements =
                new WatermarkHold<>(
                        getRuntimeContext(), "engagements", TypeInformation.of(Engagement.class));
        recommendations = getRuntimeContext().getMetricGroup().counter("recommendationsJoined");
        unattributedClicks = getRuntimeContext().getMetricGroup().counter("unattributedClicks");
        duplicatePredictions = getRuntimeContext().getMetricGroup().counter("duplicatePredictions");
    }

    @Override
    public void processElement1(PredictionLog item, Context ctx, Collector<Outcome> out)
            throws Exception {
        String recoId = item.getRequestId();
        ShownRecommendation reco = shown.get(recoId);
        if (reco == null) {
            reco = new ShownRecommendation(item.getEventTime().toEpochMilli());
            ctx.timerService().registerEventTimeTimer(reco.time + window);
            recommendations.inc();
        }
        if (reco.add(item)) {
            shown.put(recoId, reco);
        } else {
            duplicatePredictions.inc();
        }
    }

    @Override
    public void processElement2(Engagement e, Context ctx, Collector<Outcome> out)
            throws Exception {
        if (!engagements.hold(e.time, e, ctx.timerService())) {
            apply(e); // behind the watermark already: its recommendations are all here
        }
    }

    private void apply(Engagement e) throws Exception {
        if (e.isPurchase()) {
            for (Map.Entry<String, ShownRecommendation> entry : shown.entries()) {
                ShownRecommendation reco = entry.getValue();
                if (reco.attributes(e.time, window)) {
                    boolean changed = false;
                    for (String product : e.productIds) {
                        changed |= reco.engage(product, e.time, true);
                    }
                    if (changed) {
                        entry.setValue(reco);
                    }
                }
            }
            return;
        }
        ShownRecommendation reco = shown.get(e.recoId);
        if (reco != null
                && reco.attributes(e.time, window)
                && reco.engage(e.productIds[0], e.time, false)) {
            shown.put(e.recoId, reco);
        } else {
            unattributedClicks.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Outcome> out)
            throws Exception {
        for (Engagement e : engagements.release(timestamp)) {
            apply(e);
        }
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, ShownRecommendation> entry : shown.entries()) {
            if (entry.getValue().time + window <= timestamp) {
                due.add(entry.getKey());
            }
        }
        due.sort(null); // state iteration order differs between backends
        for (String recoId : due) {
            ShownRecommendation reco = shown.get(recoId);
            shown.remove(recoId);
            for (Outcome o : reco.outcomes(reco.time + window)) {
                out.collect(o);
            }
        }
    }
}
