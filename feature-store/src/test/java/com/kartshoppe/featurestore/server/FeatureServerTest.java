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
        conf.set(FeatureStoreOptions.MAX_AGE, Duration.ofSeconds(5));
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
                .contains(
                        "feature_server_request_duration_seconds_count{endpoint=\"features\",status=\"200\"}"
                            + " 1")
                .contains(
                        "feature_server_request_duration_seconds_bucket{endpoint=\"features-batch\",status=\"200\",le=\"+Inf\"}"
                            + " 1")
                .contains("jvm_memory_used_bytes{area=\"heap\"}");
    }

    @Test
    void wrongMethodsAndPathsAreRefused() throws Exception {
        assertThat(post("/features/fraud_v1/u-1", "{}").statusCode()).isEqualTo(405);
        assertThat(get("/features/fraud_v1", TOKEN).statusCode()).isEqualTo(405);
        HttpResponse<String> unknown = get("/features/fraud_v1/u-1/extra", TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).startsWith("no endpoint");
    }

    @Test
    void getOnlineFeaturesAnswersPresentMissingAndStaleEntitiesInFeastsShape() throws Exception {
        HttpResponse<String> response =
                post(
                        "/get-online-features",
                        "{\"features\": [\"fraud_v1:amount_1h_eur\", \"fraud_v1:orders_1h\"],"
                            + " \"entities\": {\"user_id\": [\"u-1\", \"nobody\", \"u/2 x\"]}}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.at("/metadata/feature_names").toString())
                .isEqualTo("[\"user_id\",\"amount_1h_eur\",\"orders_1h\"]");
        JsonNode results = body.get("results");
        assertThat(results.size()).isEqualTo(3);
        String epoch = Instant.EPOCH.toString();
        assertThat(results.get(0).toString())
                .isEqualTo(
                        column(
                                "[\"u-1\",\"nobody\",\"u/2 x\"]",
                                "\"PRESENT\",\"PRESENT\",\"PRESENT\"",
                                epoch,
                                epoch,
                                epoch));
        // u-1 is 1.5 s old: present. nobody has no values. u/2 x is 11.5 s old, past the 5 s
        // max age, and has no amount at all.
        assertThat(results.get(1).toString())
                .isEqualTo(
                        column(
                                "[99.5,null,null]",
                                "\"PRESENT\",\"NOT_FOUND\",\"NOT_FOUND\"",
                                EVENT_TIME.toString(),
                                epoch,
                                epoch));
        assertThat(results.get(2).toString())
                .isEqualTo(
                        column(
                                "[2.0,null,null]",
                                "\"PRESENT\",\"NOT_FOUND\",\"OUTSIDE_MAX_AGE\"",
                                EVENT_TIME.toString(),
                                epoch,
                                EVENT_TIME.minusSeconds(10).toString()));
    }

    private static String column(String values, String statuses, String... times) {
        return "{\"values\":"
                + values
                + ",\"statuses\":["
                + statuses
                + "],\"event_timestamps\":[\""
                + String.join("\",\"", times)
                + "\"]}";
    }

    @Test
    void getOnlineFeaturesServesAWholeSetAsAFeatureServiceWithFullNames() throws Exception {
        JsonNode body =
                json(
                        post(
                                "/get-online-features",
                                "{\"feature_service\": \"fraud_v1\", \"full_feature_names\": true,"
                                        + " \"entities\": {\"user_id\": [\"u-1\"]}}"));

        JsonNode names = body.at("/metadata/feature_names");
        assertThat(names.size()).isEqualTo(FeatureCatalog.FRAUD_V1.size() + 1);
        for (int i = 0; i < FeatureCatalog.FRAUD_V1.size(); i++) {
            String feature = FeatureCatalog.FRAUD_V1.definitions().get(i).name();
            assertThat(names.get(i + 1).asText()).isEqualTo("fraud_v1__" + feature);
            JsonNode column = body.get("results").get(i + 1);
            boolean stored = feature.equals("orders_1h") || feature.equals("amount_1h_eur");
            assertThat(column.at("/statuses/0").asText())
                    .as(feature)
                    .isEqualTo(stored ? "PRESENT" : "NOT_FOUND");
        }
    }

    @Test
    void getOnlineFeaturesRefusesMalformedRequestsNamingTheField() throws Exception {
        Map<String, String> refused =
                Map.of(
                        "{\"features\": [\"fraud_v1:nope\"], \"entities\": {\"user_id\":"
                                + " [\"u-1\"]}}",
                        "features[0]: feature set fraud_v1 has no feature 'nope'",
                        "{\"features\": [\"fraud_v9:x\"], \"entities\": {\"user_id\": [\"u-1\"]}}",
                        "features[0]: unknown feature set 'fraud_v9'",
                        "{\"features\": [\"orders_1h\"], \"entities\": {\"user_id\": [\"u-1\"]}}",
                        "features[0]: \"orders_1h\" is not a \"featureSet:feature\" reference",
                        "{\"features\": [\"fraud_v1:orders_1h\"], \"entities\": {\"product_id\":"
                                + " [\"p\"]}}",
                        "entities: expected {\"user_id\"",
                        "{\"features\": [\"fraud_v1:orders_1h\"], \"entities\": {\"user_id\":"
                                + " [\"a\", \"b\", \"c\", \"d\"]}}",
                        "4 entity ids, more than feature-store.server.max-batch = 3",
                        "{\"features\": [\"fraud_v1:orders_1h\", \"fraud_v1:orders_1h\"],"
                                + " \"entities\": {\"user_id\": [\"a\"]}}",
                        "features[1]: column 'orders_1h' requested twice",
                        "{\"entities\": {\"user_id\": [\"a\"]}}",
                        "features: expected",
                        "[1, 2]",
                        "features: expected");
        for (Map.Entry<String, String> r : refused.entrySet()) {
            HttpResponse<String> response = post("/get-online-features", r.getKey());
            assertThat(response.statusCode()).as(r.getKey()).isEqualTo(400);
            assertThat(json(response).get("error").asText())
                    .as(r.getKey())
                    .startsWith(r.getValue());
        }
    }

    @Test
    void servesAnOpenApiDocumentOfEveryEndpoint() throws Exception {
        HttpResponse<String> response = get("/openapi.json", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = json(response);
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        List<String> paths = new ArrayList<>();
        doc.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths)
                .containsExactlyInAnyOrder(
                        "/get-online-features",
                        "/features/{featureSet}/{entityId}",
                        "/features/{featureSet}",
                        "/feature-sets",
                        "/openapi.json",
                        "/health",
                        "/metrics");
        // Every documented operation is served (a wrong body gets 400, never 404 or 405).
        for (String path : paths) {
            String concrete = path.replace("{featureSet}", "fraud_v1").replace("{entityId}", "u-1");
            doc.get("paths")
                    .get(path)
                    .fieldNames()
                    .forEachRemaining(
                            method -> {
                                try {
                                    HttpResponse<String> r =
                                            method.equals("get")
                                                    ? get(concrete, TOKEN)
                                                    : post(concrete, "{}");
                                    assertThat(r.statusCode())
                                            .as(method + " " + concrete)
                                            .isIn(200, 400);
                                } catch (Exception e) {
                                    throw new AssertionError(e);
                                }
                            });
        }
    }
}
