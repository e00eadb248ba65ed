package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Schedules records for emission at their event time and injects the configured data-quality faults
 * into the shop's input topics: delays (out-of-order), duplicates (the same record again) and
 * malformed extra records. Real events are never altered or dropped, so every fault is an addition
 * a pipeline must cope with. Fault decisions draw from their own random stream, so the traffic
 * itself is identical with and without faults.
 */
final class Emitter {

    /** Required fields that a missing-field fault blanks, per input type. */
    private static final Map<EventType<?>, List<String>> REQUIRED_IDS =
            Map.of(
                    EventType.CLICK, List.of("userId", "sessionId", "deviceId"),
                    EventType.ORDER, List.of("orderId", "userId", "currency"),
                    EventType.PAYMENT, List.of("orderId", "userId", "cardFingerprint"),
                    EventType.LOGIN, List.of("userId", "deviceId"));

    private final SimulatorConfig config;
    private final Agenda agenda;
    private final Random faults;
    private final Ids ids;
    private final SimulationStats stats;
    private final List<MalformedKind> kinds;
    private EventSink sink;
    private Pacer pacer;

    Emitter(SimulatorConfig config, Agenda agenda, Ids ids, SimulationStats stats) {
        this.config = config;
        this.agenda = agenda;
        this.faults = new Random(config.seed() * 31 + 17);
        this.ids = ids;
        this.stats = stats;
        this.kinds = new ArrayList<>(config.malformedKinds());
        kinds.sort(null);
    }

    void attach(EventSink sink, Pacer pacer) {
        this.sink = sink;
        this.pacer = pacer;
    }

    /** Schedules a record; input types may also be delayed, duplicated or joined by a bad one. */
    <T extends SpecificRecordBase> void emit(EventType<T> type, T record) {
        long eventTime = type.eventTime(record).toEpochMilli();
        if (!REQUIRED_IDS.containsKey(type)) {
            agenda.at(eventTime, () -> write(type, record, true, eventTime));
            return;
        }
        long delay = 0;
        if (Sampling.chance(config.outOfOrderRate(), faults)) {
            delay = Sampling.between(Duration.ofSeconds(1), config.maxDelay(), faults).toMillis();
            stats.delayed(topic(type), delay);
        }
        long sendAt = eventTime + delay;
        agenda.at(sendAt, () -> write(type, record, true, sendAt));
        if (Sampling.chance(config.duplicateRate(), faults)) {
            long again = sendAt + Sampling.between(0, config.maxDelay().toMillis(), faults);
            agenda.at(again, () -> write(type, record, false, again));
            stats.duplicate(topic(type));
        }
        if (Sampling.chance(config.malformedRate(), faults)) {
            injectMalformed(type, record, sendAt);
        }
    }

    private <T extends SpecificRecordBase> void injectMalformed(
            EventType<T> type, T record, long sendAt) {
        List<MalformedKind> applicable =
                kinds.stream()
                        .filter(
                                k ->
                                        k != MalformedKind.NEGATIVE_AMOUNT
                                                || record.getSchema().getField("amountMinor")
                                                        != null)
                        .toList();
        if (applicable.isEmpty()) {
            return;
        }
        MalformedKind kind = applicable.get(faults.nextInt(applicable.size()));
        stats.malformed(kind, topic(type));
        if (kind == MalformedKind.GARBAGE) {
            byte[] garbage = garbage();
            String key = type.key(record);
            agenda.at(sendAt, () -> writeGarbage(type, key, garbage, sendAt));
            return;
        }
        T bad = SpecificData.get().deepCopy(record.getSchema(), record);
        bad.put("eventId", ids.nextFault());
        switch (kind) {
            case MISSING_FIELD -> {
                List<String> fields = REQUIRED_IDS.get(type);
                bad.put(fields.get(faults.nextInt(fields.size())), "");
            }
            case NEGATIVE_AMOUNT -> bad.put("amountMinor", -(Long) record.get("amountMinor") - 1);
            case FUTURE_TIMESTAMP ->
                    // A producer writing microseconds where milliseconds belong.
                    bad.put(
                            "eventTime",
                            Instant.ofEpochMilli(type.eventTime(record).toEpochMilli() * 1000));
            default -> throw new IllegalStateException(kind.name());
        }
        agenda.at(sendAt, () -> write(type, bad, false, sendAt));
    }

    /** Printable ASCII that never starts like JSON or like Avro single-object encoding. */
    private byte[] garbage() {
        byte[] bytes = new byte[Sampling.between(8, 64, faults)];
        bytes[0] = '#';
        for (int i = 1; i < bytes.length; i++) {
            bytes[i] = (byte) Sampling.between(0x21, 0x7e, faults);
        }
        return bytes;
    }

    private <T extends SpecificRecordBase> void write(
            EventType<T> type, T record, boolean count, long sendAt) {
        if (!pacer.await(sendAt)) {
            return;
        }
        try {
            sink.write(type, record);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + type + " record", e);
        }
        if (count) {
            stats.record(topic(type));
        }
    }

    private void writeGarbage(EventType<?> type, String key, byte[] garbage, long sendAt) {
        if (!pacer.await(sendAt)) {
            return;
        }
        try {
            sink.writeGarbage(type, key, garbage, Instant.ofEpochMilli(sendAt));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to " + type + "'s topic", e);
        }
    }

    static String topic(EventType<?> type) {
        return type.topic().defaultValue();
    }
}
