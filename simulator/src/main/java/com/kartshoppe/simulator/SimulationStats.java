package com.kartshoppe.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run produced, as ground truth for tests and users: records per topic, every injected
 * fault, sessions, orders, fraud by tactic and labels. Written as {@code summary.json} next to
 * JSON-lines output and printed at the end of a run.
 */
public final class SimulationStats {

    /** Delays beyond this trail the default watermark (5 s out-of-orderness). */
    static final long DEFAULT_OUT_OF_ORDERNESS_MILLIS = 5_000;

    private final Map<String, Long> records = new TreeMap<>();
    private final Map<String, Long> duplicates = new TreeMap<>();
    private final Map<String, Long> delayed = new TreeMap<>();
    private final Map<String, Long> late = new TreeMap<>();
    private final Map<String, Long> malformed = new TreeMap<>();
    private final Map<String, Long> fraudOrders = new TreeMap<>();
    private final Map<String, Long> attacks = new TreeMap<>();
    private final Map<String, Long> labels = new TreeMap<>();
    private long sessions;
    // Volatile: a live run's owner reads these while the simulation thread (the only writer)
    // counts.
    private volatile long orders;
    private volatile long fraudOrderTotal;
    private long recommendationsReceived;
    private long recoClicks;

    void record(String topic) {
        add(records, topic);
    }

    void duplicate(String topic) {
        add(duplicates, topic);
    }

    void delayed(String topic, long delayMillis) {
        add(delayed, topic);
        if (delayMillis > DEFAULT_OUT_OF_ORDERNESS_MILLIS) {
            add(late, topic);
        }
    }

    void malformed(MalformedKind kind, String topic) {
        add(malformed, kind.id() + "@" + topic);
    }

    void session() {
        sessions++;
    }

    void order(FraudTactic tactic) {
        orders++;
        if (tactic != null) {
            fraudOrderTotal++;
            add(fraudOrders, tactic.id());
        }
    }

    void attack(FraudTactic tactic) {
        add(attacks, tactic.id());
    }

    void label(String type) {
        add(labels, type);
    }

    void recommendationReceived() {
        recommendationsReceived++;
    }

    void recoClick() {
        recoClicks++;
    }

    private static void add(Map<String, Long> map, String key) {
        map.merge(key, 1L, Long::sum);
    }

    /** Records written per topic, faults and duplicates excluded. */
    public Map<String, Long> records() {
        return Map.copyOf(records);
    }

    public long records(String topic) {
        return records.getOrDefault(topic, 0L);
    }

    public Map<String, Long> duplicates() {
        return Map.copyOf(duplicates);
    }

    /** Records sent after records with later event times, per topic. */
    public Map<String, Long> delayed() {
        return Map.copyOf(delayed);
    }

    /**
     * Delayed records whose delay exceeds the default 5 s watermark out-of-orderness: most of them
     * arrive behind the watermark downstream (late), unless other sources hold it back.
     */
    public Map<String, Long> delayedOver5s() {
        return Map.copyOf(late);
    }

    /** Injected bad records, keyed {@code kind@topic}. */
    public Map<String, Long> malformed() {
        return Map.copyOf(malformed);
    }

    public long malformed(MalformedKind kind) {
        return malformed.entrySet().stream()
                .filter(e -> e.getKey().startsWith(kind.id() + "@"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** Orders placed by fraudsters, per tactic id (ground truth, before label noise). */
    public Map<String, Long> fraudOrders() {
        return Map.copyOf(fraudOrders);
    }

    public Map<String, Long> attacks() {
        return Map.copyOf(attacks);
    }

    public Map<String, Long> labels() {
        return Map.copyOf(labels);
    }

    public long sessions() {
        return sessions;
    }

    /** Orders placed so far; may be read from any thread while the simulation runs. */
    public long orders() {
        return orders;
    }

    /**
     * Orders placed by fraudsters so far, every tactic; may be read from any thread while the
     * simulation runs.
     */
    public long fraudOrderTotal() {
        return fraudOrderTotal;
    }

    public long recommendationsReceived() {
        return recommendationsReceived;
    }

    public long recoClicks() {
        return recoClicks;
    }

    /** Stable, pretty JSON (sorted keys). */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.putPOJO("records", records);
        root.putPOJO("duplicates", duplicates);
        root.putPOJO("outOfOrder", delayed);
        root.putPOJO("delayedOver5s", late);
        root.putPOJO("malformed", malformed);
        root.put("sessions", sessions);
        root.put("orders", orders);
        root.putPOJO("fraudOrders", fraudOrders);
        root.putPOJO("attacks", attacks);
        root.putPOJO("labels", labels);
        root.put("recommendationsReceived", recommendationsReceived);
        root.put("recoClicks", recoClicks);
        try {
            return mapper.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
