package com.kartshoppe.playground.report;

import static com.kartshoppe.playground.report.ScoresJson.put;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.playground.report.ClickThrough.Rate;
import com.kartshoppe.reco.backtest.RecoReport;
import com.kartshoppe.reco.backtest.RecoReport.Quality;
import com.kartshoppe.reco.backtest.RecoReport.Slice;
import com.kartshoppe.reco.backtest.RecoReport.Target;
import java.util.List;

/**
 * The report of a recommendation backtest: under {@code summary} the figures of its {@link
 * RecoReport}, the ones the terminal shows (hit rate, NDCG and MRR per target, for the job and both
 * baselines, and the exploration slices); under {@code clickThrough} the offline CTR of the job and
 * the baselines ({@link ClickThrough}); and the model versions that recommended.
 *
 * <pre>{@code
 * ObjectNode json = RecoBacktestJson.of(report, recommendations, clickThrough, deadLetters);
 * ReportFiles.write(dir, json);
 * }</pre>
 */
public final class RecoBacktestJson {

    public static final String KIND = "reco-backtest";

    private RecoBacktestJson() {}

    public static ObjectNode of(
            RecoReport report,
            List<Recommendation> recommendations,
            ClickThrough clickThrough,
            int deadLetters) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("kind", KIND);
        json.put("title", "Recommendation backtest");
        json.set(
                "models",
                ModelsJson.of(
                        recommendations,
                        r ->
                                new ModelsJson.Served(
                                        r.getModelName(),
                                        r.getModelVersion(),
                                        r.getAdapterVersion())));
        json.put("deadLetters", deadLetters);
        json.set("summary", summary(report));
        ObjectNode ctr = json.putObject("clickThrough");
        ctr.put(
                "definition",
                "share of shown slots whose product the shopper viewed or bought within the"
                        + " horizon (the viewed product left out)");
        ctr.set("job", rate(clickThrough.job()));
        ctr.set("popularity", rate(clickThrough.popularity()));
        ctr.set("coView", rate(clickThrough.coView()));
        return json;
    }

    /** The report's figures, named as its accessors. */
    static ObjectNode summary(RecoReport r) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("k", r.k());
        s.put("horizonMs", r.horizon());
        s.put("popularityWindowMs", r.popularityWindow());
        s.put("recommendations", r.recommendations());
        s.put("explored", r.explored());
        s.put("coViewShort", r.coViewShort());
        s.set("purchase", target(r.purchase()));
        s.set("newPurchase", target(r.newPurchase()));
        s.set("anyNext", target(r.anyNext()));
        return s;
    }

    private static ObjectNode target(Target t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("judged", t.judged());
        o.set("job", quality(t.job()));
        o.set("popularity", quality(t.popularity()));
        o.set("coView", quality(t.coView()));
        o.set("withExplored", slice(t.withExplored()));
        o.set("withoutExplored", slice(t.withoutExplored()));
        return o;
    }

    private static ObjectNode quality(Quality q) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        put(o, "hitRate", q.hitRate());
        put(o, "ndcg", q.ndcg());
        put(o, "mrr", q.mrr());
        return o;
    }

    private static ObjectNode slice(Slice s) {
        ObjectNode o = quality(s.quality());
        o.put("judged", s.judged());
        put(o, "lastSlotHitRate", s.lastSlotHitRate());
        return o;
    }

    private static ObjectNode rate(Rate r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        long impressions = 0;
        long relevant = 0;
        ArrayNode byPosition = o.putArray("byPosition");
        for (int p = 0; p < r.impressions().length; p++) {
            impressions += r.impressions()[p];
            relevant += r.relevant()[p];
            ObjectNode slot = byPosition.addObject();
            slot.put("impressions", r.impressions()[p]);
            slot.put("relevant", r.relevant()[p]);
            put(slot, "rate", r.rate(p));
        }
        o.put("impressions", impressions);
        o.put("relevant", relevant);
        put(o, "rate", r.rate());
        return o;
    }
}
