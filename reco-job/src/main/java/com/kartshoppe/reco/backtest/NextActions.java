package com.kartshoppe.reco.backtest;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each shopper did in recorded traffic: every product view and every product bought in a
 * placed order, in event-time order. The ground truth that offline recommendation quality and
 * training labels are measured against: "did the shopper view or buy it next?", and "what did the
 * shopper buy next?".
 *
 * <pre>{@code
 * NextActions actions = NextActions.read(Path.of("/tmp/sim"));
 * Set<String> next = actions.after("u-1", viewTime, Duration.ofMinutes(30).toMillis(), viewed);
 * Set<String> bought = actions.nextPurchase("u-1", viewTime, Duration.ofMinutes(30).toMillis(), viewed);
 * }</pre>
 */
public final class NextActions {

    /** A view (units 0) or purchase (units at least 1) of a product at an event time. */
    public record Action(String userId, long time, String productId, int units) {}

    private static final Comparator<Action> BY_TIME = Comparator.comparingLong(Action::time);

    private final Map<String, List<Action>> byUser;
    private final List<Action> all;

    private NextActions(List<Action> all) {
        all.sort(BY_TIME);
        this.all = List.copyOf(all);
        this.byUser = new HashMap<>();
        for (Action a : this.all) {
            byUser.computeIfAbsent(a.userId(), u -> new ArrayList<>()).add(a);
        }
    }

    /**
     * The views and purchases in {@code dir}'s clicks and orders files; undecodable lines skipped.
     */
    public static NextActions read(Path dir) throws IOException {
        List<Action> actions = new ArrayList<>();
        for (ClickEvent c :
                JsonCodec.of(EventType.CLICK).readValid(JsonCodec.file(dir, EventType.CLICK))) {
            if (c.getType() == ClickType.PRODUCT_VIEW
                    && c.getUserId() != null
                    && c.getProductId() != null) {
                actions.add(
                        new Action(
                                c.getUserId().trim(),
                                c.getEventTime().toEpochMilli(),
                                c.getProductId(),
                                0));
            }
        }
        for (OrderEvent o :
                JsonCodec.of(EventType.ORDER).readValid(JsonCodec.file(dir, EventType.ORDER))) {
            if (o.getStatus() == OrderStatus.PLACED && o.getUserId() != null) {
                for (OrderItem item : o.getItems()) {
                    actions.add(
                            new Action(
                                    o.getUserId().trim(),
                                    o.getEventTime().toEpochMilli(),
                                    item.getProductId(),
                                    item.getQuantity()));
                }
            }
        }
        return new NextActions(actions);
    }

    /** The given actions, for tests and other sources than files. */
    public static NextActions of(List<Action> actions) {
        return new NextActions(new ArrayList<>(actions));
    }

    /** Every action of every shopper, in event-time order. */
    public List<Action> all() {
        return all;
    }

    /**
     * The products {@code userId} viewed or bought after {@code time} and at most {@code horizon}
     * later, other than {@code except}, in the order first seen.
     */
    public Set<String> after(String userId, long time, long horizon, String except) {
        Set<String> next = new LinkedHashSet<>();
        List<Action> actions = byUser.getOrDefault(userId, List.of());
        int i = firstAfter(actions, time);
        for (; i < actions.size() && actions.get(i).time() <= time + horizon; i++) {
            if (!actions.get(i).productId().equals(except)) {
                next.add(actions.get(i).productId());
            }
        }
        return next;
    }

    /**
     * The products of {@code userId}'s next purchase: the first placed order after {@code time} and
     * at most {@code horizon} later, other than {@code except}. Empty without such an order, or if
     * it holds only {@code except}. An order is told apart by its event time: the items of one
     * order share it, and two orders of one shopper in the same millisecond count as one.
     */
    public Set<String> nextPurchase(String userId, long time, long horizon, String except) {
        Set<String> bought = new LinkedHashSet<>();
        List<Action> actions = byUser.getOrDefault(userId, List.of());
        long orderTime = Long.MIN_VALUE;
        for (int i = firstAfter(actions, time);
                i < actions.size() && actions.get(i).time() <= time + horizon;
                i++) {
            Action a = actions.get(i);
            if (a.units() == 0) {
                continue;
            }
            if (orderTime == Long.MIN_VALUE) {
                orderTime = a.time();
            } else if (a.time() != orderTime) {
                break;
            }
            if (!a.productId().equals(except)) {
                bought.add(a.productId());
            }
        }
        return bought;
    }

    /**
     * The products {@code userId} viewed in the session open at {@code time}: their product views
     * at or before {@code time}, back along a run with gaps of at most {@code sessionGap} (the last
     * one within a gap of {@code time}). Purchases neither open nor extend a session here.
     */
    public Set<String> sessionViews(String userId, long time, long sessionGap) {
        Set<String> viewed = new LinkedHashSet<>();
        List<Action> actions = byUser.getOrDefault(userId, List.of());
        long last = time;
        for (int i = firstAfter(actions, time) - 1; i >= 0; i--) {
            Action a = actions.get(i);
            if (a.units() != 0) {
                continue;
            }
            if (last - a.time() > sessionGap) {
                break;
            }
            viewed.add(a.productId());
            last = a.time();
        }
        return viewed;
    }

    private static int firstAfter(List<Action> actions, long time) {
        int lo = 0;
        int hi = actions.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (actions.get(mid).time() <= time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
