package com.kartshoppe.reco.candidates;

import com.kartshoppe.jobkit.time.WatermarkHold;
import com.kartshoppe.reco.RecoSettings;
import com.kartshoppe.reco.session.RecoRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Item-to-item candidates, keyed by product: input 1 ({@link CoView}s routed to their product)
 * updates the product's decayed {@link Neighbours}, bounded to {@code 2 x reco.neighbours}; input 2
 * (recommendation requests routed to the viewed product) leaves with the product's strongest {@code
 * reco.neighbours} neighbours attached.
 *
 * <p>When the input is in event-time order (a replay), both inputs are held until the watermark
 * passes them and then applied in event-time order, co-views before requests of the same time, so a
 * request sees exactly the co-views from before it, whatever pace the shoppers' events arrive at.
 * Live, both are applied on arrival.
 *
 * <p>State: one bounded neighbour list per product, forgotten a {@code reco.profile-retention} of
 * processing time after its last co-view (state TTL). Metric: {@code coldProducts}, requests for a
 * product with no neighbours yet.
 */
public class ItemNeighbours
        extends KeyedCoProcessFunction<String, CoView, RecoRequest, RecoRequest> {

    private static final long serialVersionUID = 1L;

    private final RecoSettings settings;
    private final boolean atWatermark;

    private transient ValueState<Neighbours> neighbours;
    private transient WatermarkHold<CoView> waitingCoViews;
    private transient WatermarkHold<RecoRequest> waitingRequests;
    private transient Counter coldProducts;

    /**
     * @param atWatermark hold both inputs until the watermark passes them (input in event-time
     *     order)
     */
    public ItemNeighbours(RecoSettings settings, boolean atWatermark) {
        this.settings = settings;
        this.atWatermark = atWatermark;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Neighbours> descriptor =
                new ValueStateDescriptor<>("neighbours", TypeInformation.of(Neighbours.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(settings.profileRetention()).build());
        neighbours = getRuntimeContext().getState(descriptor);
        coldProducts = getRuntimeContext().getMetricGroup().counter("coldProducts");
        waitingCoViews =
                new WatermarkHold<>(
                        getRuntimeContext(), "waiting-co-views", TypeInformation.of(CoView.class));
        waitingRequests =
                new WatermarkHold<>(
                        getRuntimeContext(),
                        "waiting-requests",
                        TypeInformation.of(RecoRequest.class));
    }

    @Override
    public void processElement1(CoView v, Context ctx, Collector<RecoRequest> out)
            throws Exception {
        if (!atWatermark || !waitingCoViews.hold(v.eventTime, v, ctx.timerService())) {
            learn(v);
        }
    }

    @Override
    public void processElement2(RecoRequest request, Context ctx, Collector<RecoRequest> out)
            throws Exception {
        if (!atWatermark || !waitingRequests.hold(request.eventTime, request, ctx.timerService())) {
            out.collect(withNeighbours(request));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RecoRequest> out)
            throws Exception {
        for (CoView v : waitingCoViews.release(timestamp)) {
            learn(v);
        }
        for (RecoRequest request : waitingRequests.release(timestamp)) {
            out.collect(withNeighbours(request));
        }
    }

    private void learn(CoView v) throws Exception {
        Neighbours n = neighbours.value();
        if (n == null) {
            n = new Neighbours();
        }
        n.add(v, settings.neighbours(), settings.coviewHalfLifeMillis());
        neighbours.update(n);
    }

    private RecoRequest withNeighbours(RecoRequest request) throws Exception {
        Neighbours n = neighbours.value();
        if (n == null) {
            coldProducts.inc();
        } else {
            Neighbours top =
                    n.strongest(
                            settings.neighbours(),
                            request.eventTime,
                            settings.coviewHalfLifeMillis());
            request.neighbourIds = top.ids;
            request.neighbourCategories = top.categories;
            request.neighbourWeights = top.weights;
        }
        return request;
    }
}
