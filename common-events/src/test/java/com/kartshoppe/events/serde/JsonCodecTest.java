package com.kartshoppe.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link JsonCodec}. */
class JsonCodecTest {

    @Test
    void everyTypeRoundTripsOnOneLine() throws Exception {
        for (int i = 0; i < EventType.ALL.size(); i++) {
            assertRoundTrip(EventType.ALL.get(i), SampleEvents.all().get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> void assertRoundTrip(
            EventType<T> type, Object sample) throws DecodeException {
        JsonCodec<T> codec = JsonCodec.of(type);
        T record = (T) sample;

        String line = codec.toJson(record);
        String again = codec.toJson(record);

        assertThat(line).doesNotContain("\n").startsWith("{").endsWith("}").isEqualTo(again);
        assertThat(codec.fromJson(line)).as(type.name()).isEqualTo(record);
    }

    @Test
    void filesRoundTripAndABadLineIsNamedByFileAndNumber(@TempDir Path dir) throws Exception {
        JsonCodec<LoginEvent> codec = JsonCodec.of(EventType.LOGIN);
        LoginEvent a = SampleEvents.login();
        LoginEvent b = LoginEvent.newBuilder(a).setEventId("ev-2").build();
        Path file = dir.resolve("shop.logins.jsonl");
        codec.writeFile(file, List.of(a, b));
        assertThat(codec.readFile(file)).containsExactly(a, b);
        List<LoginEvent> streamed = new ArrayList<>();
        assertThat(codec.readFile(file, streamed::add)).isEqualTo(2);
        assertThat(streamed).containsExactly(a, b);

        Files.writeString(file, codec.toJson(a) + "\n\n{\"eventId\": 3}\n");
        assertThatThrownBy(() -> codec.readFile(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " line 3: ");
    }

    @Test
    void timestampsAreEpochMillis() {
        String line = JsonCodec.of(EventType.LOGIN).toJson(SampleEvents.login());
        assertThat(line)
                .contains("\"eventTime\":" + SampleEvents.T0.toEpochMilli())
                .contains("\"failureReason\":{\"string\":\"bad_password\"}");
    }

    @Test
    void aMissingFieldIsNamed() {
        String line = JsonCodec.of(EventType.LOGIN).toJson(SampleEvents.login());
        String withoutUser = line.replace("\"userId\":\"u-1\",", "");

        assertThatThrownBy(() -> JsonCodec.of(EventType.LOGIN).fromJson(withoutUser))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(DecodeException.MALFORMED_JSON);
                            assertThat(e.getMessage()).contains("userId");
                        });
    }

    @Test
    void aLineWrittenWithClickEventV1IsStillReadable() throws Exception {
        Schema v1 = SchemaHistory.versions(EventType.CLICK).get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(v1, out);
        new GenericDatumWriter<GenericRecord>(v1)
                .write(AvroCodecTest.asV1(SampleEvents.click()), encoder);
        encoder.flush();
        String v1Line = out.toString(StandardCharsets.UTF_8);
        assertThat(v1Line).doesNotContain("recoPosition");

        ClickEvent click = JsonCodec.of(EventType.CLICK).fromJson(v1Line);

        assertThat(click)
                .isEqualTo(
                        ClickEvent.newBuilder(SampleEvents.click()).setRecoPosition(null).build());
    }

    @Test
    void aLineWrittenWithFraudDecisionV1IsStillReadable() throws Exception {
        Schema v1 = SchemaHistory.versions(EventType.FRAUD_DECISION).get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(v1, out);
        new GenericDatumWriter<GenericRecord>(v1)
                .write(AvroCodecTest.asV1(SampleEvents.fraudDecision()), encoder);
        encoder.flush();
        String v1Line = out.toString(StandardCharsets.UTF_8);
        assertThat(v1Line).doesNotContain("contributions");

        FraudDecision decision = JsonCodec.of(EventType.FRAUD_DECISION).fromJson(v1Line);

        assertThat(decision)
                .isEqualTo(AvroCodecTest.withoutContributions(SampleEvents.fraudDecision()));
    }

    @Test
    void aNonJsonLineIsRejected() {
        assertThatThrownBy(() -> JsonCodec.of(EventType.CLICK).fromJson("#%&garbage"))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeException.MALFORMED_JSON));
    }

