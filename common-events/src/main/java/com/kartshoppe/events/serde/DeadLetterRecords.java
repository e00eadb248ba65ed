package com.kartshoppe.events.serde;

import com.kartshoppe.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Builds the {@link DeadLetter} records of {@code dlq.events}: what every component that rejects a
 * record writes, Flink job or not.
 *
 * <pre>{@code
 * DeadLetter letter = DeadLetterRecords.of("features.user", 0, 42L, key, bytes,
 *         "decode.bad-header", "not Avro single-object encoded", recordTime, "feature-store");
 * }</pre>
 */
public final class DeadLetterRecords {

    private DeadLetterRecords() {}

    /** Builds a dead letter for a record that came from Kafka or a file. */
    public static DeadLetter of(
            String sourceTopic,
            int partition,
            long offset,
            byte[] key,
            byte[] payload,
            String reason,
            String detail,
            Instant recordTime,
            String job) {
        return DeadLetter.newBuilder()
                .setSourceTopic(sourceTopic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(ByteBuffer.wrap(payload == null ? new byte[0] : payload))
                .setReason(reason)
                .setDetail(detail)
                .setRecordTime(recordTime)
                .setDetectedAt(Instant.now())
                .setJob(job)
                .build();
    }
}
