package com.kartshoppe.jobkit.input;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.DeadLetterRecords;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.types.Either;

/**
 * Reads a JSON-lines file of one event type (the simulator's and the backtests' format) for Flink's
 * {@code FileSource}, with the same contract as the Kafka deserializer: a line that parses becomes
 * {@code Right(event)}, any other a {@code Left(DeadLetter)} carrying the raw line, the topic the
 * file stands for, partition -1 and the 1-based line number as offset.
 *
 * <p>Not splittable: each file is read whole by one reader, which keeps line numbers exact even
 * after a restore from a checkpoint (the reader replays and skips the lines already emitted).
 */
public final class JsonLinesFormat<T extends SpecificRecordBase>
        extends SimpleStreamFormat<Either<DeadLetter, Sourced<T>>> {

    private static final long serialVersionUID = 1L;

    private final EventType<T> type;
    private final String topic;
    private final String job;

    /**
     * @param topic the topic name the file's records belong to, recorded in dead letters
     * @param job name of the reading job, recorded in dead letters
     */
    public JsonLinesFormat(EventType<T> type, String topic, String job) {
        this.type = type;
        this.topic = topic;
        this.job = job;
    }

    @Override
    public StreamFormat.Reader<Either<DeadLetter, Sourced<T>>> createReader(
            Configuration config, FSDataInputStream stream) {
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        JsonCodec<T> codec = JsonCodec.of(type);
        return new StreamFormat.Reader<>() {
            private long lineNumber;

            @Override
            public Either<DeadLetter, Sourced<T>> read() throws IOException {
                String line = lines.readLine();
                if (line == null) {
                    return null;
                }
                lineNumber++;
                try {
                    return Either.Right(Sourced.of(codec.fromJson(line), -1, lineNumber));
                } catch (DecodeException e) {
                    return Either.Left(
                            DeadLetterRecords.of(
                                    topic,
                                    -1,
                                    lineNumber,
                                    null,
                                    line.getBytes(StandardCharsets.UTF_8),
                                    line.isBlank() ? DecodeException.EMPTY : e.reason(),
                                    e.getMessage(),
                                    null,
                                    job));
                }
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<Either<DeadLetter, Sourced<T>>> getProducedType() {
        return Sourced.decodedType(type);
    }
}
