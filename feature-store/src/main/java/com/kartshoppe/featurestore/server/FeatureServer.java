package com.kartshoppe.featurestore.server;

import com.fasterxml.jackson.core.JsonGenerator;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP feature server, on Vert.x: current feature values from the {@link OnlineStore}, the
 * feature catalogue, health, metrics and the OpenAPI document. JSON everywhere but {@code /metrics}
 * (Prometheus text). One event loop accepts connections, parses requests and writes responses;
 * store lookups run on {@code feature-store.server.threads} worker threads, so a slow store (Redis
 * across a network) never blocks the event loop.
 *
 * <ul>
 *   <li>{@code POST /get-online-features}: Feast's request and response shape ({@link
 *       OnlineFeatures}).
 *   <li>{@code GET /features/{featureSet}/{entityId}}: 200 with values, version, event time and
 *       age; 404 for an unknown feature set, or an entity without values (the body carries the
 *       set's documented defaults); 400 for a malformed entity id.
 *   <li>{@code POST /features/{featureSet}} with {@code {"entityIds": [...]}}: one result per id,
 *       in order, {@code found} false for those without values.
 *   <li>{@code GET /feature-sets}: the catalogue.
 *   <li>{@code GET /openapi.json}: the OpenAPI 3.0 document of all of these.
 *   <li>{@code GET /health} (never needs the token): 200 UP, or 503 DOWN with the reason.
 *   <li>{@code GET /metrics}: Prometheus text, JVM metrics included.
 * </ul>
 *
 * With a token set, every other request needs {@code Authorization: Bearer <token>} and gets 401
 * without it, before anything is read. With a key store set, it serves HTTPS only.
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

    static final ObjectMapper JSON = new ObjectMapper();

    /** Longest entity id served; longer ones are malformed requests. */
    static final int MAX_ENTITY_ID = 256;

    /** Largest request body read; larger ones get 413. */
    private static final int MAX_BODY = 1 << 20;

    /** Longest wait for the server to bind or to stop. */
    private static final long START_STOP_SECONDS = 30;

    /** Where the OpenAPI document lies on the classpath. */
    static final String OPENAPI = "/com/kartshoppe/featurestore/server/openapi.json";

    private final Vertx vertx;
    private final HttpServer http;
    private final URI uri;

    private FeatureServer(Vertx vertx, HttpServer http, URI uri) {
        this.vertx = vertx;
        this.http = http;
        this.uri = uri;
    }

    /**
     * Binds to the configured host and port and starts serving.
     *
     * @param problem null while the store is kept up to date, else why not (for /health)
     * @throws IOException naming the address when it cannot be bound, or the key store when it
     *     cannot be read
     */
    public static FeatureServer start(
            FeatureStoreSettings settings,
            OnlineStore store,
            List<FeatureSet> catalogue,
            FeatureStoreMetrics metrics,
            Supplier<String> problem,
            Clock clock)
            throws IOException {
        Vertx vertx =
                Vertx.vertx(
                        new VertxOptions()
                                .setEventLoopPoolSize(1)
                                .setWorkerPoolSize(settings.threads())
                                .setInternalBlockingPoolSize(1)
                                // Nothing served from files: no cache directory.
                                .setFileSystemOptions(
                                        new FileSystemOptions()
                                                .setFileCachingEnabled(false)
                                                .setClassPathResolvingEnabled(false)));
        HttpServerOptions options =
                new HttpServerOptions()
                        .setHost(settings.host())
                        .setPort(settings.port())
                        .setTcpNoDelay(true)
                        .setIdleTimeout(5)
                        .setIdleTimeoutUnit(TimeUnit.MINUTES);
        settings.tls()
                .ifPresent(
                        tls ->
                                options.setSsl(true)
                                        .setKeyCertOptions(
                                                new KeyStoreOptions()
                                                        .setType(tls.type())
                                                        .setPath(tls.keyStore().toString())
                                                        .setPassword(tls.password())));
        Routes routes = new Routes(settings, store, catalogue, metrics, problem, clock);
        HttpServer http = vertx.createHttpServer(options).requestHandler(routes.router(vertx));
        String scheme = settings.tls().isPresent() ? "https" : "http";
        try {
            await(http.listen());
        } catch (ExecutionException e) {
            close(vertx);
            throw new IOException(
                    "Cannot serve features on "
                            + scheme
                            + "://"
                            + settings.host()
                            + ":"
                            + settings.port()
                            + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            close(vertx);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("Feature server did not start: " + e, e);
        }
        URI uri = URI.create(scheme + "://" + settings.host() + ":" + http.actualPort());
        return new FeatureServer(vertx, http, uri);
    }

    /** The address it serves, e.g. {@code http://127.0.0.1:8088}. */
    public URI uri() {
        return uri;
    }

    /** Stops accepting requests, frees the port and stops the server's threads. */
    @Override
    public void close() {
        try {
            await(http.close());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The feature server on {} did not close cleanly", uri, e);
        } finally {
            close(vertx);
        }
    }

    private static void close(Vertx vertx) {
        try {
            await(vertx.close());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The feature server's threads did not stop cleanly", e);
        }
    }

    /** Waits for a Vert.x operation to finish, at most {@link #START_STOP_SECONDS}. */
    private static void await(Future<?> operation)
            throws ExecutionException, InterruptedException, TimeoutException {
        operation
                .toCompletionStage()
                .toCompletableFuture()
                .get(START_STOP_SECONDS, TimeUnit.SECONDS);
    }

    /** A request the client got wrong: answered with its status and message. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int status;

        /** Whether the answer lists the known feature sets (the request named an unknown one). */
        final boolean listsFeatureSets;

        BadRequest(int status, String message) {
            this(status, message, false);
        }

        BadRequest(int status, String message, boolean listsFeatureSets) {
            super(message, null, false, false);
            this.status = status;
            this.listsFeatureSets = listsFeatureSets;
        }
    }

    /** Why {@code name} cannot be served: it is none of the {@code known} feature sets. */
    static String unknownSet(String name, Collection<String> known) {
        return "unknown feature set '" + name + "'; known: " + String.join(", ", known);
    }

    /** The request handling: routing, authentication, the endpoints. */
    private static final class Routes {

        /** The routing context's key of the request's endpoint label. */
        private static final String ENDPOINT = "endpoint";

        /** The routing context's key of the request's arrival, System.nanoTime(). */
        private static final String ARRIVAL = "arrival";

        private final FeatureStoreSettings settings;
        private final OnlineStore store;
        private final Map<String, FeatureSet> catalogue = new LinkedHashMap<>();

        /** Per feature set, each feature's value when missing: made once, sent in answers. */
        private final Map<String, Map<String, Double>> defaults = new HashMap<>();

        private final FeatureStoreMetrics metrics;
        private final Supplier<String> problem;
        private final Clock clock;
        private final byte[] expectedAuthorization;
        private final OnlineFeatures onlineFeatures;
        private final byte[] openApi;
        private final byte[] featureSets;

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
            catalogue.forEach(set -> defaults.put(set.name(), defaultsOf(set)));
            this.metrics = metrics;
            this.problem = problem;
            this.clock = clock;
            this.expectedAuthorization =
                    settings.token()
                            .map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8))
                            .orElse(null);
            this.onlineFeatures =
                    new OnlineFeatures(
                            this.catalogue, store, settings.maxBatch(), settings.maxAge());
            this.openApi = resource(OPENAPI);
            this.featureSets = toJson(Map.of("featureSets", catalogueJson()));
        }

        Router router(Vertx vertx) {
            Router router = Router.router(vertx);
            router.route().handler(this::arrive);
            router.get("/health").handler(ctx -> endpoint(ctx, "health", this::health));
            router.route().handler(this::authorize);
            router.get("/metrics").handler(ctx -> endpoint(ctx, "metrics", this::metrics));
            router.get("/feature-sets")
                    .handler(ctx -> endpoint(ctx, "feature-sets", c -> json(c, 200, featureSets)));
            router.get("/openapi.json")
                    .handler(ctx -> endpoint(ctx, "openapi", c -> json(c, 200, openApi)));
            BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
            router.post("/get-online-features")
                    .handler(body)
                    .blockingHandler(
                            ctx -> endpoint(ctx, "get-online-features", this::onlineFeatures),
                            false);
            router.get("/features/:featureSet/:entityId")
                    .blockingHandler(ctx -> endpoint(ctx, "features", this::one), false);
            router.post("/features/:featureSet")
                    .handler(body)
                    .blockingHandler(ctx -> endpoint(ctx, "features-batch", this::batch), false);
            router.errorHandler(404, ctx -> error(ctx, 404, noEndpoint(ctx)));
            router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed"));
            router.errorHandler(
                    413, ctx -> error(ctx, 413, "request body over " + MAX_BODY + " bytes"));
            router.errorHandler(500, this::failed);
            return router;
        }

        private void arrive(RoutingContext ctx) {
            ctx.put(ARRIVAL, System.nanoTime());
            ctx.put(ENDPOINT, "unknown");
            ctx.next();
        }

        /** Runs an endpoint, answering its client errors and store failures. */
        private void endpoint(RoutingContext ctx, String endpoint, Consumer<RoutingContext> h) {
            ctx.put(ENDPOINT, endpoint);
            try {
                h.accept(ctx);
            } catch (BadRequest e) {
                error(ctx, e.status, e.getMessage(), e.listsFeatureSets);
            } catch (StoreException e) {
                LOG.warn("Feature lookup failed", e);
                error(ctx, 503, e.getMessage());
            }
        }

        private void failed(RoutingContext ctx) {
            LOG.error("Feature request {} failed", ctx.request().uri(), ctx.failure());
            error(ctx, 500, "internal error: " + ctx.failure());
        }

        private void authorize(RoutingContext ctx) {
            if (expectedAuthorization == null) {
                ctx.next();
                return;
            }
            String given = ctx.request().getHeader("Authorization");
            if (given != null
                    && MessageDigest.isEqual(
                            expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
                ctx.next();
                return;
            }
            ctx.put(ENDPOINT, "unauthorized");
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"kartshoppe-features\"");
            error(ctx, 401, "missing or wrong bearer token");
        }

        private void health(RoutingContext ctx) {
            String why = problem.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", why == null ? "UP" : "DOWN");
            body.put("store", store.describe());
            body.put("consumerLag", (long) metrics.consumerLag.get());
            if (why != null) {
                body.put("reason", why);
            }
            json(ctx, why == null ? 200 : 503, toJson(body));
        }

        private void metrics(RoutingContext ctx) {
            send(
                    ctx,
                    200,
                    FeatureStoreMetrics.contentType(),
                    metrics.prometheus().getBytes(StandardCharsets.UTF_8));
        }

        private List<Map<String, Object>> catalogueJson() {
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
                s.put("entityKey", OnlineFeatures.ENTITY_KEY);
                s.put("features", features);
                sets.add(s);
            }
            return sets;
        }

        private void onlineFeatures(RoutingContext ctx) {
            JsonNode request = body(ctx);
            json(ctx, 200, toJson(onlineFeatures.answer(request, clock.millis())));
        }

        private void one(RoutingContext ctx) {
            String featureSet = ctx.pathParam("featureSet");
            String entityId = ctx.pathParam("entityId");
            FeatureSet set = knownSet(featureSet);
            String malformed = malformedId(entityId);
            if (malformed != null) {
                throw new BadRequest(400, malformed);
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
                body.put("defaults", defaults.get(set.name()));
                json(ctx, 404, toJson(body));
                return;
            }
            long now = clock.millis();
            json(ctx, 200, stream(g -> values(g, found.get(), now, false)));
        }

        private void batch(RoutingContext ctx) {
            String featureSet = ctx.pathParam("featureSet");
            FeatureSet set = knownSet(featureSet);
            JsonNode ids = body(ctx).path("entityIds");
            if (!ids.isArray() || ids.isEmpty()) {
                throw new BadRequest(
                        400, "expected {\"entityIds\": [\"id\", ...]} with at least one id");
            }
            List<String> entityIds = entityIds(ids, "entityIds", settings.maxBatch());
            List<Optional<FeatureSnapshot>> found = store.getAll(featureSet, entityIds);
            long now = clock.millis();
            int hits = (int) found.stream().filter(Optional::isPresent).count();
            json(
                    ctx,
                    200,
                    stream(
                            g -> {
                                g.writeStartObject();
                                g.writeStringField("featureSet", featureSet);
                                g.writeNumberField("found", hits);
                                g.writeNumberField("missing", found.size() - hits);
                                g.writeObjectField("defaults", defaults.get(set.name()));
                                g.writeArrayFieldStart("results");
                                for (int i = 0; i < found.size(); i++) {
                                    if (found.get(i).isPresent()) {
                                        values(g, found.get(i).get(), now, true);
                                    } else {
                                        g.writeStartObject();
                                        g.writeStringField("entityId", entityIds.get(i));
                                        g.writeBooleanField("found", false);
                                        g.writeEndObject();
                                    }
                                }
                                g.writeEndArray();
                                g.writeEndObject();
                            }));
        }

        private FeatureSet knownSet(String featureSet) {
            FeatureSet set = catalogue.get(featureSet);
            if (set == null) {
                throw new BadRequest(404, unknownSet(featureSet, catalogue.keySet()), true);
            }
            return set;
        }

        /**
         * Writes an entity's values as one JSON object, the values sorted by name; with {@code
         * inBatch}, marked found.
         */
        private static void values(JsonGenerator g, FeatureSnapshot s, long now, boolean inBatch)
                throws IOException {
            g.writeStartObject();
            g.writeStringField("featureSet", s.getFeatureSet());
            g.writeStringField("entityId", s.getEntityId());
            g.writeNumberField("version", s.getFeatureSetVersion());
            g.writeStringField("eventTime", s.getEventTime().toString());
            g.writeNumberField("ageMillis", now - s.getEventTime().toEpochMilli());
            g.writeObjectFieldStart("values");
            Map<String, Double> values = s.getValues();
            String[] names = values.keySet().toArray(String[]::new);
            Arrays.sort(names);
            for (String name : names) {
                g.writeNumberField(name, values.get(name));
            }
            g.writeEndObject();
            if (inBatch) {
                g.writeBooleanField("found", true);
            }
            g.writeEndObject();
        }

        private static Map<String, Double> defaultsOf(FeatureSet set) {
            Map<String, Double> defaults = new LinkedHashMap<>();
            for (FeatureDefinition d : set.definitions()) {
                defaults.put(d.name(), d.defaultValue());
            }
            return Collections.unmodifiableMap(defaults);
        }

        private String noEndpoint(RoutingContext ctx) {
            return "no endpoint "
                    + ctx.request().path()
                    + "; see POST /get-online-features, GET /features/{featureSet}/{entityId},"
                    + " POST /features/{featureSet}, GET /feature-sets, /openapi.json, /health,"
                    + " /metrics";
        }

        private void error(RoutingContext ctx, int status, String message) {
            error(ctx, status, message, false);
        }

        private void error(
                RoutingContext ctx, int status, String message, boolean listFeatureSets) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            if (listFeatureSets) {
                body.put("featureSets", List.copyOf(catalogue.keySet()));
            }
            json(ctx, status, toJson(body));
        }

        private void json(RoutingContext ctx, int status, byte[] body) {
            send(ctx, status, "application/json", body);
        }

        /**
         * Counts the response and records its duration, then sends it: a client that has its answer
         * finds it in /metrics.
         */
        private void send(RoutingContext ctx, int status, String contentType, byte[] body) {
            if (ctx.response().ended()) {
                return;
            }
            long arrival = ctx.get(ARRIVAL, System.nanoTime());
            metrics.response(ctx.get(ENDPOINT, "unknown"), status, System.nanoTime() - arrival);
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", contentType)
                    .end(Buffer.buffer(body));
        }
    }

    /** The request's JSON body; 400 naming the problem when it is not JSON. */
    static JsonNode body(RoutingContext ctx) {
        Buffer raw = ctx.body().buffer();
        if (raw == null || raw.length() == 0) {
            throw new BadRequest(400, "request body is not JSON: it is empty");
        }
        try {
            return JSON.readTree(raw.getBytes());
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, "request body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entity ids of a JSON array, checked; 400 naming the first bad one. */
    static List<String> entityIds(JsonNode ids, String field, int maxBatch) {
        if (ids.size() > maxBatch) {
            throw new BadRequest(
                    400,
                    ids.size()
                            + " entity ids, more than feature-store.server.max-batch = "
                            + maxBatch);
        }
        List<String> entityIds = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            String malformed =
                    id.isTextual()
                            ? malformedId(id.textValue())
                            : "entity id is not a string: " + id;
            if (malformed != null) {
                throw new BadRequest(400, field + "[" + i + "]: " + malformed);
            }
            entityIds.add(id.textValue());
        }
        return entityIds;
    }

    /** Why an entity id cannot be looked up, or null if it can. */
    static String malformedId(String id) {
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

    /** What a {@link #stream} body writes. */
    private interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /** A JSON body written straight to bytes: the hot endpoints skip building maps. */
    private static byte[] stream(JsonWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a JSON reply", e);
        }
        return out.toByteArray();
    }

    static byte[] toJson(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON reply", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = FeatureServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
