package com.kartshoppe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that simulated shoppers react to recommendations according to their latent preferences,
 * which is what makes a good ranking model measurably better than popularity.
 */
class RecommendationReactionTest {

    /** Half an hour of 300 shoppers, without faults. */
    private static final SimulatorConfig SMALL_SHOP =
            SimulatorConfig.builder()
                    .seed(3)
                    .users(300)
                    .duration(Duration.ofMinutes(30))
                    .clean()
                    .build();

    @TempDir Path tmp;

    @Test
    void shoppersClickWhatTheyLikeAndTheClickCarriesTheRecommendation() throws Exception {
        SimulatorConfig config = SMALL_SHOP;
        // A first run reveals what a busy shopper views: their favourite and least-viewed
        // categories.
        SimulatedFiles baseline = SimulatedFiles.run(config, tmp.resolve("baseline"));
        List<ClickEvent> views =
                baseline.records(EventType.CLICK).stream()
                        .filter(c -> c.getType() == ClickType.PRODUCT_VIEW)
                        .toList();
        String user =
                views.stream()
                        .collect(
                                Collectors.groupingBy(ClickEvent::getUserId, Collectors.counting()))
                        .entrySet()
                        .stream()
                        .max(Map.Entry.comparingByValue())
                        .orElseThrow()
                        .getKey();
        Map<String, Long> byCategory =
                views.stream()
                        .filter(c -> c.getUserId().equals(user))
                        .collect(
                                Collectors.groupingBy(
                                        ClickEvent::getCategory, Collectors.counting()));
        String favourite =
                byCategory.entrySet().stream()
                        .max(Map.Entry.comparingByValue())
                        .orElseThrow()
                        .getKey();
        Map<String, String> categoryOf =
                views.stream()
                        .collect(
                                Collectors.toMap(
                                        ClickEvent::getProductId,
                                        ClickEvent::getCategory,
                                        (a, b) -> a));
        List<String> liked = productsIn(categoryOf, Set.of(favourite));
        List<String> other =
                productsIn(
                        categoryOf,
                        categoryOf.values().stream()
                                .filter(c -> !byCategory.containsKey(c))
                                .collect(Collectors.toSet()));
        assertThat(liked).hasSizeGreaterThanOrEqualTo(2);
        assertThat(other).hasSizeGreaterThanOrEqualTo(2);

        // Same seed again, now with 400 two-item recommendations, each in a session of its own (a
        // shopper clicks only a few per session): one liked, one not, alternating which one is
        // shown first so position bias cancels out.
        Simulation simulation = new Simulation(config);
        for (int i = 0; i < 400; i++) {
            String a = liked.get(i % liked.size());
            String b = other.get(i % other.size());
            simulation.offer(
                    reco("r-" + i, user, "rs-" + i, i % 2 == 0 ? List.of(a, b) : List.of(b, a)));
        }
        SimulatedFiles run = SimulatedFiles.run(simulation, tmp.resolve("reco"));

        List<ClickEvent> recoClicks =
                run.records(EventType.CLICK).stream()
                        .filter(c -> c.getType() == ClickType.RECO_CLICK)
                        .toList();
        long likedClicks =
                recoClicks.stream().filter(c -> liked.contains(c.getProductId())).count();
        long otherClicks =
                recoClicks.stream().filter(c -> other.contains(c.getProductId())).count();
        assertThat(run.stats.recommendationsReceived()).isEqualTo(400);
        assertThat(run.stats.recoClicks()).isEqualTo(recoClicks.size());
        assertThat(likedClicks).isGreaterThan(3 * Math.max(otherClicks, 5));
        for (ClickEvent click : recoClicks) {
            assertThat(click.getUserId()).isEqualTo(user);
            assertThat(click.getRecoId()).startsWith("r-");
            int shown = Integer.parseInt(click.getRecoId().substring(2));
            List<String> order =
                    shown % 2 == 0
                            ? List.of(
                                    liked.get(shown % liked.size()),
                                    other.get(shown % other.size()))
                            : List.of(
                                    other.get(shown % other.size()),
                                    liked.get(shown % liked.size()));
            assertThat(order.get(click.getRecoPosition())).isEqualTo(click.getProductId());
        }
    }

    @Test
    void everyAccountThatOrdersMayGetRecommendationsFraudstersIncluded() throws Exception {
        // Card testers' fresh accounts have devices but no cards of their own.
        SimulatorConfig config =
                SimulatorConfig.builder()
                        .seed(5)
                        .users(300)
                        .duration(Duration.ofMinutes(30))
                        .cardTestingPerHour(200)
                        .clean()
                        .build();
        Simulation simulation = new Simulation(config);
        List<String> products = new ArrayList<>();
        AtomicLong offered = new AtomicLong();
        Set<String> recommended = new HashSet<>();
        EventSink recommendAfterEachOrder =
                new EventSink() {
                    @Override
                    public <T extends SpecificRecordBase> void write(EventType<T> type, T record) {
                        if (record instanceof ClickEvent click
                                && click.getProductId() != null
                                && products.size() < 3) {
                            products.add(click.getProductId());
                        }
                        // Once per account: orders from recommendations would otherwise feed
                        // themselves for ever.
                        if (record instanceof OrderEvent order
                                && products.size() == 3
                                && recommended.add(order.getUserId())) {
                            for (int i = 0; i < 10; i++) {
                                simulation.offer(
                                        reco(
                                                order.getOrderId() + "-" + i,
                                                order.getUserId(),
                                                null,
                                                products));
                                offered.incrementAndGet();
                            }
                        }
                    }

                    @Override
                    public void writeGarbage(
                            EventType<?> type, String key, byte[] payload, Instant time) {}

                    @Override
                    public void close() {}
                };

        SimulationStats stats = simulation.run(recommendAfterEachOrder);

        assertThat(stats.fraudOrders()).containsKey(FraudTactic.CARD_TESTING.id());
        assertThat(stats.recommendationsReceived()).isPositive().isLessThanOrEqualTo(offered.get());
        assertThat(stats.recoClicks()).isPositive();
    }

