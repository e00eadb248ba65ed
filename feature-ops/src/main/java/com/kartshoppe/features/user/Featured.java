package com.kartshoppe.features.user;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.features.ingest.ShopEvent;

/**
 * A triggering event (placed order or payment) with the feature snapshot computed on it: what a
 * scoring job decides on and logs. A Flink POJO.
 */
public class Featured {

    public ShopEvent event;
    public FeatureSnapshot features;

    /** For Flink's POJO serializer. */
    public Featured() {}

    public Featured(ShopEvent event, FeatureSnapshot features) {
        this.event = event;
        this.features = features;
    }

    @Override
    public String toString() {
        return event + " -> " + features;
    }
}
