package com.kartshoppe.jobkit.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.config.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Tests for {@link JobOutputs} and its {@link TextSerializer}. */
class JobOutputsTest {

    private final StreamExecutionEnvironment env =
            StreamExecutionEnvironment.getExecutionEnvironment();

    private DataStream<DeadLetter> letters() {
        return env.fromData(List.<DeadLetter>of(), new AvroTypeInfo<>(DeadLetter.class));
    }

    @Test
    void anOutputIsFoundByTheTypeItCarries() {
        DataStream<DeadLetter> letters = letters();
        JobOutputs outputs = new JobOutputs().avro("dlq", EventType.DEAD_LETTER, letters);

        assertThat(outputs.get(EventType.DEAD_LETTER)).isSameAs(letters);
        assertThatThrownBy(() -> outputs.get(EventType.FRAUD_DECISION))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(EventType.FRAUD_DECISION.name());
    }

    @Test
    void twoOutputsOfOneTypeAreRefused() {
        JobOutputs outputs = new JobOutputs().avro("dlq", EventType.DEAD_LETTER, letters());

        assertThatThrownBy(() -> outputs.avro("more", EventType.DEAD_LETTER, letters()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(EventType.DEAD_LETTER.name());
    }

    @Test
    void textRecordsAreWrittenAsUtf8KeyAndValue() {
        TextSerializer<String[]> serializer =
                new TextSerializer<>(Topics.FEEDBACK_ACCURACY.defaultValue(), r -> r[0], r -> r[1]);

        ProducerRecord<byte[], byte[]> record =
                serializer.serialize(new String[] {"fraud", "{\"auc\":0.9,\"é\":1}"}, null, 5L);

        assertThat(record.topic()).isEqualTo(Topics.FEEDBACK_ACCURACY.defaultValue());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("fraud");
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"auc\":0.9,\"é\":1}");
    }
}
