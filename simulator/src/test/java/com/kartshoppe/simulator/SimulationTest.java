package com.kartshoppe.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.events.serde.JsonCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Simulation}: determinism, fraud ground truth, funnel shape. */
class SimulationTest {

    @TempDir Path tmp;

    private static SimulatorConfig.Builder config() {
        return SimulatorConfig.builder().seed(11).users(1000).duration(Duration.ofMinutes(30));
    }

    @Test
    void theSameSeedGivesByteIdenticalFiles() throws Exception {
        SimulatedFiles a = SimulatedFiles.run(config().build(), tmp.resolve("a"));
        SimulatedFiles b = SimulatedFiles.run(config().build(), tmp.resolve("b"));
        SimulatedFiles c = SimulatedFiles.run(config().seed(12).build(), tmp.resolve("c"));

        for (EventType<?> type : JsonLinesSink.TOPICS) {
            byte[] first = Files.readAllBytes(JsonCodec.file(a.dir, type));
            assertThat(first).as(type.name()).isNotEmpty();
            assertThat(Files.readAllBytes(JsonCodec.file(b.dir, type)))
                    .as(type.name())
                    .isEqualTo(first);
            assertThat(Files.readAllBytes(JsonCodec.file(c.dir, type)))
                    .as(type.name())
                    .isNotEqualTo(first);
        }
        assertThat(a.stats.toJson()).isEqualTo(b.stats.toJson());
    }

    @Test
    void everyTacticIsPresentAndEveryFraudOrderIsLabelled() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(config().labelNoise(0).clean().build(), tmp.resolve("run"));

        Map<String, Long> fraudOrders = run.stats.fraudOrders();
        assertThat(fraudOrders.keySet())
                .containsExactlyInAnyOrder("card-testing", "account-takeover", "promo-abuse");
        Map<String, Long> labelledFraud =
                run.records(EventType.FRAUD_LABEL).stream()
                        .filter(l -> l.getFraudType() != null)
                        .collect(
                                Collectors.groupingBy(
                                        FraudLabel::getFraudType, Collectors.counting()));
        assertThat(labelledFraud).isEqualTo(fraudOrders);

