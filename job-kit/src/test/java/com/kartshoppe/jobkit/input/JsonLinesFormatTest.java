package com.kartshoppe.jobkit.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.events.serde.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link JsonLinesFormat}. */
class JsonLinesFormatTest {

    @TempDir Path tmp;

    @Test
    void goodLinesBecomeEventsAndBadOnesDeadLettersWithTheirLineNumber() throws Exception {
        JsonCodec<LoginEvent> codec = JsonCodec.of(EventType.LOGIN);
        LoginEvent a = SampleEvents.login();
        LoginEvent b = SampleEvents.login();
        b.setEventId("e-5");
        b.setUserId("u-2");
        b.setSuccess(true);
        b.setFailureReason(null);
        Path file = tmp.resolve("shop.logins.jsonl");
        Files.writeString(
                file,
                codec.toJson(a) + "\n#not json\n\n" + codec.toJson(b) + "\n",
                StandardCharsets.UTF_8);

        List<Either<DeadLetter, Sourced<LoginEvent>>> read = new ArrayList<>();
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
        try (StreamFormat.Reader<Either<DeadLetter, Sourced<LoginEvent>>> reader =
                new JsonLinesFormat<>(EventType.LOGIN, "shop.logins", "replay")
                        .createReader(
                                new Configuration(),
                                FileSystem.getLocalFileSystem().open(path),
                                Files.size(file),
                                Files.size(file))) {
            for (Either<DeadLetter, Sourced<LoginEvent>> r = reader.read();
                    r != null;
                    r = reader.read()) {
                read.add(r);
            }
        }

        assertThat(read).hasSize(4);
        assertThat(read.get(0).right()).isEqualTo(Sourced.of(a, -1, 1));
        assertThat(read.get(3).right()).isEqualTo(Sourced.of(b, -1, 4));
        DeadLetter garbage = read.get(1).left();
        assertThat(garbage.getOffset()).isEqualTo(2);
        assertThat(garbage.getPartition()).isEqualTo(-1);
        assertThat(garbage.getSourceTopic()).isEqualTo("shop.logins");
        assertThat(garbage.getReason()).isEqualTo(DecodeException.MALFORMED_JSON);
        assertThat(new String(garbage.getPayload().array(), StandardCharsets.UTF_8))
                .isEqualTo("#not json");
        assertThat(garbage.getJob()).isEqualTo("replay");
        assertThat(read.get(2).left().getOffset()).isEqualTo(3);
        assertThat(read.get(2).left().getReason()).isEqualTo(DecodeException.EMPTY);
    }
}
