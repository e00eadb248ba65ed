package com.kartshoppe.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

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
}
