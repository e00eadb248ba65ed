package com.kartshoppe.reco.candidates;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.jobkit.time.WatermarkHold;
import com.kartshoppe.reco.RecoSettings;
import com.kartshoppe.reco.ranking.Candidate;
import com.kartshoppe.reco.ranking.RankingRequest;
import com.kartshoppe.reco.ranking.RecoFeatures;
import com.kartshoppe.reco.session.RecoRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
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
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keyed by shopper, in the shopper's task: turns a request into its candidates, each with its
 * reco_v1 values: the viewed product's co-view neighbours first, then the trending products of its
 * category and of the shopper's three strongest categories, then trending products overall, up to
 * {@code reco.max-candidates}. The viewed product itself is left out unless {@code
 * reco.include-viewed}, and so are the products the shopper bought ({@link
 * RecoRequest#boughtItems}; the data holds no stock levels to leave out what is sold out). A
 * cold-start shopper (no history, a product without neighbours) thus gets trending products.
 *
 * <p>Inputs. Keyed: the shopper's requests, from the session context in the same task (forward, no
 * shuffle). Broadcast: {@link CandidateUpdate}s ({@code Right}) and the adapter parameters ({@code
 * Left}), which are passed on as they come to the scorer chained after this function, so a request
 * crosses no exchange between its session context and its recommendation.
 *
 * <ul>
 *   <li>Co-views: every subtask learns every product's neighbours ({@link ProductNeighbours},
 *       bounded to {@code 2 x reco.neighbours} per product, in broadcast state {@link
 *       #NEIGHBOURS}); a request gets its product's strongest {@code reco.neighbours}, weights
 *       decayed to its time. A product is forgotten once the watermark is a {@code
 *       reco.profile-retention} past its latest co-view (checked on co-views, at most once per
 *       {@link #SWEEP_EVERY} of event time).
 *   <li>Trending lists, per category and window ({@link #TRENDING}): a request uses, per category,
 *       the newest whose window ended before it ({@link TrendingHistory}).
 * </ul>
 *
 * <p>Timing. When the input is in event-time order (a replay), requests are held until the
 * watermark passes them, so every list and co-view from before them has arrived, and co-views ahead
 * of the watermark wait as pending until a request of their time reads them: a replay ranks the
 * same candidates every time. Live, a request is assembled on arrival with what has arrived.
 *
 * <p>Metrics: {@code coldStartRequests}, {@code coldProducts} (requests for a product with no
 * neighbours yet), {@code candidatesShort} (fewer candidates than {@code reco.top-k}, e.g. before
 * the first trending window has closed), {@code noCandidates} (requests dropped for want of any
 * candidate: no recommendation is better than an empty one).
 */
public class CandidateAssembler
        extends KeyedBroadcastProcessFunction<
                String,
                RecoRequest,
                Either<AdapterParams, CandidateUpdate>,
                Either<RankingRequest, AdapterParams>> {

    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, TrendingHistory> TRENDING =
            new MapStateDescriptor<>(
                    "trending-by-category",
                    Types.STRING,
                    TypeInformation.of(TrendingHistory.class));

    /** Every product's co-view neighbours, by product id. */
    public static final MapStateDescriptor<String, ProductNeighbours> NEIGHBOURS =
            new MapStateDescriptor<>(
                    "neighbours-by-product",
                    Types.STRING,
                    TypeInformation.of(ProductNeighbours.class));

    /** How often, in event time, products past their retention are looked for. */
    static final long SWEEP_EVERY = Duration.ofHours(1).toMillis();

    /** The shopper's strongest categories whose trending products are candidates. */
    static final int INTEREST_CATEGORIES = 3;

    private final RecoSettings settings;
    private final boolean atWatermark;
    private final long lateSlack;

    private transient WatermarkHold<RecoRequest> waiting;
    private transient long nextSweep;

    /** The lists {@link #overall} was last computed from, and its answer. */
    private transient List<Trending> overallOf;

    private transient List<String[]> overall;

    private transient Counter coldStart;
    private transient Counter coldProducts;
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
        nextSweep = Long.MIN_VALUE;
        coldStart = getRuntimeContext().getMetricGroup().counter("coldStartRequests");
        coldProducts = getRuntimeContext().getMetricGroup().counter("coldProducts");
        short_ = getRuntimeContext().getMetricGroup().counter("candidatesShort");
        noCandidates = getRuntimeContext().getMetricGroup().counter("noCandidates");
    }

    @Override
    public void processElement(
            RecoRequest r,
            ReadOnlyContext ctx,
            Collector<Either<RankingRequest, AdapterParams>> out)
            throws Exception {
        if (!atWatermark || !waiting.hold(r.eventTime, r, ctx.timerService())) {
            assemble(r, ctx.getBroadcastState(TRENDING), ctx.getBroadcastState(NEIGHBOURS), out);
        }
    }

    @Override
    public void onTimer(
            long timestamp,
            OnTimerContext ctx,
            Collector<Either<RankingRequest, AdapterParams>> out)
            throws Exception {
        for (RecoRequest r : waiting.release(timestamp)) {
            assemble(r, ctx.getBroadcastState(TRENDING), ctx.getBroadcastState(NEIGHBOURS), out);
        }
    }

    private void assemble(
            RecoRequest r,
            ReadOnlyBroadcastState<String, TrendingHistory> lists,
            ReadOnlyBroadcastState<String, ProductNeighbours> products,
            Collector<Either<RankingRequest, AdapterParams>> out)
            throws Exception {
        withNeighbours(r, products.get(r.productId));
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
            if (picked.size() >= settings.maxCandidates()) {
                break;
            }
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
        out.collect(Either.Left(new RankingRequest(r, candidates)));
    }

    private void withNeighbours(RecoRequest r, ProductNeighbours product) {
        Neighbours top =
                product == null
                        ? null
                        : product.asOf(
                                r.eventTime,
                                settings.neighbours(),
                                settings.coviewHalfLifeMillis());
        if (top == null) {
            coldProducts.inc();
            return;
        }
        r.neighbourIds = top.ids;
        r.neighbourCategories = top.categories;
        r.neighbourWeights = top.weights;
    }

    private void add(Map<String, String> picked, RecoRequest r, String product, String category) {
        if (picked.size() < settings.maxCandidates()
                && (settings.includeViewed() || !product.equals(r.productId))
                && !r.bought(product)) {
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

    /**
     * Trending products of all categories as (product, category), best first; the last answer again
     * while the lists are the same objects (they change only when a new list arrives).
     */
    private List<String[]> overall(Collection<Trending> lists) {
        if (overallOf == null || !sameObjects(lists, overallOf)) {
            overallOf = List.copyOf(lists);
            overall = overallOf(lists);
        }
        return overall;
    }

    private static boolean sameObjects(Collection<Trending> a, List<Trending> b) {
        if (a.size() != b.size()) {
            return false;
        }
        int i = 0;
        for (Trending t : a) {
            if (t != b.get(i++)) {
                return false;
            }
        }
        return true;
    }

    private static List<String[]> overallOf(Collection<Trending> lists) {
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
    public void processBroadcastElement(
            Either<AdapterParams, CandidateUpdate> in,
            Context ctx,
            Collector<Either<RankingRequest, AdapterParams>> out)
            throws Exception {
        if (in.isLeft()) {
            out.collect(Either.Right(in.left()));
        } else if (in.right().coView != null) {
            learn(in.right().coView, ctx);
        } else {
            trending(in.right().trending, ctx);
        }
    }

    private void learn(CoView v, Context ctx) throws Exception {
        BroadcastState<String, ProductNeighbours> products = ctx.getBroadcastState(NEIGHBOURS);
        long watermark = ctx.currentWatermark();
        if (watermark != Long.MIN_VALUE && watermark >= nextSweep) {
            long forgetBefore = watermark - settings.profileRetention().toMillis();
            Iterator<Map.Entry<String, ProductNeighbours>> entries = products.iterator();
            while (entries.hasNext()) {
                if (entries.next().getValue().latest() < forgetBefore) {
                    entries.remove();
                }
            }
            nextSweep = watermark + SWEEP_EVERY;
        }
        ProductNeighbours product = products.get(v.productId);
        if (product == null) {
            product = new ProductNeighbours();
        }
        product.add(
                v,
                atWatermark ? watermark : Long.MAX_VALUE,
                settings.neighbours(),
                settings.coviewHalfLifeMillis());
        products.put(v.productId, product);
    }

    private void trending(Trending t, Context ctx) throws Exception {
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