    @Test
    void inOneSessionAShopperClicksAFewRecommendationsAndBuysFromOneAtMost() throws Exception {
        SimulatorConfig config = SMALL_SHOP;
        SimulatedFiles baseline = SimulatedFiles.run(config, tmp.resolve("baseline"));
        String user = baseline.records(EventType.ORDER).get(0).getUserId();
        // The products this shopper viewed: what they like, so clicks and purchases are likely.
        List<String> viewed =
                baseline.records(EventType.CLICK).stream()
                        .filter(c -> c.getUserId().equals(user))
                        .filter(c -> c.getType() == ClickType.PRODUCT_VIEW)
                        .map(ClickEvent::getProductId)
                        .distinct()
                        .toList();
        assertThat(viewed).isNotEmpty();

        // As in the closed loop, where every view earns a recommendation: 20 in each of 100
        // sessions.
        Simulation simulation = new Simulation(config);
        for (int session = 0; session < 100; session++) {
            for (int i = 0; i < 20; i++) {
                simulation.offer(reco("r-" + session + "-" + i, user, "rs-" + session, viewed));
            }
        }
        SimulatedFiles run = SimulatedFiles.run(simulation, tmp.resolve("reco"));

        Map<String, Long> clicksBySession =
                run.records(EventType.CLICK).stream()
                        .filter(c -> c.getType() == ClickType.RECO_CLICK)
                        .collect(
                                Collectors.groupingBy(
                                        ClickEvent::getSessionId, Collectors.counting()));
        Map<String, Long> ordersBySession =
                run.records(EventType.ORDER).stream()
                        .filter(o -> o.getStatus() == OrderStatus.PLACED)
                        .filter(o -> o.getSessionId() != null)
                        .filter(o -> o.getSessionId().startsWith("rs-"))
                        .collect(
                                Collectors.groupingBy(
                                        OrderEvent::getSessionId, Collectors.counting()));
        assertThat(clicksBySession.values())
                .allMatch(n -> n <= Shoppers.MAX_RECO_CLICKS_PER_SESSION)
                .contains((long) Shoppers.MAX_RECO_CLICKS_PER_SESSION);
        assertThat(ordersBySession).isNotEmpty();
        assertThat(ordersBySession.values()).containsOnly(1L);
    }

    @Test
    void theStorefrontsOwnRecommendationsSellButNeverASecondOrderInASession() throws Exception {
        SimulatorConfig config =
                SimulatorConfig.builder()
                        .seed(7)
                        .users(500)
                        .duration(Duration.ofMinutes(60))
                        .storefrontRecommendations(true)
                        .clean()
                        .build();
        SimulatedFiles run = SimulatedFiles.run(config, tmp.resolve("a"));
        SimulatedFiles again = SimulatedFiles.run(config, tmp.resolve("b"));

        assertThat(again.stats.toJson()).isEqualTo(run.stats.toJson());
        Set<String> clickedIn =
                run.records(EventType.CLICK).stream()
                        .filter(c -> c.getType() == ClickType.RECO_CLICK)
                        .map(ClickEvent::getSessionId)
                        .collect(Collectors.toSet());
        assertThat(clickedIn).hasSizeGreaterThan(100);
        Map<String, Long> ordersBySession =
                run.records(EventType.ORDER).stream()
                        .filter(o -> o.getStatus() == OrderStatus.PLACED)
                        .filter(o -> clickedIn.contains(o.getSessionId()))
                        .collect(
                                Collectors.groupingBy(
                                        OrderEvent::getSessionId, Collectors.counting()));
        assertThat(ordersBySession).hasSizeGreaterThan(20);
        assertThat(ordersBySession.values()).containsOnly(1L);
        assertThat(run.stats.recommendationsReceived()).isPositive();
    }

    private static List<String> productsIn(Map<String, String> categoryOf, Set<String> categories) {
        List<String> products = new ArrayList<>();
        categoryOf.forEach(
                (product, category) -> {
                    if (categories.contains(category)) {
                        products.add(product);
                    }
                });
        products.sort(Comparator.naturalOrder());
        return products;
    }

    private static Recommendation reco(
            String recoId, String user, String sessionId, List<String> products) {
        return Recommendation.newBuilder()
                .setRecoId(recoId)
                .setEventTime(SimulatorConfig.DEFAULT_START)
                .setUserId(user)
                .setSessionId(sessionId)
                .setTriggerProductId(null)
                .setItems(
                        products.stream()
                                .map(p -> new RecommendedItem(p, 0.5, 0.5, false))
                                .toList())
                .setModelName("test")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .setCreatedAt(SimulatorConfig.DEFAULT_START)
                .build();
    }
}
