package com.kartshoppe.reco.candidates;

import com.kartshoppe.jobkit.time.WatermarkHold;
import com.kartshoppe.reco.RecoSettings;
import com.kartshoppe.reco.ranking.Candidate;
import com.kartshoppe.reco.ranking.RankingRequest;
import com.kartshoppe.reco.ranking.RecoFeatures;
import com.kartshoppe.reco.session.RecoRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns a request into its candidates, each with its reco_v1 values: the viewed product's co-view
 * neighbours first, then the trending products of its category and of the shopper's three strongest
 * categories, then trending products overall, up to {@code reco.max-candidates}. The viewed product
 * itself is left out unless {@code reco.include-viewed}. A cold-start shopper (no history, a
 * product without neighbours) thus gets trending products.
 *
 * <p>Trending lists arrive on the broadcast input, per category and window; a request uses, per
 * category, the newest whose window ended before it ({@link TrendingHistory}). When the input is in
 * event-time order (a replay), requests are keyed by shopper and held until the watermark passes
 * them, so every list they may use has arrived and a replay ranks the same candidates every time;
 * live, a request is assembled on arrival. Metrics: {@code coldStartRequests}, {@code
 * candidatesShort} (fewer candidates than {@code reco.top-k}, e.g. before the first trending window
 * has closed), {@code noCandidates} (requests dropped for want of any candidate: no recommendation
 * is better than an empty one).
 */
public class CandidateAssembler
        extends KeyedBroadcastProcessFunction<String, RecoRequest, Trending, RankingRequest> {

    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, TrendingHistory> TRENDING =
            new MapStateDescriptor<>(
                    "trending-by-category",
                    Types.STRING,
                    TypeInformation.of(TrendingHistory.class));

    /** The shopper's strongest categories whose trending products are candidates. */
    static final int INTEREST_CATEGORIES = 3;

    private final RecoSettings settings;
    private final boolean atWatermark;
    private final long lateSlack;

    private transient WatermarkHold<RecoRequest> waiting;
    private transient Counter coldStart;
    private transient Counter short_;
    private transient Counter noCandidates;

    /**
     * @param atWatermark hold each request until the watermark passes it (input in event-time
     *     order)
     * @param lateSlack how far behind the watermark a request still finds the trending lists of its
     *     time (older lists are dropped), in ms
     */
    public CandidateAssembler(RecoSettings settings, boolean atWatermark, long lateSlack) {
        this.settings = settings;
        this.atWatermark = atWatermark;
        this.lateSlack = lateSlack;
    }

    @Override
    public void open(OpenContext openContext) {
        waiting =
                new WatermarkHold<>(
                        getRuntimeContext(),
                        "waiting-requests",
                        TypeInformation.of(RecoRequest.class));
        coldStart = getRuntimeContext().getMetricGroup().counter("coldStartRequests");
        short_ = getRuntimeContext().getMetricGroup().counter("candidatesShort");
        noCandidates = getRuntimeContext().getMetricGroup().counter("noCandidates");
    }

    @Override
    public void processElement(RecoRequest r, ReadOnlyContext ctx, Collector<RankingRequest> out)
            throws Exception {
        if (!atWatermark || !waiting.hold(r.eventTime, r, ctx.timerService())) {
            assemble(r, ctx.getBroadcastState(TRENDING), out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RankingRequest> out)
            throws Exception {
        for (RecoRequest r : waiting.release(timestamp)) {
            assemble(r, ctx.getBroadcastState(TRENDING), out);
        }
    }

    private void assemble(
            RecoRequest r,
            ReadOnlyBroadcastState<String, TrendingHistory> lists,
            Collector<RankingRequest> out)
            throws Exception {
        Map<String, Trending> trending = new HashMap<>();
        for (Map.Entry<String, TrendingHistory> e : lists.immutableEntries()) {
            Trending t = e.getValue().asOf(r.eventTime);
            if (t != null) {
                trending.put(e.getKey(), t);
            }
        }
        Map<String, String> picked = new LinkedHashMap<>();
        for (int i = 0; i < r.neighbourIds.length; i++) {
            add(picked, r, r.neighbourIds[i], r.neighbourCategories[i]);
        }
        addTrending(picked, r, trending.get(r.category));
        for (int i = 0; i < Math.min(INTEREST_CATEGORIES, r.interestCategories.length); i++) {
            addTrending(picked, r, trending.get(r.interestCategories[i]));
        }
        for (String[] p : overall(trending.values())) {
            add(picked, r, p[0], p[1]);
        }
        if (r.neighbourIds.length == 0 && r.interestCategories.length <= 1) {
            coldStart.inc();
        }
        if (picked.isEmpty()) {
            noCandidates.inc();
            return;
        }
        if (picked.size() < settings.topK()) {
            short_.inc();
        }
        Candidate[] candidates = new Candidate[picked.size()];
        int i = 0;
        for (Map.Entry<String, String> c : picked.entrySet()) {
            candidates[i++] =
                    new Candidate(
                            c.getKey(),
                            c.getValue(),
                            RecoFeatures.of(
                                    r, c.getKey(), c.getValue(), trending.get(c.getValue())));
        }
        out.collect(new RankingRequest(r, candidates));
    }

    private void add(Map<String, String> picked, RecoRequest r, String product, String category) {
        if (picked.size() < settings.maxCandidates()
                && (settings.includeViewed() || !product.equals(r.productId))) {
            picked.putIfAbsent(product, category);
        }
    }

    private void addTrending(Map<String, String> picked, RecoRequest r, Trending t) {
        if (t != null) {
            for (String product : t.productIds) {
                add(picked, r, product, t.category);
            }
        }
    }

    /** Trending products of all categories as (product, category), best first. */
    private static List<String[]> overall(Collection<Trending> lists) {
        List<String[]> all = new ArrayList<>();
        Map<String, Double> score = new HashMap<>();
        for (Trending t : lists) {
            for (int i = 0; i < t.productIds.length; i++) {
                all.add(new String[] {t.productIds[i], t.category});
                score.put(t.productIds[i], t.scores[i]);
            }
        }
        all.sort(
                Comparator.<String[]>comparingDouble(p -> -score.get(p[0]))
                        .thenComparing(p -> p[0]));
        return all;
    }

    @Override
    public void processBroadcastElement(Trending t, Context ctx, Collector<RankingRequest> out)
            throws Exception {
        BroadcastState<String, TrendingHistory> state = ctx.getBroadcastState(TRENDING);
        // Subtasks may prune at slightly different watermarks; they only ever differ in lists
        // older than any request they will still see, so the copies stay interchangeable.
        TrendingHistory history = state.get(t.category);
        state.put(
                t.category,
                (history == null ? new TrendingHistory() : history)
                        .with(t, ctx.currentWatermark(), lateSlack));
    }
}
