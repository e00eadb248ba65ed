package com.kartshoppe.fraud.patterns;

import com.kartshoppe.events.PaymentStatus;
import com.kartshoppe.features.ingest.ShopEvent;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by shopper: the {@link FraudPattern#ACCOUNT_TAKEOVER} pattern's input, the shopper's
 * logins, each marked with whether its device is known to the account ({@link
 * PatternEvent#knownDevice}): the account used it, with a successful login, a placed order or an
 * approved payment, before the login and within {@code cep.account-takeover.known-device-for}.
 * Failed logins from a known device are the owner's typos, not someone guessing.
 *
 * <p>State: per device, when the account first and last used it, at most {@value #MAX_DEVICES}
 * devices (the least recently used is forgotten first). A device is forgotten once the watermark
 * passes its last use plus the retention; cleanup runs on one event-time timer per shopper and day
 * (a use registers the timer at the end of the day its retention ends), so a device may be kept up
 * to a day longer than the retention.
 */
public final class AccountDevices extends KeyedProcessFunction<String, ShopEvent, PatternEvent> {

    private static final long serialVersionUID = 1L;

    /** Devices remembered per account at most. */
    static final int MAX_DEVICES = 16;

    private static final long DAY = 24 * 60 * 60 * 1000L;

    private final long retentionMillis;

    /** Device id to (first use, last use), event time in epoch milliseconds. */
    private transient MapState<String, Tuple2<Long, Long>> devices;

    /**
     * @param retentionMillis how long after its last use a device stays known
     */
    public AccountDevices(long retentionMillis) {
        if (retentionMillis <= 0) {
            throw new IllegalArgumentException(
                    "retention must be positive, got " + retentionMillis + " ms");
        }
        this.retentionMillis = retentionMillis;
    }

    /** The events this function reads: logins, and the uses that make a device known. */
    public static boolean relevant(ShopEvent e) {
        return e.login != null || uses(e);
    }

    @Override
    public void open(OpenContext openContext) {
        devices =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "account-devices",
                                        Types.STRING,
                                        Types.TUPLE(Types.LONG, Types.LONG)));
    }

    @Override
    public void processElement(ShopEvent e, Context ctx, Collector<PatternEvent> out)
            throws Exception {
        long t = e.eventTime();
        String device = e.deviceId();
        if (e.login != null) {
            PatternEvent login = PatternEvent.of(e);
            login.knownDevice = known(devices.get(device), t);
            out.collect(login);
        }
        if (uses(e) && device != null) {
            use(device, t, ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PatternEvent> out)
            throws Exception {
        Iterator<Map.Entry<String, Tuple2<Long, Long>>> entries = devices.iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue().f1 + retentionMillis <= timestamp) {
                entries.remove();
            }
        }
        if (devices.isEmpty()) {
            devices.clear(); // removing each entry may leave an empty map behind
        }
    }

    /** Used before {@code t}, and not so long before that it was forgotten. */
    private boolean known(Tuple2<Long, Long> use, long t) {
        return use != null && use.f0 < t && t < use.f1 + retentionMillis;
    }

    private void use(String device, long t, Context ctx) throws Exception {
        Tuple2<Long, Long> use = devices.get(device);
        if (use == null) {
            forgetLeastRecentIfFull();
            use = Tuple2.of(t, t);
        } else if (t >= use.f0 && t <= use.f1) {
            return;
        } else {
            use = Tuple2.of(Math.min(use.f0, t), Math.max(use.f1, t));
        }
        devices.put(device, use);
        long expiry = use.f1 + retentionMillis;
        ctx.timerService().registerEventTimeTimer(expiry - Math.floorMod(expiry, DAY) + DAY - 1);
    }

    private void forgetLeastRecentIfFull() throws Exception {
        int count = 0;
        String oldest = null;
        long oldestUse = Long.MAX_VALUE;
        for (Map.Entry<String, Tuple2<Long, Long>> entry : devices.entries()) {
            count++;
            if (entry.getValue().f1 < oldestUse) {
                oldestUse = entry.getValue().f1;
                oldest = entry.getKey();
            }
        }
        if (count >= MAX_DEVICES) {
            devices.remove(oldest);
        }
    }

    /** A successful login, a placed order or an approved payment: the account used the device. */
    private static boolean uses(ShopEvent e) {
        return (e.login != null && e.login.getSuccess())
                || e.isPlacedOrder()
                || (e.payment != null && e.payment.getStatus() == PaymentStatus.APPROVED);
    }
}