    @Test
    void aCodecKeepsWorkingAfterABadLine() throws Exception {
        JsonCodec<ClickEvent> codec = JsonCodec.of(EventType.CLICK);
        String good = codec.toJson(SampleEvents.click());
        assertThatThrownBy(() -> codec.fromJson("{\"eventId\":"))
                .isInstanceOf(DecodeException.class);
        assertThat(codec.fromJson(good)).isEqualTo(SampleEvents.click());
    }

    // Found by DecoderFuzzTest (job-kit): each of these lines decoded, or failed saying "(null)".

    @Test
    void twoRecordsOnOneLineAreRejected() {
        String line = JsonCodec.of(EventType.CLICK).toJson(SampleEvents.click());

        assertMalformed(
                EventType.CLICK,
                line + " " + line,
                "ClickEvent: another object after the record, which ends at character "
                        + line.length());
        assertMalformed(EventType.CLICK, line + "[]", "ClickEvent: an array after the record");
    }

    @Test
    void aWrongValueInAFieldOlderVersionsLackIsRejectedNotDropped() {
        // recoPosition came with ClickEvent v2; the v1 fallback used to skip it as unknown.
        String line =
                JsonCodec.of(EventType.CLICK)
                        .toJson(SampleEvents.click())
                        .replace("\"recoPosition\":{\"int\":2}", "\"recoPosition\":\"second\"");
        assertThat(line).contains("\"second\"");

        assertMalformed(EventType.CLICK, line, "ClickEvent: not valid JSON for the schema (");
    }

    @Test
    void aFieldOfNoVersionIsNamed() {
        String line = JsonCodec.of(EventType.LOGIN).toJson(SampleEvents.login());
        String withExtra = "{\"isAdmin\":true," + line.substring(1);

        assertMalformed(
                EventType.LOGIN,
                withExtra,
                "LoginEvent: no released version has the field(s) [isAdmin]");
    }

    @Test
    void aBlankLineSaysItIsEmpty() {
        assertMalformed(EventType.LOGIN, "   ", "LoginEvent: empty line");
    }

    @Test
    void deepNestingHugeNumbersAndHugeStringsAreRejectedByName() {
        String line = JsonCodec.of(EventType.LOGIN).toJson(SampleEvents.login());
        String userId = "\"userId\":\"u-1\"";
        assertThat(line).contains(userId);

        assertMalformed(
                EventType.LOGIN,
                line.replace(userId, "\"userId\":" + "[".repeat(5000) + "]".repeat(5000)),
                "LoginEvent: not JSON: Document nesting depth (17) exceeds the maximum allowed");
        assertMalformed(
                EventType.LOGIN,
                line.replace(userId, "\"userId\":1" + "0".repeat(100)),
                "LoginEvent: not JSON: Number value length (101) exceeds the maximum allowed");
        // One character more than the binary decoder takes (AvroLimits.STRING_MAX).
        String huge = "x".repeat((8 << 20) + 1);
        assertMalformed(
                EventType.LOGIN,
                line.replace(userId, "\"userId\":\"" + huge + "\""),
                "LoginEvent: a string of 8388609 characters, over the limit of 8388608"
                        + " (org.apache.avro.limits.string.maxLength)");
    }

    @Test
    void aStringAsLongAsTheBinaryLimitIsRead() throws Exception {
        LoginEvent login = SampleEvents.login();
        login.setUserId("x".repeat(8 << 20));
        JsonCodec<LoginEvent> codec = JsonCodec.of(EventType.LOGIN);

        assertThat(codec.fromJson(codec.toJson(login))).isEqualTo(login);
    }

    private static void assertMalformed(EventType<?> type, String line, String message) {
        assertThatThrownBy(() -> JsonCodec.of(type).fromJson(line))
                .isInstanceOfSatisfying(
                        DecodeException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(DecodeException.MALFORMED_JSON);
                            assertThat(e.getMessage()).startsWith(message);
                        });
    }
}