        Set<String> placed =
                run.records(EventType.ORDER).stream()
                        .filter(o -> o.getStatus() == OrderStatus.PLACED)
                        .map(OrderEvent::getOrderId)
                        .collect(Collectors.toSet());
        assertThat(placed).hasSize((int) run.stats.orders());
        for (FraudLabel label : run.records(EventType.FRAUD_LABEL)) {
            assertThat(placed).contains(label.getOrderId());
            assertThat(label.getEventTime()).isAfter(label.getOrderTime());
        }
    }

    @Test
    void fraudShareScalesTheAttacksToThatShareOfOrders() {
        for (long seed : new long[] {11, 12, 13}) {
            SimulatorConfig.Builder config =
                    SimulatorConfig.builder().seed(seed).users(2000).duration(Duration.ofHours(3));
            SimulationStats defaults = new Simulation(config.build()).run(DISCARD);
            SimulationStats scaled = new Simulation(config.fraudShare(0.05).build()).run(DISCARD);

            assertThat(share(defaults)).as("seed %d, default rates", seed).isBetween(0.09, 0.15);
            assertThat(share(scaled)).as("seed %d, fraud share 0.05", seed).isBetween(0.035, 0.065);
            assertThat(scaled.fraudOrders().keySet())
                    .containsExactlyInAnyOrder("card-testing", "account-takeover", "promo-abuse");
        }
        assertThatThrownBy(() -> SimulatorConfig.builder().fraudShare(1.0).build())
                .hasMessage("fraud-share: must be within (0, 1), got 1.0");
        assertThatThrownBy(
                        () ->
                                SimulatorConfig.builder()
                                        .cardTestingPerHour(0)
                                        .accountTakeoverPerHour(0)
                                        .promoAbusePerHour(0)
                                        .fraudShare(0.01)
                                        .build())
                .hasMessage("fraud-share: needs a fraud tactic, got 0.01");
    }

    private static double share(SimulationStats stats) {
        return stats.fraudOrderTotal() / (double) stats.orders();
    }

    /** Counts what the simulation produces, and writes nothing. */
    private static final EventSink DISCARD =
            new EventSink() {
                @Override
                public <T extends SpecificRecordBase> void write(EventType<T> type, T record) {}

                @Override
                public void writeGarbage(
                        EventType<?> type, String key, byte[] payload, Instant time) {}

                @Override
                public void close() {}
            };

    @Test
    void cardTestingLeavesItsTrace() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(config().labelNoise(0).clean().build(), tmp.resolve("run"));
        Set<String> tested =
                run.records(EventType.FRAUD_LABEL).stream()
                        .filter(l -> "card-testing".equals(l.getFraudType()))
                        .map(FraudLabel::getUserId)
                        .collect(Collectors.toSet());
        Map<String, List<PaymentEvent>> payments =
                run.records(EventType.PAYMENT).stream()
                        .filter(p -> tested.contains(p.getUserId()))
                        .collect(Collectors.groupingBy(PaymentEvent::getUserId));

        assertThat(payments).hasSameSizeAs(tested);
        for (List<PaymentEvent> attempts : payments.values()) {
            long declines =
                    attempts.stream().filter(p -> p.getStatus() == PaymentStatus.DECLINED).count();
            long cards = attempts.stream().map(PaymentEvent::getCardFingerprint).distinct().count();
            PaymentEvent last = attempts.get(attempts.size() - 1);
            assertThat(declines).isGreaterThanOrEqualTo(2);
            assertThat(cards).isGreaterThanOrEqualTo(2);
            assertThat(last.getStatus()).isEqualTo(PaymentStatus.APPROVED);
            assertThat(last.getAmountMinor())
                    .isGreaterThan(
                            attempts.stream()
                                    .limit(attempts.size() - 1)
                                    .mapToLong(PaymentEvent::getAmountMinor)
                                    .max()
                                    .orElseThrow());
        }
    }

    @Test
    void accountTakeoverFailsLoginsThenSucceedsFromANewDeviceAbroad() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(config().labelNoise(0).clean().build(), tmp.resolve("run"));
        List<FraudLabel> ato =
                run.records(EventType.FRAUD_LABEL).stream()
                        .filter(l -> "account-takeover".equals(l.getFraudType()))
                        .toList();
        Map<String, OrderEvent> orders =
                run.records(EventType.ORDER).stream()
                        .filter(o -> o.getStatus() == OrderStatus.PLACED)
                        .collect(Collectors.toMap(OrderEvent::getOrderId, Function.identity()));
        List<LoginEvent> logins = run.records(EventType.LOGIN);

        assertThat(ato).isNotEmpty();
        for (FraudLabel label : ato) {
            OrderEvent order = orders.get(label.getOrderId());
            List<LoginEvent> fromAttacker =
                    logins.stream()
                            .filter(l -> l.getDeviceId().equals(order.getDeviceId()))
                            .toList();
            assertThat(fromAttacker.stream().filter(l -> !l.getSuccess()).count())
                    .isGreaterThanOrEqualTo(3);
            LoginEvent success = fromAttacker.get(fromAttacker.size() - 1);
            assertThat(success.getSuccess()).isTrue();
            assertThat(Duration.between(success.getEventTime(), order.getEventTime()))
                    .isLessThan(Duration.ofMinutes(15));
            assertThat(success.getCountry()).isEqualTo(order.getShippingCountry());
            // The victim shopped before from other devices, not this one.
            assertThat(
                            logins.stream()
                                    .filter(l -> l.getUserId().equals(order.getUserId()))
                                    .filter(
                                            l ->
                                                    l.getEventTime()
                                                            .isBefore(
                                                                    fromAttacker
                                                                            .get(0)
                                                                            .getEventTime()))
                                    .map(LoginEvent::getDeviceId))
                    .doesNotContain(order.getDeviceId());
        }
    }

    @Test
    void promoAbuseSharesOneDeviceAcrossFreshAccounts() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(config().labelNoise(0).clean().build(), tmp.resolve("run"));
        Set<String> abusedOrders =
                run.records(EventType.FRAUD_LABEL).stream()
                        .filter(l -> "promo-abuse".equals(l.getFraudType()))
                        .map(FraudLabel::getOrderId)
                        .collect(Collectors.toSet());
        Map<String, Set<String>> accountsByDevice = new HashMap<>();
        for (OrderEvent o : run.records(EventType.ORDER)) {
            if (abusedOrders.contains(o.getOrderId())) {
                assertThat(o.getCampaignId()).isEqualTo("cmp-welcome10");
                accountsByDevice
                        .computeIfAbsent(o.getDeviceId(), d -> new HashSet<>())
                        .add(o.getUserId());
            }
        }
        assertThat(accountsByDevice).isNotEmpty();
        assertThat(accountsByDevice.values()).allMatch(accounts -> accounts.size() >= 5);
    }

    @Test
    void driftStartsANewTacticOnlyAfterTheDriftTime() throws Exception {
        SimulatorConfig drifting =
                config().labelNoise(0).clean().driftAt(Duration.ofMinutes(15)).build();
        SimulatedFiles run = SimulatedFiles.run(drifting, tmp.resolve("run"));

        List<FraudLabel> cashout =
                run.records(EventType.FRAUD_LABEL).stream()
                        .filter(l -> "gift-card-cashout".equals(l.getFraudType()))
                        .toList();
        assertThat(cashout).isNotEmpty();
        assertThat(cashout).allMatch(l -> !l.getOrderTime().isBefore(drifting.driftStart()));
        assertThat(run.stats.fraudOrders().get("gift-card-cashout")).isEqualTo(cashout.size());
    }

    @Test
    void bogusAccountsAreFreshAndMostCustomersAreNot() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(config().labelNoise(0).clean().build(), tmp.resolve("run"));
        Map<String, String> tacticOf =
                run.records(EventType.FRAUD_LABEL).stream()
                        .filter(l -> l.getFraudType() != null)
                        .collect(
                                Collectors.toMap(FraudLabel::getOrderId, FraudLabel::getFraudType));

        long customerOrders = 0;
        long newcomerOrders = 0;
        for (OrderEvent order : run.records(EventType.ORDER)) {
            if (order.getStatus() != OrderStatus.PLACED) {
                continue;
            }
            Duration age = Duration.between(order.getAccountCreatedAt(), order.getEventTime());
            String tactic = tacticOf.get(order.getOrderId());
            assertThat(age).as("account age").isPositive();
            if ("card-testing".equals(tactic) || "promo-abuse".equals(tactic)) {
                assertThat(age).as(tactic).isLessThan(Duration.ofHours(3));
            } else if (tactic != null) {
                assertThat(age).as(tactic).isGreaterThan(Duration.ofDays(1));
            } else {
                customerOrders++;
                if (age.compareTo(Duration.ofDays(1)) < 0) {
                    newcomerOrders++;
                }
            }
        }
        // Newly registered customers exist too, so a young account alone does not mean fraud.
        assertThat(newcomerOrders).isPositive();
        assertThat((double) newcomerOrders / customerOrders).isLessThan(0.15);
    }

    @Test
    void shoppersViewMostlyTheirPreferredCategories() throws Exception {
        SimulatedFiles run = SimulatedFiles.run(config().clean().build(), tmp.resolve("run"));
        Map<String, Map<String, Long>> viewsByUser =
                run.records(EventType.CLICK).stream()
                        .filter(c -> c.getType() == ClickType.PRODUCT_VIEW)
                        .collect(
                                Collectors.groupingBy(
                                        ClickEvent::getUserId,
                                        Collectors.groupingBy(
                                                ClickEvent::getCategory, Collectors.counting())));
        long users = 0;
        double topThreeShare = 0;
        for (Map<String, Long> byCategory : viewsByUser.values()) {
            long total = byCategory.values().stream().mapToLong(Long::longValue).sum();
            if (total < 15) {
                continue;
            }
            long top3 =
                    byCategory.values().stream()
                            .sorted((x, y) -> Long.compare(y, x))
                            .limit(3)
                            .mapToLong(Long::longValue)
                            .sum();
            topThreeShare += (double) top3 / total;
            users++;
        }
        assertThat(users).isGreaterThan(20);
        // Preferences put 3 favourites at ~69% of mass (+10% uniform browsing): a uniform
        // shopper would show 3/12 = 25% plus sampling noise.
        assertThat(topThreeShare / users).isGreaterThan(0.6);
    }

    @Test
    void ordersAndPaymentsFollowTheFunnel() throws Exception {
        SimulatedFiles run = SimulatedFiles.run(config().clean().build(), tmp.resolve("run"));
        List<OrderEvent> placed =
                run.records(EventType.ORDER).stream()
                        .filter(o -> o.getStatus() == OrderStatus.PLACED)
                        .toList();
        Map<String, List<PaymentEvent>> paymentsByOrder =
                run.records(EventType.PAYMENT).stream()
                        .collect(Collectors.groupingBy(PaymentEvent::getOrderId));

        assertThat(placed.size()).isGreaterThan(100);
        for (OrderEvent order : placed) {
            assertThat(order.getAmountMinor())
                    .isEqualTo(
                            order.getItems().stream()
                                    .mapToLong(i -> i.getUnitPriceMinor() * i.getQuantity())
                                    .sum());
            List<PaymentEvent> payments = paymentsByOrder.get(order.getOrderId());
            assertThat(payments).as(order.getOrderId()).isNotEmpty();
            assertThat(payments)
                    .allMatch(p -> !p.getEventTime().isBefore(order.getEventTime()))
                    .allMatch(p -> p.getCurrency().equals(order.getCurrency()));
        }
        long declined =
                paymentsByOrder.values().stream()
                        .flatMap(List::stream)
                        .filter(p -> p.getStatus() == PaymentStatus.DECLINED)
                        .count();
        assertThat(declined).isPositive();
        assertThat(run.records(EventType.CLICK).stream().map(ClickEvent::getType).distinct())
                .contains(
                        ClickType.PAGE_VIEW,
                        ClickType.PRODUCT_VIEW,
                        ClickType.SEARCH,
                        ClickType.ADD_TO_CART,
                        ClickType.REMOVE_FROM_CART);
        assertThat(run.records(EventType.FRAUD_LABEL).stream().map(FraudLabel::getLabel).distinct())
                .contains(FraudLabelType.CHARGEBACK, FraudLabelType.CLEARED);
    }

    @Test
    void eventTimesStartAtTheConfiguredInstant() throws Exception {
        Instant start = Instant.parse("2025-06-01T12:00:00Z");
        SimulatedFiles run =
                SimulatedFiles.run(config().start(start).clean().build(), tmp.resolve("run"));
        List<ClickEvent> clicks = run.records(EventType.CLICK);

        assertThat(clicks.get(0).getEventTime()).isAfterOrEqualTo(start);
        for (int i = 1; i < clicks.size(); i++) {
            assertThat(clicks.get(i).getEventTime())
                    .as("without faults, files are in event-time order")
                    .isAfterOrEqualTo(clicks.get(i - 1).getEventTime());
        }
    }
}
