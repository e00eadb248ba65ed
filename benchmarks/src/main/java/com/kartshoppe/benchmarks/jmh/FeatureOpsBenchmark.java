package com.kartshoppe.benchmarks.jmh;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.ClickType;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.OrderStatus;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.user.ActivityState;
import com.kartshoppe.features.user.CommerceState;
import com.kartshoppe.features.user.ShopperFeatures;
import com.kartshoppe.features.window.SlidingBuckets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hottest feature operations, each next to the naive way as its baseline:
 *
 * <ul>
 *   <li>a sliding one-hour count and sum updated and read per event: bucketed ring versus a deque
 *       of the raw events in the window (evict, add, sum);
 *   <li>the fraud_v1 vector and its {@code FeatureSnapshot} on an order, for a shopper with a busy
 *       recent history, next to decoding that order from its Kafka bytes (a cost every order pays
 *       before any feature is computed).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=com.kartshoppe")
public class FeatureOpsBenchmark {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    /** Events one second apart: a busy shopper, 3,600 events in the window. */
    private long t;

    private SlidingBuckets ring;
    private ArrayDeque<long[]> window;
    private double windowSum;

    private ShopperFeatures features;
    private ActivityState activity;
    private CommerceState commerce;
    private ShopEvent order;
    private AvroCodec<OrderEvent> orderCodec;
    private byte[] orderBytes;

    @Setup
    public void setUp() {
        ring = SlidingBuckets.of(Duration.ofHours(1), Duration.ofMinutes(1), 2);
        window = new ArrayDeque<>();
        for (t = 0; t < HOUR; t += 1_000) {
            ring.add(t, 1);
            window.addLast(new long[] {t, 1});
            windowSum += 1;
        }
        features = new ShopperFeatures(Duration.ofMinutes(30), Duration.ofDays(30));
        activity = features.newActivity();
        commerce = features.newCommerce();
        for (int i = 0; i < 600; i++) {
            Instant at = T0.plusSeconds(i * 5L);
            ShopEvent e = history(i, at);
            features.onActivity(activity, e);
            if (ShopperFeatures.touchesCommerce(e)) {
                features.onCommerce(activity, commerce, e);
            }
        }
        order = ShopEvent.of(order(T0.plusSeconds(3_000)));
        orderCodec = AvroCodec.of(EventType.ORDER);
        orderBytes = orderCodec.encode(order.order);
    }

    @Benchmark
    public double slidingRing() {
        t += 1_000;
        ring.add(t, 1);
        return ring.sum(t);
    }

    @Benchmark
    public double slidingDequeBaseline() {
        t += 1_000;
        while (!window.isEmpty() && window.peekFirst()[0] <= t - HOUR) {
            windowSum -= window.pollFirst()[1];
        }
        window.addLast(new long[] {t, 1});
        windowSum += 1;
        return windowSum;
    }

    @Benchmark
    public FeatureSnapshot orderFeatureVector() {
        features.onActivity(activity, order);
        double[] v = features.onCommerce(activity, commerce, order);
        return FeatureSnapshot.newBuilder()
                .setEntityId("u")
                .setFeatureSet(FeatureCatalog.FRAUD_V1.name())
                .setFeatureSetVersion(FeatureCatalog.FRAUD_V1.version())
                .setEventTime(order.order.getEventTime())
                .setValues(FeatureCatalog.FRAUD_V1.toMap(v))
                .build();
    }

    @Benchmark
    public OrderEvent orderDecodeBaseline() throws DecodeException {
        return orderCodec.decode(orderBytes);
    }

    private static ShopEvent history(int i, Instant at) {
        return switch (i % 6) {
            case 0, 1, 2 ->
                    ShopEvent.of(
                            ClickEvent.newBuilder()
                                    .setEventId("e" + i)
                                    .setEventTime(at)
                                    .setUserId("u")
                                    .setSessionId("s")
                                    .setType(ClickType.PRODUCT_VIEW)
                                    .setProductId("p" + (i % 40))
                                    .setDeviceId("d" + (i % 3))
                                    .setIp("ip")
                                    .build());
            case 3 ->
                    ShopEvent.of(
                            PaymentEvent.newBuilder()
                                    .setEventId("e" + i)
                                    .setEventTime(at)
                                    .setPaymentId("pay" + i)
                                    .setOrderId("o" + i)
                                    .setUserId("u")
                                    .setStatus(
                                            i % 4 == 0
                                                    ? PaymentStatus.DECLINED
                                                    : PaymentStatus.APPROVED)
                                    .setCardFingerprint("c" + (i % 5))
                                    .setBinCountry("de")
                                    .setAmountMinor(1_000)
                                    .setCurrency("EUR")
                                    .setDeviceId("d1")
                                    .setIp("ip")
                                    .build());
            default -> ShopEvent.of(order(at));
        };
    }

    private static OrderEvent order(Instant at) {
        return OrderEvent.newBuilder()
                .setEventId("o-" + at.toEpochMilli())
                .setEventTime(at)
                .setOrderId("o-" + at.toEpochMilli())
                .setUserId("u")
                .setAccountCreatedAt(T0.minus(Duration.ofDays(300)))
                .setStatus(OrderStatus.PLACED)
                .setItems(List.of(new OrderItem("p1", "books", 1, 2_500L)))
                .setAmountMinor(2_500)
                .setCurrency("EUR")
                .setShippingCountry("de")
                .setDeviceId("d1")
                .setIp("ip")
                .build();
    }
}
