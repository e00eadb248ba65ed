package com.kartshoppe.jobkit.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.SampleEvents;
import com.kartshoppe.events.serde.DeadLetterRecords;
import com.kartshoppe.events.serde.DecodeException;
import com.kartshoppe.jobkit.input.Sourced;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Either;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tests for {@link DeadLetters} on a MiniCluster. */
class DeadLettersITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    @Test
    void deadLettersLeaveTheMainStreamAndNothingIsLost() throws Exception {
        List<Either<DeadLetter, Sourced<ClickEvent>>> input = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i % 10 == 3) {
                input.add(
                        Either.Left(
                                DeadLetterRecords.of(
                                        "shop.clicks",
                                        0,
                                        i,
                                        null,
                                        new byte[] {(byte) i},
                                        DecodeException.BAD_HEADER,
                                        "bad",
                                        null,
                                        "it")));
            } else {
                ClickEvent click = SampleEvents.click();
                click.setEventId("e-" + i);
                click.setEventTime(Instant.ofEpochMilli(i));
                input.add(Either.Right(Sourced.of(click, 0, i)));
            }
        }
        StreamExecutionEnvironment env = FlinkTestSupport.env();
        DataStream<Either<DeadLetter, Sourced<ClickEvent>>> decoded =
                env.fromData(input, Sourced.decodedType(EventType.CLICK));

        SingleOutputStreamOperator<Sourced<ClickEvent>> clicks =
                DeadLetters.split(decoded.rebalance(), "clicks", Sourced.typeInfo(EventType.CLICK));
        CloseableIterator<Sourced<ClickEvent>> events = clicks.collectAsync();
        CloseableIterator<DeadLetter> letters =
                clicks.getSideOutput(DeadLetters.TAG).collectAsync();
        env.execute("dead letter split");

        List<String> eventIds = new ArrayList<>();
        events.forEachRemaining(e -> eventIds.add(e.record.getEventId()));
        List<Long> letterOffsets = new ArrayList<>();
        letters.forEachRemaining(l -> letterOffsets.add(l.getOffset()));

        assertThat(eventIds).hasSize(90).doesNotHaveDuplicates().allMatch(id -> !id.endsWith("3"));
        assertThat(letterOffsets)
                .containsExactlyInAnyOrder(3L, 13L, 23L, 33L, 43L, 53L, 63L, 73L, 83L, 93L);
    }
}
