package com.kartshoppe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.OrderEvent;
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

    @TempDir Path tmp;

    @Test
    void shoppersClickWhatTheyLikeAndTheClickCarriesTheRecommendation() throws Exception {
        SimulatorConfig config =
                SimulatorConfig.builder()
                        .seed(3)
                        .users(300)
                        .duration(Duration.ofMinutes(30))
                        .clean()
                        .build();
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

        // Same seed again, now with 400 two-item recommendations: one liked, one not, alternating
        // which one is shown first so position bias cancels out.
        Simulation simulation = new Simulation(config);
        for (int i = 0; i < 400; i++) {
            String a = liked.get(i % liked.size());
            String b = other.get(i % other.size());
            simulation.offer(reco("r-" + i, user, i % 2 == 0 ? List.of(a, b) : List.of(b, a)));
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

    private static Recommendation reco(String recoId, String user, List<String> products) {
        return Recommendation.newBuilder()
                .setRecoId(recoId)
                .setEventTime(SimulatorConfig.DEFAULT_START)
                .setUserId(user)
                .setSessionId(null)
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
