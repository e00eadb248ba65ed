package com.kartshoppe.playground.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link DashboardServer}'s endpoints and event streams, over HTTP. */
class DashboardServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void streamsSnapshotsToABoundedNumberOfClientsAndDropsThoseThatLeave() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Configuration conf = new Configuration();
            kafka.createProjectTopics(conf);
            try (LiveView view = LiveView.start(kafka.settings(), conf);
                    DashboardServer server = DashboardServer.start(view, "127.0.0.1", 0)) {
                URI events = server.uri().resolve("/events");
                List<InputStream> streams = new ArrayList<>();
                try {
                    for (int i = 0; i < DashboardServer.MAX_EVENT_CLIENTS; i++) {
                        HttpResponse<InputStream> r = open(events);
                        assertThat(r.statusCode()).isEqualTo(200);
                        assertThat(r.headers().firstValue("Content-Type"))
                                .hasValue("text/event-stream; charset=utf-8");
                        streams.add(r.body());
                    }
                    JsonNode first = firstSnapshot(streams.get(0));
                    assertThat(first.path("totals").path("decisions").asLong()).isZero();
                    assertThat(first.path("throughput").size())
                            .isEqualTo(LiveAggregates.THROUGHPUT_SECONDS);
                    // A client counts once its first snapshot is sent, which may finish after the
                    // response has reached this test.
                    assertThat(
                                    server.awaitEventClients(
                                            DashboardServer.MAX_EVENT_CLIENTS,
                                            Duration.ofSeconds(30)))
                            .as("all 16 clients counted within 30 s")
                            .isTrue();

                    HttpResponse<InputStream> refused = open(events);
                    assertThat(refused.statusCode()).isEqualTo(503);
                    refused.body().close();

                    // A client that goes away is dropped at the next write that fails, and its
                    // place is free again.
                    streams.remove(0).close();
                    assertThat(
                                    server.awaitEventClients(
                                            DashboardServer.MAX_EVENT_CLIENTS - 1,
                                            Duration.ofSeconds(30)))
                            .as("the closed client dropped within 30 s")
                            .isTrue();
                    HttpResponse<InputStream> again = open(events);
                    assertThat(again.statusCode()).isEqualTo(200);
                    streams.add(again.body());
                    assertThat(firstSnapshot(again.body()).has("recentDecisions")).isTrue();
                } finally {
                    for (InputStream s : streams) {
                        s.close();
                    }
                }
            }
        }
    }

    @Test
    void servesThePageTheWebJarHealthAndRecommendations() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Configuration conf = new Configuration();
            kafka.createProjectTopics(conf);
            try (LiveView view = LiveView.start(kafka.settings(), conf);
                    DashboardServer server = DashboardServer.start(view, "127.0.0.1", 0)) {
                HttpResponse<String> page = get(server.uri().resolve("/"));
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type"))
                        .hasValue("text/html; charset=utf-8");
                assertThat(page.body())
                        .contains("/webjars/chart.js/dist/chart.umd.js", "/static/dashboard.js");
                // Without and with the version in the path.
                assertThat(get(server.uri().resolve("/webjars/chart.js/dist/chart.umd.js")).body())
                        .contains("Chart.js v4.4.7");
                assertThat(
                                get(server.uri()
                                                .resolve(
                                                        "/webjars/chart.js/4.4.7/dist/chart.umd.js"))
                                        .statusCode())
                        .isEqualTo(200);
                assertThat(get(server.uri().resolve("/static/dashboard.css")).statusCode())
                        .isEqualTo(200);
                assertThat(get(server.uri().resolve("/static/missing.js")).statusCode())
                        .isEqualTo(404);
                assertThat(get(server.uri().resolve("/webjars/..%2Fmaven/x")).statusCode())
                        .isEqualTo(404);

                HttpResponse<String> health = get(server.uri().resolve("/health"));
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");

                HttpResponse<String> none =
                        get(server.uri().resolve("/api/recommendations?user=u-404"));
                assertThat(none.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(none.body()).path("found").asBoolean()).isFalse();
                assertThat(get(server.uri().resolve("/api/recommendations")).statusCode())
                        .isEqualTo(400);

                DashboardFixtures.produceRecommendations(
                        kafka,
                        DashboardFixtures.recommendation(
                                "r-1", "u 1&x", Instant.now(), "p-1", "p-2"));
                view.awaitTotals(t -> t.recommendations() == 1, Duration.ofSeconds(60));
                JsonNode found =
                        JSON.readTree(
                                get(server.uri().resolve("/api/recommendations?user=u+1%26x"))
                                        .body());
                assertThat(found.path("found").asBoolean()).isTrue();
                assertThat(
                                found.path("recommendation")
                                        .path("items")
                                        .get(1)
                                        .path("productId")
                                        .asText())
                        .isEqualTo("p-2");

                HttpResponse<String> snapshot = get(server.uri().resolve("/api/snapshot"));
                assertThat(JSON.readTree(snapshot.body()).path("recentUsers").get(0).asText())
                        .isEqualTo("u 1&x");
                assertThat(
                                HTTP.send(
                                                HttpRequest.newBuilder(server.uri().resolve("/"))
                                                        .POST(HttpRequest.BodyPublishers.noBody())
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode())
                        .isEqualTo(405);
            }
        }
    }

    private static HttpResponse<InputStream> open(URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads up to the first {@code data:} line of a snapshot event. */
    private static JsonNode firstSnapshot(InputStream stream) throws Exception {
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        String event = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("event: ")) {
                event = line.substring("event: ".length());
            } else if (line.startsWith("data: ")) {
                assertThat(event).isEqualTo("snapshot");
                return JSON.readTree(line.substring("data: ".length()));
            }
        }
        throw new AssertionError("The event stream ended before a snapshot");
    }
}
