package com.kartshoppe.playground.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's web server: the page, its scripts and the Chart.js WebJar from the class path,
 * and a {@link LiveView} as JSON. No build step and no CDN: the page works offline.
 *
 * <ul>
 *   <li>{@code GET /}: the page ({@code dashboard/index.html} in the playground's resources).
 *   <li>{@code GET /static/<file>}: its script and style sheet.
 *   <li>{@code GET /webjars/<name>/<path>}: WebJar files ({@code META-INF/resources/webjars/...});
 *       the version may be left out of the path.
 *   <li>{@code GET /events}: server-sent events, one {@link Snapshot} as JSON at once and then
 *       every second; at most {@value #MAX_EVENT_CLIENTS} clients at a time, further ones get 503.
 *   <li>{@code GET /api/snapshot}: the same snapshot once.
 *   <li>{@code GET /api/recommendations?user=<id>}: {@code {"userId", "found", "recommendation"}}
 *       with the shopper's latest recommendation, or {@code found} false and null if none is kept.
 *   <li>{@code GET /health}: 200 UP while the view reads its topics, 503 DOWN with the reason.
 * </ul>
 *
 * <pre>{@code
 * try (LiveView view = LiveView.start(kafka, conf);
 *         DashboardServer server = DashboardServer.start(view, "127.0.0.1", 8080)) {
 *     System.out.println("Dashboard: " + server.uri());
 * }
 * }</pre>
 *
 * <p>One thread serialises the snapshot once a second and writes it to every connected client; a
 * client that has gone away fails its next write and is dropped. A client that stops reading
 * without closing its connection holds that thread until its socket buffer drains or the connection
 * breaks, so the number of clients is bounded.
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // As in the feature server: without TCP_NODELAY the JDK server delays small replies.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Event-stream clients served at once. */
    static final int MAX_EVENT_CLIENTS = 16;

    /** How often a snapshot is sent to event-stream clients. */
    static final long EVENT_INTERVAL_MILLIS = 1000;

    private static final String PAGES = "dashboard/";
    private static final String WEBJARS = "META-INF/resources/webjars/";
    private static final Map<String, String> CONTENT_TYPES =
            Map.of(
                    "html", "text/html; charset=utf-8",
                    "js", "text/javascript; charset=utf-8",
                    "mjs", "text/javascript; charset=utf-8",
                    "css", "text/css; charset=utf-8",
                    "map", "application/json",
                    "json", "application/json",
                    "svg", "image/svg+xml",
                    "png", "image/png");

    private final HttpServer http;
    private final ExecutorService executor;
    private final ScheduledExecutorService events;
    private final LiveView view;
    private final List<EventClient> clients = new CopyOnWriteArrayList<>();
    private final Semaphore eventSlots = new Semaphore(MAX_EVENT_CLIENTS);
    private final Map<String, String> webjarVersions = new ConcurrentHashMap<>();

    private DashboardServer(HttpServer http, LiveView view) {
        this.http = http;
        this.view = view;
        this.executor =
                Executors.newFixedThreadPool(
                        4,
                        r -> {
                            Thread t = new Thread(r, "dashboard-http");
                            t.setDaemon(true);
                            return t;
                        });
        this.events =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "dashboard-events");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Binds and starts serving.
     *
     * @param port 0 picks a free port; see {@link #uri()}
     * @throws IOException naming the address when it cannot be bound
     */
    public static DashboardServer start(LiveView view, String host, int port) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        HttpServer http;
        try {
            http = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new IOException(
                    "Cannot serve the dashboard on " + address + ": " + e.getMessage(), e);
        }
        DashboardServer server = new DashboardServer(http, view);
        http.createContext("/", server::handle);
        http.setExecutor(server.executor);
        http.start();
        server.events.scheduleWithFixedDelay(
                server::broadcast,
                EVENT_INTERVAL_MILLIS,
                EVENT_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        return server;
    }

    /** The address it serves, e.g. {@code http://127.0.0.1:8080}; the page is at its root. */
    public URI uri() {
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    /** Event-stream clients connected now. */
    public int eventClients() {
        return clients.size();
    }

    /**
     * Waits until exactly {@code count} event-stream clients are connected, woken whenever one
     * joins or is dropped; for tests.
     *
     * @return whether it happened within the timeout
     */
    boolean awaitEventClients(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (clients) {
            while (clients.size() != count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                clients.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void clientsChanged() {
        synchronized (clients) {
            clients.notifyAll();
        }
    }

    /**
     * Ends the event streams, stops accepting requests and frees the port; the {@link LiveView}
     * stays open (its owner closes it).
     */
    @Override
    public void close() {
        events.shutdownNow();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(EventClient::close);
        clients.clear();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                reply(exchange, 405, "application/json", error("method not allowed; use GET"));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            switch (path) {
                case "/", "/index.html" -> resource(exchange, PAGES + "index.html");
                case "/events" -> subscribe(exchange);
                case "/api/snapshot" -> json(exchange, 200, view.snapshot());
                case "/api/recommendations" -> recommendations(exchange);
                case "/health" -> health(exchange);
                case "/favicon.ico" -> reply(exchange, 204, "text/plain", new byte[0]);
                default -> {
                    if (path.startsWith("/static/")) {
                        String file = relative(path, "/static/");
                        resource(exchange, file == null ? null : PAGES + file);
                    } else if (path.startsWith("/webjars/")) {
                        webjar(exchange, relative(path, "/webjars/"));
                    } else {
                        reply(exchange, 404, "application/json", error("no such page " + path));
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Dashboard request {} failed", exchange.getRequestURI(), e);
            reply(exchange, 500, "application/json", error("internal error: " + e));
        }
    }

    /** The percent-decoded rest of the path, or null if it tries to leave its folder. */
    private static String relative(String rawPath, String prefix) {
        String rest = URLDecoder.decode(rawPath.substring(prefix.length()), StandardCharsets.UTF_8);
        for (String segment : rest.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        return rest;
    }

    private void resource(HttpExchange exchange, String name) throws IOException {
        byte[] body = name == null ? null : classpath(name);
        if (body == null) {
            reply(exchange, 404, "application/json", error("no such file"));
        } else {
            reply(exchange, 200, contentType(name), body);
        }
    }

    /** A WebJar file; a path without the version gets the version on the class path. */
    private void webjar(HttpExchange exchange, String path) throws IOException {
        if (path == null) {
            resource(exchange, null);
            return;
        }
        byte[] body = classpath(WEBJARS + path);
        if (body == null) {
            int slash = path.indexOf('/');
            String version = slash < 0 ? null : webjarVersion(path.substring(0, slash));
            if (version != null) {
                String versioned = path.substring(0, slash) + "/" + version + path.substring(slash);
                body = classpath(WEBJARS + versioned);
            }
        }
        if (body == null) {
            reply(exchange, 404, "application/json", error("no such WebJar file " + path));
        } else {
            reply(exchange, 200, contentType(path), body);
        }
    }

    private String webjarVersion(String name) {
        return webjarVersions.computeIfAbsent(
                name,
                n -> {
                    for (String group : List.of("org.webjars.npm", "org.webjars")) {
                        byte[] pom =
                                classpath("META-INF/maven/" + group + "/" + n + "/pom.properties");
                        if (pom != null) {
                            Properties p = new Properties();
                            try {
                                p.load(new ByteArrayInputStream(pom));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            return p.getProperty("version", "");
                        }
                    }
                    return "";
                });
    }

    private static byte[] classpath(String name) {
        ClassLoader loader = DashboardServer.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + " from the class path", e);
        }
    }

    private static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private void recommendations(HttpExchange exchange) throws IOException {
        String user = query(exchange.getRequestURI().getRawQuery()).get("user");
        if (user == null || user.isBlank()) {
            reply(exchange, 400, "application/json", error("expected ?user=<userId>"));
            return;
        }
        // 200 either way: the page asks for a shopper it was offered, who may have been evicted
        // since, and a browser reports every 404 as a console error.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", user);
        var found = view.recommendationsFor(user);
        body.put("found", found.isPresent());
        body.put("recommendation", found.orElse(null));
        json(exchange, 200, body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.putIfAbsent(
                    URLDecoder.decode(key, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private void health(HttpExchange exchange) throws IOException {
        Exception failure = view.failure();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", failure == null ? "UP" : "DOWN");
        body.put("eventClients", clients.size());
        if (failure != null) {
            body.put("reason", failure.toString());
        }
        json(exchange, failure == null ? 200 : 503, body);
    }

    private void subscribe(HttpExchange exchange) throws IOException {
        if (!eventSlots.tryAcquire()) {
            reply(
                    exchange,
                    503,
                    "application/json",
                    error(MAX_EVENT_CLIENTS + " event clients already connected"));
            return;
        }
        EventClient client = new EventClient(exchange, eventSlots);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // chunked; the handler returns, the stream stays
        // The first snapshot at once, so a new page fills without waiting for the next tick.
        byte[] first = ("retry: 2000\n" + event(view.snapshot())).getBytes(StandardCharsets.UTF_8);
        if (client.send(first)) {
            clients.add(client);
            clientsChanged();
        }
    }

    /** Sends one snapshot to every client; drops those whose connection is gone. */
    private void broadcast() {
        if (clients.isEmpty()) {
            return;
        }
        try {
            byte[] message = event(view.snapshot()).getBytes(StandardCharsets.UTF_8);
            for (EventClient client : clients) {
                if (!client.send(message)) {
                    clients.remove(client);
                    clientsChanged();
                }
            }
        } catch (RuntimeException e) {
            // A failure must not cancel the schedule: log it and try again at the next tick.
            LOG.error("Cannot send a dashboard snapshot", e);
        }
    }

    private static String event(Snapshot snapshot) {
        try {
            return "event: snapshot\ndata: " + JSON.writeValueAsString(snapshot) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a snapshot as JSON", e);
        }
    }

    private static byte[] error(String message) {
        try {
            return JSON.writeValueAsBytes(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        reply(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            boolean empty = status == 204 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, empty ? -1 : body.length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** One open event stream. */
    private static final class EventClient {
        private final HttpExchange exchange;
        private final Semaphore slots;
        private boolean closed;

        EventClient(HttpExchange exchange, Semaphore slots) {
            this.exchange = exchange;
            this.slots = slots;
        }

        /** Writes one message; false (and closed) if the client has gone away. */
        synchronized boolean send(byte[] message) {
            if (closed) {
                return false;
            }
            try {
                OutputStream out = exchange.getResponseBody();
                out.write(message);
                out.flush();
                return true;
            } catch (IOException e) {
                close();
                return false;
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                slots.release();
                exchange.close();
            }
        }
    }
}
