package com.kartshoppe.featurestore.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureDefinition;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.StoreException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP feature server: current feature values from the {@link OnlineStore}, the feature
 * catalogue, health and metrics. JSON everywhere but {@code /metrics} (Prometheus text).
 *
 * <ul>
 *   <li>{@code GET /features/{featureSet}/{entityId}}: 200 with values, version, event time and
 *       age; 404 for an unknown feature set, or an entity without values (the body carries the
 *       set's documented defaults); 400 for a malformed entity id.
 *   <li>{@code POST /features/{featureSet}} with {@code {"entityIds": [...]}}: one result per id,
 *       in order, {@code found} false for those without values.
 *   <li>{@code GET /feature-sets}: the catalogue.
 *   <li>{@code GET /health} (never needs the token): 200 UP, or 503 DOWN with the reason.
 *   <li>{@code GET /metrics}.
 * </ul>
 *
 * With a token set, every other request needs {@code Authorization: Bearer <token>} and gets 401
 * without it, before anything is read.
 *
 * <pre>{@code
 * try (FeatureServer server = FeatureServer.start(settings, store, FeatureCatalog.ALL, metrics,
 *         materializer::problem, Clock.systemUTC())) {
 *     System.out.println(server.uri());
 * }
 * }</pre>
 */
public final class FeatureServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureServer.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK server leaves Nagle's algorithm on by default: a client sending one request at
        // a time then waits ~40 ms per response (measured, docs/performance.md). Read once, when
        // the first HttpServer is made; a value set on the command line wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Longest entity id served; longer ones are malformed requests. */
    static final int MAX_ENTITY_ID = 256;

    /** Largest batch request body read. */
    private static final int MAX_BODY = 1 << 20;

    private final HttpServer http;
    private final ExecutorService executor;

    private FeatureServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Binds to the configured host and port and starts serving.
     *
     * @param problem null while the store is kept up to date, else why not (for /health)
     * @throws IOException naming the address when it cannot be bound
     */
    public static FeatureServer start(
            FeatureStoreSettings settings,
            OnlineStore store,
            List<FeatureSet> catalogue,
            FeatureStoreMetrics metrics,
            Supplier<String> problem,
            Clock clock)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        HttpServer http;
        try {
            http = HttpServer.create(address, 128);
        } catch (IOException e) {
            throw new IOException("Cannot serve features on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor =
                Executors.newFixedThreadPool(
                        settings.threads(),
                        r -> {
                            Thread t = new Thread(r, "feature-server");
                            t.setDaemon(true);
                            return t;
                        });
        Routes routes = new Routes(settings, store, catalogue, metrics, problem, clock);
        http.createContext("/", routes::handle);
        http.setExecutor(executor);
        http.start();
        return new FeatureServer(http, executor);
    }

    /** The address it serves, e.g. {@code http://127.0.0.1:8088}. */
    public URI uri() {
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    /** Stops accepting requests, lets those in flight finish, and frees the port. */
    @Override
    public void close() {
        // The requests in flight finish first; HttpServer.stop(delay) on JDK 17 would wait the
        // whole delay whenever a keep-alive connection is open.
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.stop(0);
        }
    }

    /** A response before it is sent. */
    private record Reply(int status, String contentType, byte[] body, String endpoint) {
        static Reply json(int status, Object body, String endpoint) {
            try {
                return new Reply(
                        status, "application/json", JSON.writeValueAsBytes(body), endpoint);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write a JSON reply", e);
            }
        }

        static Reply error(int status, String message, String endpoint) {
            return json(status, Map.of("error", message), endpoint);
        }
    }

    /** The request handling: routing, authentication, the endpoints. */
    private static final class Routes {

        private final FeatureStoreSettings settings;
        private final OnlineStore store;
        private final Map<String, FeatureSet> catalogue = new LinkedHashMap<>();
        private final FeatureStoreMetrics metrics;
        private final Supplier<String> problem;
        private final Clock clock;
        private final byte[] expectedAuthorization;

        Routes(
                FeatureStoreSettings settings,
                OnlineStore store,
                List<FeatureSet> catalogue,
                FeatureStoreMetrics metrics,
                Supplier<String> problem,
                Clock clock) {
            this.settings = settings;
            this.store = store;
            catalogue.forEach(set -> this.catalogue.put(set.name(), set));
            this.metrics = metrics;
            this.problem = problem;
            this.clock = clock;
            this.expectedAuthorization =
                    settings.token()
                            .map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8))
                            .orElse(null);
        }

        void handle(HttpExchange exchange) throws IOException {
            long start = System.nanoTime();
            Reply reply;
            try {
                reply = route(exchange);
            } catch (StoreException e) {
                LOG.warn("Feature lookup failed", e);
                reply = Reply.error(503, e.getMessage(), "features");
            } catch (RuntimeException e) {
                LOG.error("Feature request {} failed", exchange.getRequestURI(), e);
                reply = Reply.error(500, "internal error: " + e, "unknown");
            }
            // Counted before it is sent: a client that has its answer finds it in /metrics.
            metrics.response(reply.endpoint(), reply.status());
            if (reply.endpoint().startsWith("features")) {
                metrics.lookupMicros.record((System.nanoTime() - start) / 1_000);
            }
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
                if (reply.status() == 401) {
                    exchange.getResponseHeaders()
                            .set("WWW-Authenticate", "Bearer realm=\"kartshoppe-features\"");
                }
                exchange.sendResponseHeaders(reply.status(), reply.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        }

        private Reply route(HttpExchange exchange) throws IOException {
            String method = exchange.getRequestMethod();
            List<String> path = segments(exchange.getRequestURI().getRawPath());
            if (path.equals(List.of("health"))) {
                return method.equals("GET") ? health() : notAllowed("GET", "health");
            }
            if (!authorized(exchange)) {
                return Reply.error(401, "missing or wrong bearer token", "unauthorized");
            }
            if (path.equals(List.of("metrics"))) {
                return method.equals("GET")
                        ? new Reply(
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                metrics.prometheus().getBytes(StandardCharsets.UTF_8),
                                "metrics")
                        : notAllowed("GET", "metrics");
            }
            if (path.equals(List.of("feature-sets"))) {
                return method.equals("GET") ? featureSets() : notAllowed("GET", "feature-sets");
            }
            if (path.size() == 3 && path.get(0).equals("features")) {
                return method.equals("GET")
                        ? one(path.get(1), path.get(2))
                        : notAllowed("GET", "features");
            }
            if (path.size() == 2 && path.get(0).equals("features")) {
                return method.equals("POST")
                        ? batch(path.get(1), exchange.getRequestBody())
                        : notAllowed("POST", "features-batch");
            }
            return Reply.error(
                    404,
                    "no endpoint "
                            + exchange.getRequestURI().getRawPath()
                            + "; see GET /features/{featureSet}/{entityId}, POST"
                            + " /features/{featureSet}, GET /feature-sets, /health, /metrics",
                    "unknown");
        }

        private boolean authorized(HttpExchange exchange) {
            if (expectedAuthorization == null) {
                return true;
            }
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            return given != null
                    && MessageDigest.isEqual(
                            expectedAuthorization, given.getBytes(StandardCharsets.UTF_8));
        }

        private Reply health() {
            String why = problem.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", why == null ? "UP" : "DOWN");
            body.put("store", store.describe());
            body.put("consumerLag", metrics.consumerLag.get());
            if (why != null) {
                body.put("reason", why);
            }
            return Reply.json(why == null ? 200 : 503, body, "health");
        }

        private Reply featureSets() {
            List<Map<String, Object>> sets = new ArrayList<>();
            for (FeatureSet set : catalogue.values()) {
                List<Map<String, Object>> features = new ArrayList<>();
                for (FeatureDefinition d : set.definitions()) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("name", d.name());
                    f.put("type", d.type().name());
                    f.put("unit", d.unit());
                    f.put("window", d.window());
                    f.put("default", d.defaultValue());
                    f.put("description", d.description());
                    features.add(f);
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", set.name());
                s.put("version", set.version());
                s.put("features", features);
                sets.add(s);
            }
            return Reply.json(200, Map.of("featureSets", sets), "feature-sets");
        }

        private Reply one(String featureSet, String entityId) {
            FeatureSet set = catalogue.get(featureSet);
            if (set == null) {
                return unknownSet(featureSet, "features");
            }
            String malformed = malformedId(entityId);
            if (malformed != null) {
                return Reply.error(400, malformed, "features");
            }
            Optional<FeatureSnapshot> found = store.get(featureSet, entityId);
            if (found.isEmpty()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put(
                        "error",
                        "no features for entity '" + entityId + "' in feature set " + featureSet);
                body.put("featureSet", featureSet);
                body.put("entityId", entityId);
                body.put("version", set.version());
                body.put("defaults", defaults(set));
                return Reply.json(404, body, "features");
            }
            return Reply.json(200, values(found.get(), clock.millis()), "features");
        }

        private Reply batch(String featureSet, InputStream requestBody) throws IOException {
            FeatureSet set = catalogue.get(featureSet);
            if (set == null) {
                return unknownSet(featureSet, "features-batch");
            }
            byte[] raw = requestBody.readNBytes(MAX_BODY + 1);
            if (raw.length > MAX_BODY) {
                return Reply.error(
                        400, "request body over " + MAX_BODY + " bytes", "features-batch");
            }
            JsonNode ids;
            try {
                ids = JSON.readTree(raw).path("entityIds");
            } catch (JsonProcessingException e) {
                return Reply.error(
                        400,
                        "request body is not JSON: " + e.getOriginalMessage(),
                        "features-batch");
            }
            if (!ids.isArray() || ids.isEmpty()) {
                return Reply.error(
                        400,
                        "expected {\"entityIds\": [\"id\", ...]} with at least one id",
                        "features-batch");
            }
            if (ids.size() > settings.maxBatch()) {
                return Reply.error(
                        400,
                        ids.size()
                                + " entity ids, more than feature-store.server.max-batch = "
                                + settings.maxBatch(),
                        "features-batch");
            }
            List<String> entityIds = new ArrayList<>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                JsonNode id = ids.get(i);
                String malformed =
                        id.isTextual()
                                ? malformedId(id.textValue())
                                : "entity id is not a string: " + id;
                if (malformed != null) {
                    return Reply.error(400, "entityIds[" + i + "]: " + malformed, "features-batch");
                }
                entityIds.add(id.textValue());
            }
            List<Optional<FeatureSnapshot>> found = store.getAll(featureSet, entityIds);
            long now = clock.millis();
            List<Map<String, Object>> results = new ArrayList<>(found.size());
            int hits = 0;
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i).isPresent()) {
                    Map<String, Object> r = values(found.get(i).get(), now);
                    r.put("found", true);
                    results.add(r);
                    hits++;
                } else {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("entityId", entityIds.get(i));
                    r.put("found", false);
                    results.add(r);
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("featureSet", featureSet);
            body.put("found", hits);
            body.put("missing", found.size() - hits);
            body.put("defaults", defaults(set));
            body.put("results", results);
            return Reply.json(200, body, "features-batch");
        }

        private Map<String, Object> values(FeatureSnapshot s, long now) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("featureSet", s.getFeatureSet());
            body.put("entityId", s.getEntityId());
            body.put("version", s.getFeatureSetVersion());
            body.put("eventTime", s.getEventTime().toString());
            body.put("ageMillis", now - s.getEventTime().toEpochMilli());
            body.put("values", new TreeMap<>(s.getValues()));
            return body;
        }

        private Reply unknownSet(String featureSet, String endpoint) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "unknown feature set '" + featureSet + "'");
            body.put("featureSets", List.copyOf(catalogue.keySet()));
            return Reply.json(404, body, endpoint);
        }

        private static Map<String, Double> defaults(FeatureSet set) {
            Map<String, Double> defaults = new LinkedHashMap<>();
            for (FeatureDefinition d : set.definitions()) {
                defaults.put(d.name(), d.defaultValue());
            }
            return defaults;
        }

        private static Reply notAllowed(String allowed, String endpoint) {
            return Reply.error(405, "method not allowed; use " + allowed, endpoint);
        }

        /** Why an entity id cannot be looked up, or null if it can. */
        private static String malformedId(String id) {
            if (id.isEmpty()) {
                return "entity id is empty";
            }
            if (id.length() > MAX_ENTITY_ID) {
                return "entity id longer than " + MAX_ENTITY_ID + " characters";
            }
            if (id.chars().anyMatch(Character::isISOControl)) {
                return "entity id contains a control character";
            }
            return null;
        }

        /** The path's segments, percent-decoded ('+' stays '+'); empty segments dropped. */
        private static List<String> segments(String rawPath) {
            List<String> segments = new ArrayList<>();
            for (String raw : rawPath.split("/")) {
                if (!raw.isEmpty()) {
                    segments.add(
                            URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
                }
            }
            return segments;
        }
    }
}
