package com.kartshoppe.featurestore.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.RocksDbStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FeatureServer}, over real HTTP on loopback with a RocksDB store. */
class FeatureServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Instant EVENT_TIME = NOW.minusMillis(1_500);
    private static final String TOKEN = "s3cret-token";

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final FeatureStoreMetrics metrics = new FeatureStoreMetrics();
    private final AtomicReference<String> problem = new AtomicReference<>();
    private OnlineStore store;
    private FeatureServer server;

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = RocksDbStore.open(dir, Duration.ofDays(7), clock);
        store.write(
                List.of(
                        FeatureSnapshot.newBuilder()
                                .setFeatureSet("fraud_v1")
                                .setFeatureSetVersion(1)
                                .setEntityId("u-1")
                                .setEventTime(EVENT_TIME)
                                .setValues(Map.of("orders_1h", 2.0, "amount_1h_eur", 99.5))
                                .build(),
                        FeatureSnapshot.newBuilder()
                                .setFeatureSet("fraud_v1")
                                .setFeatureSetVersion(1)
                                .setEntityId("u/2 x")
                                .setEventTime(EVENT_TIME.minusSeconds(10))
                                .setValues(Map.of("orders_1h", 1.0))
                                .build()));
        Configuration conf = new Configuration();
        conf.set(FeatureStoreOptions.SERVER_PORT, 0);
        conf.set(FeatureStoreOptions.SERVER_TOKEN, TOKEN);
        conf.set(FeatureStoreOptions.MAX_BATCH, 3);
        server =
                FeatureServer.start(
                        FeatureStoreSettings.from(conf),
                        store,
                        FeatureCatalog.ALL,
                        metrics,
                        problem::get,
                        clock);
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(server.uri().resolve(path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void servesAnEntitysValuesWithVersionEventTimeAndAge() throws Exception {
        HttpResponse<String> response = get("/features/fraud_v1/u-1", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = json(response);
        assertThat(body.get("featureSet").asText()).isEqualTo("fraud_v1");
        assertThat(body.get("entityId").asText()).isEqualTo("u-1");
        assertThat(body.get("version").asInt()).isEqualTo(1);
        assertThat(body.get("eventTime").asText()).isEqualTo(EVENT_TIME.toString());
        assertThat(body.get("ageMillis").asLong()).isEqualTo(1_500);
        assertThat(JSON.convertValue(body.get("values"), Map.class))
                .isEqualTo(Map.of("amount_1h_eur", 99.5, "orders_1h", 2.0));
    }

    @Test
    void decodesPercentEncodedEntityIds() throws Exception {
        HttpResponse<String> response = get("/features/fraud_v1/u%2F2%20x", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("entityId").asText()).isEqualTo("u/2 x");
    }

    @Test
    void anUnknownEntityGets404WithTheDocumentedDefaults() throws Exception {
        HttpResponse<String> response = get("/features/fraud_v1/nobody", TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).contains("nobody").contains("fraud_v1");
        JsonNode defaults = body.get("defaults");
        assertThat(defaults.size()).isEqualTo(FeatureCatalog.FRAUD_V1.size());
        FeatureCatalog.FRAUD_V1
                .definitions()
                .forEach(
                        d ->
                                assertThat(defaults.get(d.name()).asDouble())
                                        .as(d.name())
                                        .isEqualTo(d.defaultValue()));
    }

    @Test
    void anUnknownFeatureSetGets404NamingTheKnownOnes() throws Exception {
        HttpResponse<String> response = get("/features/fraud_v9/u-1", TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("error").asText()).contains("fraud_v9");
        assertThat(json(response).get("featureSets").toString())
                .contains("fraud_v1", "session_v1", "reco_v1");
    }

    @Test
    void malformedRequestsGet400WithAReason() throws Exception {
        assertThat(get("/features/fraud_v1/a%0Ab", TOKEN).statusCode()).isEqualTo(400);
        HttpResponse<String> tooLong = get("/features/fraud_v1/" + "x".repeat(257), TOKEN);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong).get("error").asText()).contains("256");

        HttpResponse<String> notJson = post("/features/fraud_v1", "{entityIds:");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).get("error").asText()).startsWith("request body is not JSON");
        assertThat(post("/features/fraud_v1", "{\"ids\": [\"u-1\"]}").statusCode()).isEqualTo(400);
        assertThat(post("/features/fraud_v1", "{\"entityIds\": []}").statusCode()).isEqualTo(400);
        HttpResponse<String> notString =
                post("/features/fraud_v1", "{\"entityIds\": [\"u-1\", 7]}");
        assertThat(notString.statusCode()).isEqualTo(400);
        assertThat(json(notString).get("error").asText()).startsWith("entityIds[1]");
        HttpResponse<String> tooMany =
                post("/features/fraud_v1", "{\"entityIds\": [\"a\", \"b\", \"c\", \"d\"]}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json(tooMany).get("error").asText()).contains("feature-store.server.max-batch");
    }

    @Test
    void aBatchAnswersEveryIdInOrder() throws Exception {
        HttpResponse<String> response =
                post("/features/fraud_v1", "{\"entityIds\": [\"nobody\", \"u-1\", \"u/2 x\"]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("found").asInt()).isEqualTo(2);
        assertThat(body.get("missing").asInt()).isEqualTo(1);
        JsonNode results = body.get("results");
        assertThat(results.get(0).get("entityId").asText()).isEqualTo("nobody");
        assertThat(results.get(0).get("found").asBoolean()).isFalse();
        assertThat(results.get(1).get("values").get("amount_1h_eur").asDouble()).isEqualTo(99.5);
        assertThat(results.get(2).get("ageMillis").asLong()).isEqualTo(11_500);
        assertThat(body.get("defaults").get("orders_1h").asDouble()).isZero();
    }

    @Test
    void withoutTheRightTokenEveryRequestButHealthGets401AndNoData() throws Exception {
        List<HttpResponse<String>> rejected = new ArrayList<>();
        for (String path : List.of("/features/fraud_v1/u-1", "/feature-sets", "/metrics", "/x")) {
            rejected.add(get(path, null));
            rejected.add(get(path, "wrong"));
        }
        rejected.add(
                http.send(
                        HttpRequest.newBuilder(server.uri().resolve("/features/fraud_v1"))
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"entityIds\":[\"u-1\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));

        for (HttpResponse<String> r : rejected) {
            assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(r.body()).doesNotContain("99.5").doesNotContain("orders_1h");
        }
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(metrics.responses("unauthorized", 401)).isEqualTo(rejected.size());
    }

    @Test
    void healthSaysWhyTheStoreIsNotKeptUpToDate() throws Exception {
        JsonNode up = json(get("/health", null));
        assertThat(up.get("status").asText()).isEqualTo("UP");
        assertThat(up.get("store").asText()).startsWith("rocksdb:");

        problem.set("Cannot write to the Redis feature store at redis://h:6379");
        HttpResponse<String> down = get("/health", null);

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(json(down).get("reason").asText()).contains("redis://h:6379");
    }

    @Test
    void listsTheCatalogue() throws Exception {
        JsonNode sets = json(get("/feature-sets", TOKEN)).get("featureSets");

        assertThat(sets.size()).isEqualTo(FeatureCatalog.ALL.size());
        JsonNode fraud = sets.get(0);
        assertThat(fraud.get("name").asText()).isEqualTo("fraud_v1");
        assertThat(fraud.get("version").asInt()).isEqualTo(1);
        JsonNode first = fraud.get("features").get(0);
        assertThat(first.get("name").asText())
                .isEqualTo(FeatureCatalog.FRAUD_V1.definitions().get(0).name());
        assertThat(first.get("type").asText()).isEqualTo("COUNT");
        assertThat(first.get("description").asText()).isNotBlank();
    }

    @Test
    void countsRequestsAndLookupLatencyInTheMetrics() throws Exception {
        get("/features/fraud_v1/u-1", TOKEN);
        get("/features/fraud_v1/nobody", TOKEN);
        post("/features/fraud_v1", "{\"entityIds\": [\"u-1\"]}");

        HttpResponse<String> response = get("/metrics", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/plain; version=0.0.4");
        assertThat(response.body())
                .contains("feature_server_responses_total{endpoint=\"features\",status=\"200\"} 1")
                .contains("feature_server_responses_total{endpoint=\"features\",status=\"404\"} 1")
                .contains(
                        "feature_server_responses_total{endpoint=\"features-batch\",status=\"200\"}"
                                + " 1")
                .contains("feature_server_lookup_us_count 3");
    }

    @Test
    void wrongMethodsAndPathsAreRefused() throws Exception {
        assertThat(post("/features/fraud_v1/u-1", "{}").statusCode()).isEqualTo(405);
        assertThat(get("/features/fraud_v1", TOKEN).statusCode()).isEqualTo(405);
        HttpResponse<String> unknown = get("/features/fraud_v1/u-1/extra", TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).startsWith("no endpoint");
    }
}
