package com.kartshoppe.features.session;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.window.RecentDistinct;

/**
 * Running totals of one session window, mergeable when session windows merge. A Flink POJO.
 *
 * <p>Distinct products are capped at {@value #MAX_ITEMS} and categories at {@value
 * #MAX_CATEGORIES}: a bot's session cannot grow state without bound.
 */
public class SessionAccumulator {

    static final int MAX_ITEMS = 500;
    static final int MAX_CATEGORIES = 64;
    static final long NONE = Long.MIN_VALUE;

    public long first = NONE;
    public long last = NONE;
    public int views;
    public int cartAdds;
    public boolean converted;
    public String campaignId;
    public long campaignAt = NONE;
    public RecentDistinct items = RecentDistinct.of(MAX_ITEMS, Long.MAX_VALUE);
    public RecentDistinct categories = RecentDistinct.of(MAX_CATEGORIES, Long.MAX_VALUE);

    /** For Flink's POJO serializer. */
    public SessionAccumulator() {}

    /** Adds a click or a placed order; other events are ignored. */
    public SessionAccumulator add(ShopEvent e) {
        long t = e.eventTime();
        first = first == NONE ? t : Math.min(first, t);
        last = Math.max(last, t);
        ClickEvent click = e.click;
        if (click == null) {
            converted = true;
            return this;
        }
        if (click.getCampaignId() != null && (campaignAt == NONE || t < campaignAt)) {
            campaignId = click.getCampaignId();
            campaignAt = t;
        }
        if (click.getType() == ClickType.PRODUCT_VIEW) {
            views++;
            items.add(click.getProductId(), t);
            if (click.getCategory() != null) {
                categories.add(click.getCategory(), t);
            }
        } else if (click.getType() == ClickType.ADD_TO_CART) {
            cartAdds++;
        }
        return this;
    }

    /** Folds {@code other} into this accumulator (session windows merging). */
    public SessionAccumulator merge(SessionAccumulator other) {
        if (other.first != NONE) {
            first = first == NONE ? other.first : Math.min(first, other.first);
        }
        last = Math.max(last, other.last);
        views += other.views;
        cartAdds += other.cartAdds;
        converted |= other.converted;
        if (other.campaignId != null && (campaignAt == NONE || other.campaignAt < campaignAt)) {
            campaignId = other.campaignId;
            campaignAt = other.campaignAt;
        }
        for (int i = 0; i < other.items.size; i++) {
            items.add(other.items.values[i], other.items.lastSeen[i]);
        }
        for (int i = 0; i < other.categories.size; i++) {
            categories.add(other.categories.values[i], other.categories.lastSeen[i]);
        }
        return this;
    }

    SessionSummary toSummary(String userId, int revision) {
        SessionSummary s = new SessionSummary();
        s.userId = userId;
        s.start = first;
        s.end = last;
        s.views = views;
        s.distinctItems = items.size;
        s.distinctCategories = categories.size;
        s.cartAdds = cartAdds;
        s.converted = converted;
        s.campaignId = campaignId == null ? "none" : campaignId;
        s.revision = revision;
        return s;
    }
}
