package com.kartshoppe.playground.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.simulator.RecommendationFeed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link RecommendationFeed} against a real broker. */
class RecommendationFeedITCase {

    @Test
    void deliversEveryRecommendationAndSkipsUndecodableOnes() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            AvroCodec<Recommendation> codec = AvroCodec.of(EventType.RECOMMENDATION);
            List<byte[]> values = new ArrayList<>();
            values.add("not a recommendation".getBytes());
            for (int i = 0; i < 5; i++) {
                values.add(codec.encode(reco("r-" + i)));
            }
            KafkaTestSupport.produce(kafka, "reco.recommendations", "u-000001", values);

            BlockingQueue<Recommendation> received = new LinkedBlockingQueue<>();
            List<String> ids = new ArrayList<>();
            try (RecommendationFeed feed =
                    new RecommendationFeed(
                            kafka.settings(), "reco.recommendations", true, received::add)) {
                for (int i = 0; i < 5; i++) {
                    Recommendation reco = received.poll(60, TimeUnit.SECONDS);
                    assertThat(reco).as("recommendation %d", i).isNotNull();
                    ids.add(reco.getRecoId());
                }
                assertThat(feed.undecodable()).isEqualTo(1);
            }
            assertThat(ids).containsExactly("r-0", "r-1", "r-2", "r-3", "r-4");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void fromNowOnMissesNothingProducedAfterTheConstructorReturns() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createProjectTopics(new Configuration());
            AvroCodec<Recommendation> codec = AvroCodec.of(EventType.RECOMMENDATION);
            KafkaTestSupport.produce(
                    kafka, "reco.recommendations", "u-000001", List.of(codec.encode(reco("old"))));
            BlockingQueue<Recommendation> received = new LinkedBlockingQueue<>();

            try (RecommendationFeed feed =
                    new RecommendationFeed(
                            kafka.settings(), "reco.recommendations", false, received::add)) {
                KafkaTestSupport.produce(
                        kafka,
                        "reco.recommendations",
                        "u-000001",
                        List.of(codec.encode(reco("new"))));
                Recommendation first = received.poll(60, TimeUnit.SECONDS);

                assertThat(first).isNotNull();
                assertThat(first.getRecoId()).isEqualTo("new");
                assertThat(feed.failure()).isNull();
            }
        }
    }

    private static Recommendation reco(String id) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return Recommendation.newBuilder()
                .setRecoId(id)
                .setEventTime(t)
                .setUserId("u-000001")
                .setSessionId(null)
                .setTriggerProductId(null)
                .setItems(List.of(new RecommendedItem("p-00001", 0.9, 0.8, false)))
                .setModelName("reco")
                .setModelVersion("1")
                .setAdapterVersion(0L)
                .setCreatedAt(t)
                .build();
    }
}
