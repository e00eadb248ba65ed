package com.kartshoppe.features.session;

/**
 * One shopper session, when its session window closes: the windowed session features. A Flink POJO.
 */
public class SessionSummary {

    public String userId;

    /** Event time of the first and the last click or order of the session. */
    public long start;

    public long end;

    public int views;
    public int distinctItems;
    public int distinctCategories;
    public int cartAdds;
    public boolean converted;

    /** The first campaign the session's clicks carried, or {@code "none"}. */
    public String campaignId;

    /**
     * 0 when the window first fires at the watermark; 1, 2, ... for updates caused by late events
     * within the allowed lateness.
     */
    public int revision;

    /** For Flink's POJO serializer. */
    public SessionSummary() {}

    public double durationSeconds() {
        return (end - start) / 1000.0;
    }

    @Override
    public String toString() {
        return "SessionSummary{"
                + userId
                + " "
                + start
                + ".."
                + end
                + " views="
                + views
                + " items="
                + distinctItems
                + " categories="
                + distinctCategories
                + " cartAdds="
                + cartAdds
                + " converted="
                + converted
                + " campaign="
                + campaignId
                + " revision="
                + revision
                + "}";
    }
}
