package com.kartshoppe.featurestore.store;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A throw-away {@code redis-server} process on a free loopback port, without persistence, for
 * tests, benchmarks and local runs. It needs Debian's {@code redis-server} package (or any
 * redis-server on the PATH).
 *
 * <pre>{@code
 * try (LocalRedis redis = LocalRedis.start()) {
 *     URI uri = redis.uri();
 * }
 * }</pre>
 */
public final class LocalRedis implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final URI uri;
    private Process process;

    private LocalRedis(Path binary, int port) {
        this.binary = binary;
        this.port = port;
        this.uri = URI.create("redis://127.0.0.1:" + port);
    }

    /**
     * Starts a redis-server and waits until it answers PING.
     *
     * @throws IllegalStateException when no redis-server is installed or it does not start
     */
    public static LocalRedis start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        LocalRedis redis = new LocalRedis(binary(), port);
        redis.launch();
        return redis;
    }

    /**
     * Starts the stopped server again on the same port. Without persistence it comes back empty, as
     * a Redis without persistence does after a restart.
     *
     * @throws IllegalStateException when it is still running or does not start
     */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is still running");
        }
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        Path log = Files.createTempFile("redis-" + port + "-", ".log");
        process =
                new ProcessBuilder(
                                binary.toString(),
                                "--port",
                                Integer.toString(port),
                                "--bind",
                                "127.0.0.1",
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--protected-mode",
                                "no")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (RedisClient client = RedisClient.create(uri)) {
            while (true) {
                try {
                    client.ping();
                    return;
                } catch (JedisConnectionException e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        process.destroyForcibly().waitFor();
                        throw new IllegalStateException(
                                binary
                                        + " did not start on port "
                                        + port
                                        + ": "
                                        + Files.readString(log),
                                e);
                    }
                    // Not listening yet: ask again once the process had a moment to bind.
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private static Path binary() {
        List<Path> candidates =
                Stream.concat(
                                Stream.of(
                                                System.getenv()
                                                        .getOrDefault("PATH", "")
                                                        .split(File.pathSeparator))
                                        .filter(dir -> !dir.isEmpty())
                                        .map(dir -> Path.of(dir, "redis-server")),
                                Stream.of(
                                        Path.of("/usr/bin/redis-server"),
                                        Path.of("/usr/sbin/redis-server")))
                        .toList();
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "No redis-server found on the PATH or in /usr/bin: install"
                                                + " Debian's redis-server package (.ci/run does)"));
    }

    /** Where it listens, e.g. {@code redis://127.0.0.1:40123}. */
    public URI uri() {
        return uri;
    }

    /** Stops the server and waits for it to exit; {@link #restart()} starts it again. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server and waits for it to exit. */
    @Override
    public void close() {
        stop();
    }
}
