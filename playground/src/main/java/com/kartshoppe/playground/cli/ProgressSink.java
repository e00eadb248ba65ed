package com.kartshoppe.playground.cli;

import com.kartshoppe.events.EventType;
import com.kartshoppe.playground.progress.Progress;
import com.kartshoppe.simulator.EventSink;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * An {@link EventSink} that counts what it passes on to another, and reports the count and the
 * event time of the newest record to a {@link Progress}. Closing it closes the progress, then the
 * sink.
 */
final class ProgressSink implements EventSink {

    private final EventSink sink;
    private final Progress progress;
    private long records;

    ProgressSink(EventSink sink, Progress progress) {
        this.sink = sink;
        this.progress = progress;
    }

    @Override
    public <T extends SpecificRecordBase> void write(EventType<T> type, T record)
            throws IOException {
        sink.write(type, record);
        progress.update(++records, type.eventTime(record));
    }

    @Override
    public void writeGarbage(EventType<?> type, String key, byte[] payload, Instant time)
            throws IOException {
        sink.writeGarbage(type, key, payload, time);
        progress.update(++records, time);
    }

    @Override
    public void close() throws IOException {
        progress.close();
        sink.close();
    }
}
