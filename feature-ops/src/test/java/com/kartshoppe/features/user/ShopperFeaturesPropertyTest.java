package com.kartshoppe.features.user;

import static com.kartshoppe.events.catalog.FeatureCatalog.FRAUD_V1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.events.ClickType;
import com.kartshoppe.features.TestEvents;
import com.kartshoppe.features.ingest.ShopEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * For random event sequences (seeded) with bounded disorder, the incremental as-of-event features
 * equal a brute-force recomputation over the raw events, for every triggering event.
 */
class ShopperFeaturesPropertyTest {

    private static final Duration GAP = Duration.ofMinutes(30);

    @Test
    void incrementalFeaturesEqualBruteForceForEveryTrigger() {
        int triggers = 0;
        for (long seed = 1; seed <= 200; seed++) {
            triggers += checkSequence(seed);
        }
        assertThat(triggers).as("enough triggers were checked").isGreaterThan(5_000);
    }

    private static int checkSequence(long seed) {
        Random rng = new Random(seed);
        List<ShopEvent> events = randomEvents(rng, 50 + rng.nextInt(seed % 10 == 0 ? 900 : 250));
        ShopperFeatures features = new ShopperFeatures(GAP, Duration.ofDays(30));
        ActivityState a = features.newActivity();
        CommerceState c = features.newCommerce();
        int triggers = 0;
        for (int i = 0; i < events.size(); i++) {
            ShopEvent e = events.get(i);
            features.onActivity(a, e);
            if (!ShopperFeatures.touchesCommerce(e)) {
                continue;
            }
            double[] incremental = features.onCommerce(a, c, e);
            if (!ShopperFeatures.isTrigger(e)) {
                assertThat(incremental).isNull();
                continue;
            }
            double[] reference = BruteForceFraudFeatures.vector(events, i, GAP.toMillis());
            for (int f = 0; f < FRAUD_V1.size(); f++) {
                assertThat(incremental[f])
                        .as(
                                "seed %d, event %d (%s), %s",
                                seed, i, e, FRAUD_V1.definitions().get(f).name())
                        .isCloseTo(reference[f], within(1e-9));
            }
            triggers++;
        }
        return triggers;
    }

    /**
     * Events of one shopper: times mostly increasing, 20% up to 45 s out of order and 2% up to 5
     * minutes (beyond the windows' slack); idle gaps; cancellations and refunds; repeated amounts;
     * sometimes more orders than the amount history holds.
     */
    private static List<ShopEvent> randomEvents(Random rng, int n) {
        List<ShopEvent> events = new ArrayList<>();
        long clock = 0;
        String[] devices = {"d1", "d2", "d3", "d4"};
        String[] cards = {"c1", "c2", "c3", "c4", "c5", "c6"};
        String[] countries = {"de", "fr", "us"};
        for (int i = 0; i < n; i++) {
            clock +=
                    rng.nextDouble() < 0.05
                            ? Duration.ofMinutes(20 + rng.nextInt(200)).toMillis()
                            : (long) (-Math.log(1 - rng.nextDouble()) * 40_000);
            double disorder = rng.nextDouble();
            long jitter =
                    disorder < 0.02
                            ? rng.nextInt(300_000)
                            : disorder < 0.2 ? rng.nextInt(45_000) : 0;
            Instant t = TestEvents.T0.plusMillis(clock - jitter);
            String device = devices[rng.nextInt(rng.nextDouble() < 0.8 ? 1 : devices.length)];
            double r = rng.nextDouble();
            ShopEvent e;
            if (r < 0.55) {
                e = TestEvents.click("u", ClickType.PRODUCT_VIEW, "p" + rng.nextInt(15), t, device);
            } else if (r < 0.65) {
                e = TestEvents.click("u", ClickType.ADD_TO_CART, "p" + rng.nextInt(15), t, device);
            } else if (r < 0.77) {
                e =
                        TestEvents.order(
                                "u", "p" + rng.nextInt(15), 100 + rng.nextInt(20_000), t, device);
            } else if (r < 0.91) {
                e =
                        TestEvents.payment(
                                "u",
                                100 + rng.nextInt(20_000),
                                rng.nextDouble() < 0.7,
                                cards[rng.nextInt(cards.length)],
                                countries[rng.nextInt(countries.length)],
                                t);
            } else {
                e =
                        TestEvents.login(
                                "u",
                                rng.nextDouble() < 0.7,
                                countries[rng.nextInt(countries.length)],
                                device,
                                t);
            }
            events.add(e);
        }
        return events;
    }
}
