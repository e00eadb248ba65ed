package com.kartshoppe.reco.session;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.reco.RecoSettings;
import com.kartshoppe.reco.candidates.CoView;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The live shopping context per shopper (keyed by user): on each product view it updates the
 * session and interests of the shopper's {@link ShopperContext}, emits the view's co-view pairs to
 * {@link #CO_VIEWS}, and, at most once per {@code reco.min-interval} of event time, a {@link
 * RecoRequest}. Placed orders teach typical spend and co-purchases. A late event of an earlier
 * session counts towards interests but leaves the live session alone.
 *
 * <p>Recommendations do not wait for a session to close: the session part of the state is live, and
 * cleared by an event-time timer a session gap after the session's latest click or order. The whole
 * state is cleared a {@code reco.profile-retention} after the shopper's latest event. Each shopper
 * has at most these two timers.
 *
 * <p>Metrics: {@code recoRequests}, {@code rateLimitedViews}, {@code sessionsClosed}, {@code
 * profilesExpired}.
 */
public class SessionContext extends KeyedProcessFunction<String, ShopEvent, RecoRequest> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<CoView> CO_VIEWS =
            new OutputTag<>("co-views", TypeInformation.of(CoView.class));

    /** Weight of two products viewed in one session, and of two bought together. */
    static final double VIEWED_TOGETHER = 1;

    static final double BOUGHT_TOGETHER = 3;

    private final RecoSettings settings;
    private final long gapMillis;

    private transient ValueState<ShopperContext> state;
    private transient Counter requests;
    private transient Counter rateLimited;
    private transient Counter sessionsClosed;
    private transient Counter profilesExpired;

    public SessionContext(RecoSettings settings, long gapMillis) {
        this.settings = settings;
        this.gapMillis = gapMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "shopper-context",
                                        TypeInformation.of(ShopperContext.class)));
        requests = getRuntimeContext().getMetricGroup().counter("recoRequests");
        rateLimited = getRuntimeContext().getMetricGroup().counter("rateLimitedViews");
        sessionsClosed = getRuntimeContext().getMetricGroup().counter("sessionsClosed");
        profilesExpired = getRuntimeContext().getMetricGroup().counter("profilesExpired");
    }

    @Override
    public void processElement(ShopEvent e, Context ctx, Collector<RecoRequest> out)
            throws Exception {
        ShopperContext c = state.value();
        if (c == null) {
            c = new ShopperContext();
        }
        long oldSessionEnd = sessionEnd(c);
        long oldExpiry = expiry(c);
        long t = e.eventTime();
        c.seen(t);
        if (e.click != null) {
            click(e.click, t, c, ctx, out);
        } else if (e.isPlacedOrder()) {
            order(e, t, c, ctx);
        }
        reschedule(ctx, oldSessionEnd, sessionEnd(c));
        reschedule(ctx, oldExpiry, expiry(c));
        state.update(c);
    }

    private void click(
            ClickEvent click, long t, ShopperContext c, Context ctx, Collector<RecoRequest> out) {
        boolean live = c.touch(click.getSessionId(), t);
        String category = click.getCategory() == null ? "" : click.getCategory();
        if (click.getType() == ClickType.ADD_TO_CART
                || (!live && click.getType() == ClickType.PRODUCT_VIEW)) {
            // A late view of an earlier session still tells what the shopper likes.
            c.interest(category, 1, t, settings.interestHalfLifeMillis());
        }
        if (!live || click.getType() != ClickType.PRODUCT_VIEW) {
            return;
        }
        String product = click.getProductId();
        String[][] before = c.view(product, category, t, settings.interestHalfLifeMillis());
        for (int i = 0; i < before[0].length; i++) {
            pair(ctx, product, category, before[0][i], before[1][i], VIEWED_TOGETHER, t);
        }
        if (c.lastRecommendation != Long.MIN_VALUE
                && t - c.lastRecommendation < settings.minIntervalMillis()) {
            rateLimited.inc();
            return;
        }
        c.lastRecommendation = t;
        requests.inc();
        out.collect(
                c.request("reco-" + click.getEventId(), click.getUserId(), product, category, t));
    }

    private void order(ShopEvent e, long t, ShopperContext c, Context ctx) {
        boolean live = e.order.getSessionId() != null && c.touch(e.order.getSessionId(), t);
        List<OrderItem> items = e.order.getItems();
        Set<String> ordered =
                items.stream().map(OrderItem::getProductId).collect(Collectors.toSet());
        for (int i = 0; i < items.size(); i++) {
            OrderItem item = items.get(i);
            c.bought(item.getProductId(), item.getUnitPriceMinor() / 100.0);
            for (int j = 0; j < i; j++) {
                OrderItem other = items.get(j);
                pair(
                        ctx,
                        item.getProductId(),
                        item.getCategory(),
                        other.getProductId(),
                        other.getCategory(),
                        BOUGHT_TOGETHER,
                        t);
            }
            String[][] viewed =
                    live ? c.recentOtherThan(item.getProductId()) : new String[][] {{}, {}};
            for (int j = 0; j < viewed[0].length; j++) {
                if (ordered.contains(viewed[0][j])) {
                    continue; // paired as bought together already
                }
                pair(
                        ctx,
                        item.getProductId(),
                        item.getCategory(),
                        viewed[0][j],
                        viewed[1][j],
                        BOUGHT_TOGETHER,
                        t);
            }
        }
    }

    /** Both directions, so each product learns of the other; never a product with itself. */
    private static void pair(
            Context ctx, String a, String aCategory, String b, String bCategory, double w, long t) {
        if (a.equals(b)) {
            return;
        }
        ctx.output(CO_VIEWS, new CoView(a, b, bCategory, w, t));
        ctx.output(CO_VIEWS, new CoView(b, a, aCategory, w, t));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RecoRequest> out)
            throws Exception {
        ShopperContext c = state.value();
        if (c == null) {
            return;
        }
        if (timestamp == expiry(c)) {
            state.clear();
            profilesExpired.inc();
            return;
        }
        if (timestamp == sessionEnd(c)) {
            c.clearSession();
            sessionsClosed.inc();
            state.update(c);
        }
    }

    private long sessionEnd(ShopperContext c) {
        return c.inSession() ? c.lastActivity + gapMillis : Long.MIN_VALUE;
    }

    private long expiry(ShopperContext c) {
        return c.lastSeen == Long.MIN_VALUE
                ? Long.MIN_VALUE
                : c.lastSeen + settings.profileRetention().toMillis();
    }

    private static void reschedule(Context ctx, long old, long now) {
        if (old == now) {
            return;
        }
        if (old != Long.MIN_VALUE) {
            ctx.timerService().deleteEventTimeTimer(old);
        }
        if (now != Long.MIN_VALUE) {
            ctx.timerService().registerEventTimeTimer(now);
        }
    }
}
