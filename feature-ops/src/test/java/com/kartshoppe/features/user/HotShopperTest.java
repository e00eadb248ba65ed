package com.kartshoppe.features.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickType;
import com.kartshoppe.features.TestEvents;
import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A bot sending a large share of the traffic is one hot key: its as-of-event state must stay
 * bounded, so each of its events costs the same, however many it sends.
 */
class HotShopperTest {

    @Test
    void aBotsStateStaysBoundedWhateverItSends() throws Exception {
        ShopperFeatures features = new ShopperFeatures(Duration.ofMinutes(30), Duration.ofDays(30));
        ActivityState a = features.newActivity();
        CommerceState c = features.newCommerce();
        int sizeAfterWarmUp = 0;
        for (int i = 0; i < 50_000; i++) {
            // 20 events per second: new devices, products and cards all the time, in one session.
            Instant t = TestEvents.T0.plusMillis(i * 50L);
            String device = "bot-device-" + i;
            ShopEvent e =
                    switch (i % 4) {
                        case 0, 1 ->
                                TestEvents.click("bot", ClickType.PRODUCT_VIEW, "p" + i, t, device);
                        case 2 -> TestEvents.payment("bot", 100, i % 8 == 2, "card-" + i, "us", t);
                        default -> TestEvents.order("bot", "p" + i, 100 + i, t, device);
                    };
            features.onActivity(a, e);
            if (ShopperFeatures.touchesCommerce(e)) {
                features.onCommerce(a, c, e);
            }
            if (i == 5_000) {
                sizeAfterWarmUp = serializedSize(a) + serializedSize(c);
            }
        }

        assertThat(a.devices.size).isEqualTo(ActivityState.MAX_DEVICES);
        assertThat(a.sessionItems.size).isEqualTo(ActivityState.MAX_SESSION_ITEMS);
        assertThat(c.cards.size).isEqualTo(CommerceState.MAX_CARDS);
        assertThat(c.amounts.size()).isEqualTo(CommerceState.AMOUNT_HISTORY);
        int size = serializedSize(a) + serializedSize(c);
        assertThat(size).isLessThan(32 * 1024).isLessThanOrEqualTo(sizeAfterWarmUp + 512);
    }

    private static <T> int serializedSize(T state) throws Exception {
        @SuppressWarnings("unchecked")
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // a Kryo fallback would throw here
        TypeSerializer<T> serializer =
                TypeInformation.of((Class<T>) state.getClass()).createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(4096);
        serializer.serialize(state, out);
        return out.length();
    }
}
