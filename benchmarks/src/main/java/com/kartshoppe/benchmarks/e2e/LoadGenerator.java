package com.kartshoppe.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The feature server's load, generated open loop ({@link OpenLoop}) from a process of its own, so
 * that the server's process does not also run the client. {@link FeatureLookupBenchmark} starts it
 * with {@link #inChildProcess}; it prints its result as one JSON line on stdout ({@link
 * OpenLoop.Result#put}, plus {@code pid}) and nothing else there. A bearer token, if the server
 * needs one, comes from the environment variable {@value #TOKEN_ENV}, not the command line.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar com.kartshoppe.benchmarks.e2e.LoadGenerator \
 *     --url http://127.0.0.1:8080 --kind get --rate 1000 --warmup-seconds 3 --seconds 10 \
 *     --entities 100000 --seed 1
 * }</pre>
 *
 * <p>Each lookup asks for uniformly random ids of {@link #entityId}{@code (0 .. entities - 1)},
 * drawn from {@code new Random(seed)} in schedule order, and is right if the answer is 200 and
 * carries values for every id asked: {@code GET /features/{set}/{id}} one, {@code POST
 * /features/{set}} with {@code {"entityIds": [...]}} {@code --batch-size} of them.
 */
public final class LoadGenerator {

    /** The environment variable holding the bearer token, if any. */
    static final String TOKEN_ENV = "KARTSHOPPE_LOAD_TOKEN";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Lookups sent closed loop before the schedule starts ({@link OpenLoop#prime}): GETs, and
     * batches (each of which asks for many ids).
     */
    private static final int PRIMING_GETS = 10_000;

    private static final int PRIMING_BATCHES = 1_000;

    private static final int PRIMING_CONCURRENCY = 8;

    /**
     * Options of the child JVM: a small heap (one latency per measured request and little else), a
     * serial collector and the C1 compiler only. A fresh JVM's C2 compilations and parallel GC
     * threads took more CPU than the requests themselves, from the cores the server shares.
     */
    private static final List<String> CHILD_JVM_OPTIONS =
            List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** Most keep-alive connections to the server: requests beyond them queue in the client. */
    private static final int CONNECTIONS = 64;

    /** A class path longer than this goes to the child through an argument file. */
    private static final int LONGEST_CLASSPATH_ARGUMENT = 16_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadGenerator() {}

    /** What a lookup asks for. */
    enum Kind {
        /** {@code GET /features/{set}/{id}}. */
        GET,
        /** {@code POST /features/{set}} with a batch of ids. */
        BATCH
    }

    /**
     * One schedule of lookups against a server.
     *
     * @param batchSize ids per lookup: 1 for {@link Kind#GET}
     * @param entities ids to draw from: {@link #entityId} of 0 to {@code entities - 1}
     * @param seed seeds the draw of ids
     */
    record Schedule(
            URI server,
            String featureSet,
            Kind kind,
            int batchSize,
            int rate,
            Duration warmUp,
            Duration measured,
            int entities,
            long seed) {

        List<String> args() {
            return List.of(
                    "--url", server.toString(),
                    "--feature-set", featureSet,
                    "--kind", kind.name().toLowerCase(Locale.ROOT),
                    "--batch-size", Integer.toString(batchSize),
                    "--rate", Integer.toString(rate),
                    "--warmup-seconds", Long.toString(warmUp.toSeconds()),
                    "--seconds", Long.toString(measured.toSeconds()),
                    "--entities", Integer.toString(entities),
                    "--seed", Long.toString(seed));
        }

        static Schedule parse(String[] args) {
            URI server = null;
            String featureSet = "fraud_v1";
            Kind kind = Kind.GET;
            int batchSize = 1;
            int rate = 1_000;
            Duration warmUp = Duration.ofSeconds(3);
            Duration measured = Duration.ofSeconds(10);
            int entities = 100_000;
            long seed = 1;
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException(
                        "Option " + args[args.length - 1] + " needs a value");
            }
            for (int i = 0; i < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--url" -> server = URI.create(value);
                    case "--feature-set" -> featureSet = value;
                    case "--kind" -> kind = Kind.valueOf(value.toUpperCase(Locale.ROOT));
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--rate" -> rate = Integer.parseInt(value);
                    case "--warmup-seconds" -> warmUp = Duration.ofSeconds(Long.parseLong(value));
                    case "--seconds" -> measured = Duration.ofSeconds(Long.parseLong(value));
                    case "--entities" -> entities = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    default ->
                            throw new IllegalArgumentException(
                                    "Unknown option "
                                            + args[i]
                                            + "; known: --url URL --feature-set NAME"
                                            + " --kind get|batch --batch-size K --rate R"
                                            + " --warmup-seconds S --seconds S --entities N"
                                            + " --seed S");
                }
            }
            if (server == null) {
                throw new IllegalArgumentException("--url is required");
            }
            if (kind == Kind.GET && batchSize != 1) {
                throw new IllegalArgumentException("--kind get asks for one id; --batch-size 1");
            }
            return new Schedule(
                    server, featureSet, kind, batchSize, rate, warmUp, measured, entities, seed);
        }

        /** The ids of the next lookup. */
        List<String> pick(Random random) {
            List<String> ids = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                ids.add(entityId(random.nextInt(entities)));
            }
            return ids;
        }
    }

    /** The id of the {@code i}-th entity, as the harness fills the store. */
    static String entityId(int i) {
        return String.format(Locale.ROOT, "user-%07d", i);
    }

    /**
     * What a child process measured, its process id, and the CPU time it used (warm-up and start
     * included): near the machine's cores times the run's length, the load generator itself was
     * short of CPU.
     */
    record ChildResult(long pid, double cpuSeconds, OpenLoop.Result result) {}

    public static void main(String[] args) throws Exception {
        Schedule schedule = Schedule.parse(args);
        OpenLoop.Lookup lookup = lookup(schedule, System.getenv(TOKEN_ENV));
        OpenLoop.prime(
                lookup,
                // At most ten seconds' worth of the schedule: a short test run primes less.
                Math.min(
                        schedule.kind() == Kind.GET ? PRIMING_GETS : PRIMING_BATCHES,
                        10 * schedule.rate()),
                PRIMING_CONCURRENCY);
        OpenLoop.Result result =
                OpenLoop.run(
                        lookup,
                        schedule.rate(),
                        schedule.warmUp(),
                        schedule.measured(),
                        schedule.seed());
        ObjectNode line = JSON.createObjectNode();
        line.put("pid", ProcessHandle.current().pid());
        line.put(
                "cpu_s",
                ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis()
                        / 1e3);
        result.put(line);
        System.out.println(JSON.writeValueAsString(line));
        System.out.flush();
        // The HTTP client's event loop would keep the JVM alive.
        System.exit(0);
    }

    /**
     * The HTTP lookups of {@code schedule}, with the bearer token unless it is null, on a Vert.x
     * HTTP client: one event loop, keep-alive connections from a pool of {@link #CONNECTIONS}. The
     * JDK's {@code HttpClient} spent 1.5 ms of CPU per request here (a cell of 1,000 GET/s took 1.5
     * of the machine's 2 cores), so the load generator, not the server, set the latency.
     */
    private static OpenLoop.Lookup lookup(Schedule schedule, String token) {
        if (!schedule.server().getScheme().equals("http")) {
            throw new IllegalArgumentException("--url: only http:// is supported");
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClientAgent http =
                vertx.httpClientBuilder()
                        .with(
                                new HttpClientOptions()
                                        .setDefaultHost(schedule.server().getHost())
                                        .setDefaultPort(schedule.server().getPort())
                                        .setTcpNoDelay(true)
                                        .setKeepAlive(true))
                        .with(new PoolOptions().setHttp1MaxSize(CONNECTIONS))
                        .build();
        // Every request is made on the client's own event loop, as Vert.x expects.
        Context loop = vertx.getOrCreateContext();
        String base = "/features/" + schedule.featureSet();
        return random -> {
            List<String> ids = schedule.pick(random);
            RequestOptions request = new RequestOptions().setTimeout(REQUEST_TIMEOUT.toMillis());
            if (token != null && !token.isEmpty()) {
                request.putHeader("Authorization", "Bearer " + token);
            }
            Buffer body = null;
            if (schedule.kind() == Kind.GET) {
                request.setMethod(HttpMethod.GET).setURI(base + "/" + ids.get(0));
            } else {
                request.setMethod(HttpMethod.POST)
                        .setURI(base)
                        .putHeader("Content-Type", "application/json");
                body =
                        Buffer.buffer(
                                ids.stream()
                                        .map(id -> '"' + id + '"')
                                        .collect(
                                                Collectors.joining(",", "{\"entityIds\":[", "]}")));
            }
            Buffer sent = body;
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            loop.runOnContext(
                    v ->
                            http.request(request)
                                    .compose(r -> sent == null ? r.send() : r.send(sent))
                                    .compose(
                                            r ->
                                                    r.body()
                                                            .map(
                                                                    b ->
                                                                            r.statusCode() == 200
                                                                                    && right(
                                                                                            schedule,
                                                                                            b)))
                                    .onComplete(
                                            (right, e) -> {
                                                if (e == null) {
                                                    answer.complete(right);
                                                } else {
                                                    answer.completeExceptionally(
                                                            e
                                                                            instanceof
                                                                            NoStackTraceTimeoutException
                                                                    ? new TimeoutException(
                                                                            e.getMessage())
                                                                    : e);
                                                }
                                            }));
            return answer;
        };
    }

    /** Whether the answer is 200 with values for every id asked. */
    private static boolean right(Schedule schedule, Buffer answer) {
        try {
            JsonNode body = JSON.readTree(answer.getBytes());
            if (schedule.kind() == Kind.GET) {
                return hasValues(body);
            }
            JsonNode results = body.path("results");
            if (results.size() != schedule.batchSize()) {
                return false;
            }
            for (JsonNode r : results) {
                if (!hasValues(r)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasValues(JsonNode answer) {
        JsonNode values = answer.path("values");
        return values.isObject() && !values.isEmpty();
    }

    /**
     * Runs {@code schedule} in a new JVM (this one's {@code java}, class path, and a heap limit),
     * its stderr passed through, and reads its result.
     *
     * @param token the bearer token, or null
     * @throws IllegalStateException if the child fails or prints no result
     */
    static ChildResult inChildProcess(Schedule schedule, String token) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString()));
        command.addAll(CHILD_JVM_OPTIONS);
        Path argFile = null;
        String classpath = System.getProperty("java.class.path");
        if (classpath.length() > LONGEST_CLASSPATH_ARGUMENT) {
            // A test runner's class path can exceed what one argument may hold.
            argFile = Files.createTempFile("kartshoppe-load-generator-", ".args");
            Files.writeString(
                    argFile,
                    "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n",
                    StandardCharsets.UTF_8);
            command.add("@" + argFile);
        } else {
            command.add("-cp");
            command.add(classpath);
        }
        command.add(LoadGenerator.class.getName());
        command.addAll(schedule.args());
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (token != null) {
            builder.environment().put(TOKEN_ENV, token);
        }
        Process child = builder.start();
        try {
            // The child ends by itself: its schedule, then at most OpenLoop.DRAIN_TIMEOUT.
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(1, TimeUnit.MINUTES) || child.exitValue() != 0) {
                throw new IllegalStateException(
                        "load generator " + child.pid() + " failed; its stdout: " + out);
            }
            String line =
                    out.lines()
                            .filter(l -> l.startsWith("{"))
                            .reduce((first, second) -> second)
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "load generator printed no result: " + out));
            JsonNode json = JSON.readTree(line);
            return new ChildResult(
                    json.get("pid").asLong(),
                    json.get("cpu_s").asDouble(),
                    OpenLoop.Result.of(json));
        } finally {
            child.destroyForcibly();
            if (argFile != null) {
                Files.deleteIfExists(argFile);
            }
        }
    }
}
