package com.kartshoppe.features;

import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.join.ViewToPurchase;
import com.kartshoppe.features.join.ViewToPurchaseJoin;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.features.user.ShopperFeatureFunction;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The keyed feature operators a job composes on the deduplicated, per-shopper stream of {@code
 * ShopEvents.deduplicatedByShopper()}. Windowed features: {@code Sessions} and {@code
 * CampaignConversion}.
 *
 * <pre>{@code
 * KeyedStream<ShopEvent, String> byShopper = ShopEvents.read(env, input, conf, "fraud")
 *         .deduplicatedByShopper();
 * DataStream<Featured> featured = Features.fraud(byShopper, conf);
 * }</pre>
 */
public final class Features {

    /** How long after a product view a purchase of it counts as converted. */
    public static final Duration VIEW_TO_PURCHASE_WINDOW = Duration.ofMinutes(30);

    private Features() {}

    /**
     * fraud_v1 on every placed order and payment, available on the event itself; uid {@code
     * shopper-features}.
     */
    public static SingleOutputStreamOperator<Featured> fraud(
            KeyedStream<ShopEvent, String> byShopper, Configuration conf) {
        return byShopper
                .process(
                        new ShopperFeatureFunction(
                                conf.get(FeatureOptions.SESSION_GAP),
                                conf.get(FeatureOptions.SHOPPER_RETENTION)),
                        TypeInformation.of(Featured.class))
                .uid("shopper-features")
                .name("shopper features (fraud_v1)");
    }

    /**
     * For every product view, whether and when the shopper bought the product within 30 minutes;
     * late events in {@link ViewToPurchaseJoin#LATE}. uid {@code view-to-purchase}.
     */
    public static SingleOutputStreamOperator<ViewToPurchase> viewToPurchase(
            KeyedStream<ShopEvent, String> byShopper) {
        return byShopper
                .process(
                        new ViewToPurchaseJoin(VIEW_TO_PURCHASE_WINDOW),
                        TypeInformation.of(ViewToPurchase.class))
                .uid("view-to-purchase")
                .name("view to purchase (outer interval join)");
    }
}
