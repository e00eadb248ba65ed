package com.kartshoppe.simulator;

import com.kartshoppe.events.EventType;
import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;

/** Where simulated records go: JSON-lines files or Kafka topics. */
public interface EventSink extends Closeable {

    /** Writes one record to its type's topic. */
    <T extends SpecificRecordBase> void write(EventType<T> type, T record) throws IOException;

    /**
     * Writes bytes that are not an encoded record at all to the type's topic.
     *
     * @param key the Kafka key the record would have had
     * @param time the simulated moment it was sent
     */
    void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
            throws IOException;
}
