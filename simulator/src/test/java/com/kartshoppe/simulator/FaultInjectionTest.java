package com.kartshoppe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.PaymentEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for the data-quality faults the {@link Emitter} injects. */
class FaultInjectionTest {

    private static final List<EventType<?>> INPUTS =
            List.of(EventType.CLICK, EventType.ORDER, EventType.PAYMENT, EventType.LOGIN);

    @TempDir Path tmp;

    private static SimulatorConfig.Builder config() {
        return SimulatorConfig.builder().seed(5).users(1000).duration(Duration.ofMinutes(30));
    }

    @Test
    void faultsAddRecordsButNeverChangeTheRealTraffic() throws Exception {
        SimulatedFiles clean = SimulatedFiles.run(config().clean().build(), tmp.resolve("clean"));
        SimulatedFiles faulty =
                SimulatedFiles.run(
                        config().duplicateRate(0.05)
                                .outOfOrderRate(0.05)
                                .malformedRate(0.05)
                                .build(),
                        tmp.resolve("faulty"));

        for (EventType<?> type : INPUTS) {
            Map<String, String> real = byEventId(clean, type);
            Map<String, String> survivors = byEventId(faulty, type);
            survivors.keySet().removeIf(id -> id.contains("-x"));
            assertThat(survivors).as(type.name()).isEqualTo(real);
        }
        assertThat(faulty.stats.records()).isEqualTo(clean.stats.records());
    }

    private static Map<String, String> byEventId(SimulatedFiles run, EventType<?> type)
            throws Exception {
        Map<String, String> byId = new HashMap<>();
        for (SpecificRecordBase r : run.records(type)) {
            byId.put((String) r.get("eventId"), r.toString());
        }
        return byId;
    }

    @Test
    void duplicatesAreExactCopiesAtTheConfiguredRate() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(
                        config().clean().duplicateRate(0.03).build(), tmp.resolve("dups"));
        long records = 0;
        long duplicates = 0;
        for (EventType<?> type : INPUTS) {
            List<String> lines = run.lines(type);
            records += run.stats.records(Emitter.topic(type));
            duplicates += lines.size() - lines.stream().distinct().count();
            assertThat(lines.size() - lines.stream().distinct().count())
                    .as(type.name())
                    .isEqualTo(run.stats.duplicates().getOrDefault(Emitter.topic(type), 0L));
        }
        double rate = (double) duplicates / records;
        double sigma = Math.sqrt(0.03 * 0.97 / records);
        assertThat(rate).isBetween(0.03 - 5 * sigma, 0.03 + 5 * sigma);
    }

    @Test
    void delayedEventsAppearOutOfOrderAndSomeBeyondTheWatermark() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(
                        config().clean()
                                .outOfOrderRate(0.05)
                                .maxDelay(Duration.ofSeconds(20))
                                .build(),
                        tmp.resolve("ooo"));
        List<ClickEvent> clicks = run.records(EventType.CLICK);
        long inversions = 0;
        long maxLagMillis = 0;
        Instant newest = Instant.MIN;
        for (ClickEvent c : clicks) {
            if (c.getEventTime().isBefore(newest)) {
                inversions++;
                maxLagMillis =
                        Math.max(
                                maxLagMillis,
                                Duration.between(c.getEventTime(), newest).toMillis());
            } else {
                newest = c.getEventTime();
            }
        }
        assertThat(inversions).isPositive();
        assertThat(maxLagMillis).isGreaterThan(5_000).isLessThanOrEqualTo(20_000);
        assertThat(run.stats.delayedOver5s().get("shop.clicks")).isPositive();
    }

    @Test
    void everyMalformedKindIsInjectedAndRecognisable() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(config().clean().malformedRate(0.1).build(), tmp.resolve("bad"));
        SimulationStats stats = run.stats;

        long garbage = 0;
        long blank = 0;
        long negative = 0;
        long future = 0;
        Instant farFuture = Instant.parse("2026-01-02T00:00:00Z");
        for (EventType<?> type : INPUTS) {
            garbage += run.garbageLines(type);
            for (SpecificRecordBase r : run.records(type)) {
                if (hasBlankRequiredField(r)) {
                    blank++;
                }
                if (r.getSchema().getField("amountMinor") != null
                        && (Long) r.get("amountMinor") < 0) {
                    negative++;
                }
                if (((Instant) r.get("eventTime")).isAfter(farFuture)) {
                    future++;
                }
            }
        }
        assertThat(garbage).isEqualTo(stats.malformed(MalformedKind.GARBAGE)).isPositive();
        assertThat(blank).isEqualTo(stats.malformed(MalformedKind.MISSING_FIELD)).isPositive();
        assertThat(negative).isEqualTo(stats.malformed(MalformedKind.NEGATIVE_AMOUNT)).isPositive();
        assertThat(future).isEqualTo(stats.malformed(MalformedKind.FUTURE_TIMESTAMP)).isPositive();
    }

    @Test
    void onlyTheConfiguredKindsAreInjected() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(
                        config().clean()
                                .malformedRate(0.02)
                                .malformedKinds(Set.of(MalformedKind.NEGATIVE_AMOUNT))
                                .build(),
                        tmp.resolve("neg"));

        assertThat(run.stats.malformed().keySet())
                .isNotEmpty()
                .allMatch(
                        k ->
                                k.equals("negative-amount@shop.orders")
                                        || k.equals("negative-amount@shop.payments"));
        for (EventType<?> type : INPUTS) {
            assertThat(run.garbageLines(type)).isZero();
        }
    }

    private static boolean hasBlankRequiredField(SpecificRecordBase r) {
        Set<String> fields =
                r instanceof ClickEvent
                        ? Set.of("userId", "sessionId", "deviceId")
                        : r instanceof OrderEvent
                                ? Set.of("orderId", "userId", "currency")
                                : r instanceof PaymentEvent
                                        ? Set.of("orderId", "userId", "cardFingerprint")
                                        : Set.of("userId", "deviceId");
        assertThat(r)
                .isInstanceOfAny(
                        ClickEvent.class, OrderEvent.class, PaymentEvent.class, LoginEvent.class);
        return fields.stream().map(r::get).anyMatch(v -> "".equals(v));
    }

    @Test
    void faultIdsNeverCollideWithRealOnes() throws Exception {
        SimulatedFiles run =
                SimulatedFiles.run(
                        config().clean().malformedRate(0.05).build(), tmp.resolve("ids"));
        for (EventType<?> type : INPUTS) {
            Map<String, Long> counts =
                    run.records(type).stream()
                            .map(r -> (String) r.get("eventId"))
                            .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            assertThat(counts.values()).as(type.name()).allMatch(n -> n == 1);
        }
    }
}
