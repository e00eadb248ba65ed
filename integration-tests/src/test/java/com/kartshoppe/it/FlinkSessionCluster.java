package com.kartshoppe.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Flink session cluster of separate JVMs on this machine: one JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), started as a
 * distribution's scripts would start them, from a {@code config.yaml} in a directory of their own,
 * and driven over the REST API as an operator would: jars uploaded to {@code /jars/upload} and run
 * with {@code /jars/<id>/run}.
 *
 * <pre>{@code
 * try (FlinkSessionCluster cluster =
 *         FlinkSessionCluster.start(work, logs, settings, jvmFlags, 2, Duration.ofMinutes(1))) {
 *     String job = cluster.run(cluster.upload(jar), List.of("--kafka.bootstrap-servers", servers), 2);
 * }
 * }</pre>
 *
 * <p>The processes' classpath is this JVM's minus this project's modules and what the job jars
 * carry themselves (Kafka client and connector, Avro, CEP): a Flink distribution's {@code lib/},
 * plus flink-runtime-web and onnxruntime (which the deployment guide puts into {@code lib/}). So a
 * job's own classes come from its jar, loaded child-first, as on a real cluster. Each process logs
 * to {@code <logs>/<name>.log}; {@link #close()} kills every process it started, and so does a
 * shutdown hook if the test JVM exits without closing it.
 */
final class FlinkSessionCluster implements AutoCloseable {

    private static final String JOB_MANAGER =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /** In this JVM's classpath but not in a cluster's: what the job jars bring. */
    private static final List<String> JOB_JAR_CONTENTS =
            List.of(
                    "/com/kartshoppe/",
                    "/org/apache/kafka/",
                    "/org/apache/avro/",
                    "/org/apache/flink/flink-connector-kafka/",
                    "/org/apache/flink/flink-avro/",
                    "/org/apache/flink/flink-cep/",
                    "/org/tribuo/");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path configDir;
    private final Path logs;
    private final List<String> jvmFlags;
    private final URI rest;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private List<List<String>> taskManagerResources;
    private final Set<String> killed = new HashSet<>();
    private final Thread killOnExit = new Thread(this::killAll, "kill-flink-cluster");

    private FlinkSessionCluster(Path configDir, Path logs, List<String> jvmFlags, int restPort) {
        this.configDir = configDir;
        this.logs = logs;
        this.jvmFlags = jvmFlags;
        this.rest = URI.create("http://localhost:" + restPort);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Writes {@code <work>/conf/config.yaml} ({@code settings} plus addresses and free ports), then
     * starts a JobManager and {@code taskManagers} TaskManagers named {@code tm-1}, {@code tm-2},
     * ... and returns once the REST API lists all of them.
     *
     * @param jvmFlags JVM options of every process, as {@code env.java.opts.all} sets them
     */
    static FlinkSessionCluster start(
            Path work,
            Path logs,
            Map<String, String> settings,
            String jvmFlags,
            int taskManagers,
            Duration timeout)
            throws IOException, InterruptedException {
        Path conf = Files.createDirectories(work.resolve("conf"));
        Files.createDirectories(logs);
        int restPort = freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("jobmanager.rpc.address", "localhost");
        all.put("jobmanager.rpc.port", String.valueOf(freePort()));
        all.put("jobmanager.bind-host", "localhost");
        all.put("taskmanager.host", "localhost");
        all.put("taskmanager.bind-host", "localhost");
        all.put("rest.address", "localhost");
        all.put("rest.bind-address", "localhost");
        all.put("rest.port", String.valueOf(restPort));
        all.put("io.tmp.dirs", Files.createDirectories(work.resolve("tmp")).toString());
        all.put("web.tmpdir", work.resolve("web").toString());
        all.putAll(settings);
        List<String> yaml = new ArrayList<>();
        all.forEach((k, v) -> yaml.add(k + ": " + quoted(v)));
        Files.write(conf.resolve("config.yaml"), yaml);
        Files.writeString(
                conf.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = File",
                        "appender.file.type = File",
                        "appender.file.name = File",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        ""));

        FlinkSessionCluster cluster =
                new FlinkSessionCluster(conf, logs, split(jvmFlags), restPort);
        try {
            cluster.launch("jobmanager", JOB_MANAGER, List.of("-Xmx448m"), List.of());
            for (int i = 1; i <= taskManagers; i++) {
                cluster.startTaskManager("tm-" + i);
            }
            cluster.awaitTaskManagers(taskManagers, timeout);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts one more TaskManager, with the resource id {@code name}. */
    void startTaskManager(String name) throws IOException, InterruptedException {
        if (taskManagerResources == null) {
            taskManagerResources = taskManagerResources();
        }
        List<String> dynamic = new ArrayList<>(taskManagerResources.get(1));
        dynamic.add("-Dtaskmanager.resource-id=" + name);
        launch(name, TASK_MANAGER, taskManagerResources.get(0), dynamic);
    }

    /**
     * What Flink's taskmanager.sh computes from the configuration with {@code BashJavaUtils}: the
     * JVM's memory options, and the memory and CPU sizes as dynamic properties, which a TaskManager
     * requires.
     */
    private List<List<String>> taskManagerResources() throws IOException, InterruptedException {
        Process utils =
                new ProcessBuilder(
                                java(),
                                "-cp",
                                clusterClasspath(),
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                "GET_TM_RESOURCE_PARAMS",
                                "--configDir",
                                configDir.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(utils.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        utils.waitFor();
        String prefix = "BASH_JAVA_UTILS_EXEC_RESULT:";
        List<List<String>> results =
                output.lines()
                        .filter(l -> l.startsWith(prefix))
                        .map(l -> split(l.substring(prefix.length())))
                        .toList();
        if (utils.exitValue() != 0 || results.size() != 2) {
            throw new IOException("BashJavaUtils GET_TM_RESOURCE_PARAMS failed:\n" + output);
        }
        return results;
    }

    private void launch(
            String name, String mainClass, List<String> jvmOptions, List<String> dynamic)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.addAll(jvmFlags);
        command.addAll(jvmOptions);
        command.add("-Dlog.file=" + logs.resolve(name + ".log").toAbsolutePath());
        command.add("-XX:ErrorFile=" + logs.resolve(name + "-hs_err-%p.log").toAbsolutePath());
        command.add("-Dlog4j.configurationFile=" + configDir.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(clusterClasspath());
        command.add(mainClass);
        command.add("--configDir");
        command.add(configDir.toString());
        command.addAll(dynamic);
        // An argument file keeps the process's command line short: onnxruntime 1.29.0 overflows a
        // 1 MB thread stack creating its environment when /proc/self/cmdline is longer than a few
        // KB (see docs/deploy.md), and this classpath alone is about 13 KB.
        Path argFile = configDir.resolve(name + ".args");
        Files.write(argFile, command.stream().map(FlinkSessionCluster::argFileToken).toList());
        Process process =
                new ProcessBuilder(java(), "@" + argFile)
                        .redirectErrorStream(true)
                        .redirectOutput(logs.resolve(name + ".out").toFile())
                        .start();
        processes.put(name, process);
    }

    /** The base URI of the REST API. */
    URI rest() {
        return rest;
    }

    /** Kills the process named {@code name} at once (SIGKILL), as a lost machine would. */
    void kill(String name) throws InterruptedException {
        Process process = processes.get(name);
        killed.add(name);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Polls {@code done} like {@link #await}, and fails at once if a process this cluster did not
     * kill has exited.
     */
    void awaitWhileUp(String what, Duration timeout, Supplier<Boolean> done) {
        await(
                what,
                timeout,
                () -> {
                    requireUp();
                    return done.get();
                });
    }

    private void requireUp() {
        processes.forEach(
                (name, p) -> {
                    if (!p.isAlive() && !killed.contains(name)) {
                        throw new AssertionError(
                                name
                                        + " exited with code "
                                        + p.exitValue()
                                        + "; see "
                                        + logs.resolve(name + ".log")
                                        + " and "
                                        + logs.resolve(name + ".out"));
                    }
                });
    }

    /** Uploads a jar to {@code /jars/upload}; returns its id. */
    String upload(Path jar) throws IOException, InterruptedException {
        String boundary = UUID.randomUUID().toString();
        String head =
                "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName()
                        + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
        HttpRequest request =
                HttpRequest.newBuilder(rest.resolve("/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofString(head),
                                        HttpRequest.BodyPublishers.ofFile(jar),
                                        HttpRequest.BodyPublishers.ofString(
                                                "\r\n--" + boundary + "--\r\n")))
                        .build();
        String file = send(request).get("filename").asText();
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's main class with {@code args} and {@code parallelism} ({@code
     * /jars/<id>/run}, like {@code flink run -p}); returns the job id.
     */
    String run(String jarId, List<String> args, int parallelism)
            throws IOException, InterruptedException {
        String body =
                JSON.writeValueAsString(
                        Map.of("programArgsList", args, "parallelism", parallelism));
        return send(HttpRequest.newBuilder(rest.resolve("/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build())
                .get("jobid")
                .asText();
    }

    /** {@code GET path} as JSON. */
    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(rest.resolve(path)).GET().build());
    }

    /** Cancels a job ({@code PATCH /jobs/<id>?mode=cancel}); ignores one that has ended. */
    void cancel(String jobId) throws IOException, InterruptedException {
        http.send(
                HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** True once the job and every task of it run. */
    boolean fullyRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = get("/jobs/" + jobId);
        if (!job.get("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode vertex : job.get("vertices")) {
            if (!vertex.get("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return true;
    }

    /** The TaskManagers the REST API lists: id to number of slots in use. */
    Map<String, Integer> slotsInUse() throws IOException, InterruptedException {
        Map<String, Integer> used = new LinkedHashMap<>();
        for (JsonNode tm : get("/taskmanagers").get("taskmanagers")) {
            used.put(
                    tm.get("id").asText(),
                    tm.get("slotsNumber").asInt() - tm.get("freeSlots").asInt());
        }
        return used;
    }

    private void awaitTaskManagers(int count, Duration timeout) {
        awaitWhileUp(
                "the REST API at " + rest + " to list " + count + " TaskManagers",
                timeout,
                () -> {
                    try {
                        return slotsInUse().size() == count;
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                });
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    request.method()
                            + " "
                            + request.uri()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * Polls {@code done} every 200 ms until it is true.
     *
     * @throws AssertionError naming {@code what} if it is not within {@code timeout}
     */
    static void await(String what, Duration timeout, Supplier<Boolean> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what, e);
            }
        }
    }

    /** Kills every process this cluster started, and waits for them to exit. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs (or ran) anyway.
        }
    }

    private void killAll() {
        processes.values().forEach(Process::destroyForcibly);
        for (Process p : processes.values()) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String clusterClasspath() {
        // Failsafe and surefire set java.class.path to the test classpath in the forked JVM.
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            String unix = path.toString().replace(File.separatorChar, '/');
            if (!path.startsWith(root) && JOB_JAR_CONTENTS.stream().noneMatch(unix::contains)) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    private static List<String> split(String options) {
        return Arrays.stream(options.split("\\s+")).filter(o -> !o.isEmpty()).toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String argFileToken(String token) {
        return "\"" + token.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "Flink session cluster at "
                + rest
                + " "
                + processes.keySet()
                + ", config in "
                + configDir
                + ", logs in "
                + logs;
    }
}
