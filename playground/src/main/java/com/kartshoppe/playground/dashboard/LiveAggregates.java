package com.kartshoppe.playground.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.Decision;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.events.serde.AvroCodec;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The counters and recent records behind {@link LiveView}, in bounded memory: every collection has
 * a fixed cap, and maps keyed by values from the topics (reasons, patterns, model names) fold keys
 * beyond {@link #MAX_KEYS} into {@link #OTHER}. Plain Java; all methods are synchronized, so the
 * consumer thread adds while HTTP threads take snapshots.
 */
final class LiveAggregates {

    static final int RECENT_DECISIONS = 50;

    /** Feature contributions kept per decision shown: the largest by magnitude. */
    static final int DECISION_CONTRIBUTIONS = 3;

    static final int USERS_KEPT = 500;
    static final int USERS_LISTED = 50;
    static final int ITEMS_KEPT = 20;
    static final int ACCURACY_POINTS = 500;
    static final int MODEL_SWAPS = 100;
    static final int THROUGHPUT_SECONDS = 300;
    static final int MAX_KEYS = 64;
    static final int VERSIONS_PER_MODEL = 64;
    static final String OTHER = "(other)";

    /** The reason prefix of a CEP pattern hit in a fraud decision ({@code cep:<id>}). */
    static final String CEP_PREFIX = "cep:";

    /** The fraud recall shown: at this decision threshold. */
    static final double RECALL_THRESHOLD = 0.5;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a topic carries, for the view. */
    enum Role {
        INPUT,
        DECISIONS,
        RECOMMENDATIONS,
        MODEL_PARAMS,
        ACCURACY,
        DLQ
    }

    private final AvroCodec<FraudDecision> decisionCodec = AvroCodec.of(EventType.FRAUD_DECISION);
    private final AvroCodec<Recommendation> recoCodec = AvroCodec.of(EventType.RECOMMENDATION);
    private final AvroCodec<AdapterParams> paramsCodec = AvroCodec.of(EventType.ADAPTER_PARAMS);
    private final AvroCodec<DeadLetter> deadLetterCodec = AvroCodec.of(EventType.DEAD_LETTER);

    private long inputRecords;
    private long decisions;
    private long alerts;
    private long recommendations;
    private long deadLetters;
    private long accuracyReports;
    private long adapterUpdates;
    private long modelSwapCount;
    private long decodeFailures;
    private final Map<String, Long> decisionsByDecision = new HashMap<>();
    private final Map<String, Long> alertsByPattern = new HashMap<>();
    private final Map<String, Long> deadLettersByReason = new HashMap<>();
    private final Map<String, String> modelVersions = new HashMap<>();
    private final Map<String, LinkedHashSet<String>> versionsSeen = new HashMap<>();
    private final Map<String, Snapshot.Adapter> adapters = new HashMap<>();
    private final ArrayDeque<Snapshot.Decision> recentDecisions = new ArrayDeque<>();
    private final ArrayDeque<Snapshot.AccuracyPoint> accuracy = new ArrayDeque<>();
    private final ArrayDeque<Snapshot.ModelSwap> modelSwaps = new ArrayDeque<>();
    private final ArrayDeque<Snapshot.RuleSetChange> ruleSetChanges = new ArrayDeque<>();
    private String ruleSetId;
    private long ruleSetVersion;
    private Snapshot.RuleSetInForce ruleSet;

    /** Latest recommendation per user; iteration order is oldest update first. */
    private final LinkedHashMap<String, UserRecommendations> users =
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, UserRecommendations> eldest) {
                    return size() > USERS_KEPT;
                }
            };

    /** Ring of per-second counts, slot {@code second % THROUGHPUT_SECONDS}. */
    private final long[] slotSecond = new long[THROUGHPUT_SECONDS];

    private final long[] slotIn = new long[THROUGHPUT_SECONDS];
    private final long[] slotOut = new long[THROUGHPUT_SECONDS];

    LiveAggregates() {
        Arrays.fill(slotSecond, -1);
    }

    /**
     * Counts one record's value; decodes it if its topic is shown. A value that does not decode is
     * counted in {@code decodeFailures} and otherwise ignored.
     *
     * @param now wall-clock time of receipt, epoch milliseconds
     */
    synchronized void add(Role role, byte[] value, long now) {
        try {
            switch (role) {
                case INPUT -> {
                    inputRecords++;
                    slot(now, true);
                }
                case DECISIONS -> decision(decisionCodec.decode(value), now);
                case RECOMMENDATIONS -> recommendation(recoCodec.decode(value), now);
                case MODEL_PARAMS -> params(paramsCodec.decode(value));
                case ACCURACY -> accuracy(value);
                case DLQ -> deadLetter(deadLetterCodec.decode(value));
            }
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            // IOException: DecodeException, or a malformed JSON report; NullPointerException: a
            // null value (a tombstone); IllegalArgumentException: a bad value in a record
            decodeFailures++;
        }
    }

    private void decision(FraudDecision d, long now) {
        decisions++;
        slot(now, false);
        String decision = d.getDecision().name();
        increment(decisionsByDecision, decision);
        List<String> reasons = new ArrayList<>(d.getReasons().size());
        d.getReasons().forEach(r -> reasons.add(r.toString()));
        if (d.getDecision() == Decision.REVIEW || d.getDecision() == Decision.BLOCK) {
            alerts++;
            for (String reason : reasons) {
                if (reason.startsWith(CEP_PREFIX)) {
                    increment(alertsByPattern, reason.substring(CEP_PREFIX.length()));
                }
            }
        }
        long decidedAt = d.getDecidedAt().toEpochMilli();
        String model = d.getModelName().toString();
        String version = d.getModelVersion().toString();
        recentDecisions.addFirst(
                new Snapshot.Decision(
                        d.getOrderId().toString(),
                        d.getUserId().toString(),
                        d.getScore(),
                        d.getBaseScore(),
                        decision,
                        reasons,
                        topContributions(d.getContributions()),
                        d.getContributionMethod(),
                        model,
                        version,
                        d.getAdapterVersion(),
                        decidedAt));
        if (recentDecisions.size() > RECENT_DECISIONS) {
            recentDecisions.removeLast();
        }
        served(model, version, decidedAt, d.getEventTime().toEpochMilli());
        ruleSet(d, decidedAt);
    }

    /**
     * Tracks the rule set in force. Versions only go up in a job, but its subtasks take a new one
     * each at its own moment, and the topic's partitions are read in any order: a decision under an
     * older version of the same rule set after a newer one is no change.
     */
    private void ruleSet(FraudDecision d, long decidedAt) {
        String id = d.getRuleSetId();
        long version = d.getRuleSetVersion();
        if (ruleSet != null && id.equals(ruleSetId) && version <= ruleSetVersion) {
            return;
        }
        String name = id + " v" + version;
        if (ruleSet != null) {
            ruleSetChanges.addLast(
                    new Snapshot.RuleSetChange(
                            ruleSet.name(), name, decidedAt, d.getEventTime().toEpochMilli()));
            if (ruleSetChanges.size() > MODEL_SWAPS) {
                ruleSetChanges.removeFirst();
            }
        }
        ruleSetId = id;
        ruleSetVersion = version;
        ruleSet = new Snapshot.RuleSetInForce(name, decidedAt);
    }

    private static List<Snapshot.Contribution> topContributions(Map<String, Double> all) {
        return all.entrySet().stream()
                .sorted(
                        Comparator.comparingDouble(
                                        (Map.Entry<String, Double> e) -> -Math.abs(e.getValue()))
                                .thenComparing(Map.Entry::getKey))
                .limit(DECISION_CONTRIBUTIONS)
                .map(e -> new Snapshot.Contribution(e.getKey(), e.getValue()))
                .toList();
    }

    private void recommendation(Recommendation r, long now) {
        recommendations++;
        slot(now, false);
        List<UserRecommendations.Item> items = new ArrayList<>();
        for (RecommendedItem item : r.getItems()) {
            if (items.size() == ITEMS_KEPT) {
                break;
            }
            items.add(
                    new UserRecommendations.Item(
                            item.getProductId().toString(),
                            item.getScore(),
                            item.getBaseScore(),
                            item.getExplored()));
        }
        String user = r.getUserId().toString();
        String model = r.getModelName().toString();
        String version = r.getModelVersion().toString();
        long createdAt = r.getCreatedAt().toEpochMilli();
        users.remove(user); // re-inserted last: the most recent
        users.put(
                user,
                new UserRecommendations(
                        user,
                        r.getRecoId().toString(),
                        model,
                        version,
                        r.getAdapterVersion(),
                        createdAt,
                        items));
        served(model, version, createdAt, r.getEventTime().toEpochMilli());
    }

    /** Tracks the model version in service, and records a swap when a version is new. */
    private void served(String model, String version, long at, long eventTime) {
        LinkedHashSet<String> seen = versionsSeen.get(model);
        if (seen == null) {
            if (versionsSeen.size() >= MAX_KEYS) {
                return; // more model names than a dashboard can show
            }
            seen = new LinkedHashSet<>();
            versionsSeen.put(model, seen);
        }
        if (seen.add(version)) {
            String previous = modelVersions.get(model);
            if (previous != null) {
                modelSwapCount++;
                modelSwaps.addLast(new Snapshot.ModelSwap(model, previous, version, at, eventTime));
                if (modelSwaps.size() > MODEL_SWAPS) {
                    modelSwaps.removeFirst();
                }
            }
            if (seen.size() > VERSIONS_PER_MODEL) {
                Iterator<String> oldest = seen.iterator();
                oldest.next();
                oldest.remove();
            }
        }
        modelVersions.put(model, version);
    }

    private void params(AdapterParams p) {
        String model = p.getModelName().toString();
        if (adapters.size() >= MAX_KEYS && !adapters.containsKey(model)) {
            return;
        }
        adapters.put(
                model,
                new Snapshot.Adapter(
                        model,
                        p.getBaseModelVersion().toString(),
                        p.getAdapterVersion(),
                        p.getExamplesSeen(),
                        p.getPublishedAt().toEpochMilli()));
    }

    private void deadLetter(DeadLetter d) {
        deadLetters++;
        increment(deadLettersByReason, d.getReason().toString());
    }

    /** An accuracy report or adapter update decision, as the feedback job writes them. */
    private void accuracy(byte[] value) throws IOException {
        JsonNode report = JSON.readTree(value);
        if (report == null || !report.isObject()) {
            throw new IOException("not a JSON object");
        }
        String type = report.path("type").asText();
        if (type.equals("adapter-update")) {
            adapterUpdates++;
            return;
        }
        if (!type.equals("accuracy")) {
            throw new IOException("unknown report type '" + type + "'");
        }
        JsonNode adapted = report.path("adapted");
        JsonNode base = report.path("base");
        Snapshot.AccuracyPoint point =
                new Snapshot.AccuracyPoint(
                        text(report, "modelName"),
                        text(report, "modelVersion"),
                        text(report, "useCase"),
                        time(report, "windowStart"),
                        time(report, "windowEnd"),
                        report.path("predictions").asLong(),
                        number(adapted.path("auc")),
                        number(base.path("auc")),
                        recall(adapted),
                        recall(base),
                        number(report.path("reco").path("ctr")));
        accuracyReports++;
        accuracy.addLast(point);
        if (accuracy.size() > ACCURACY_POINTS) {
            accuracy.removeFirst();
        }
    }

    private static String text(JsonNode report, String field) throws IOException {
        JsonNode node = report.get(field);
        if (node == null || !node.isTextual()) {
            throw new IOException("no text field " + field);
        }
        return node.textValue();
    }

    private static long time(JsonNode report, String field) throws IOException {
        try {
            return Instant.parse(text(report, field)).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IOException("malformed time in " + field, e);
        }
    }

    private static Double recall(JsonNode scores) {
        for (JsonNode t : scores.path("thresholds")) {
            if (t.path("threshold").asDouble(Double.NaN) == RECALL_THRESHOLD) {
                return number(t.path("recall"));
            }
        }
        return null;
    }

    private static Double number(JsonNode node) {
        return node.isNumber() ? node.doubleValue() : null;
    }

    private static void increment(Map<String, Long> counts, String key) {
        String k = counts.containsKey(key) || counts.size() < MAX_KEYS ? key : OTHER;
        counts.merge(k, 1L, Long::sum);
    }

    private void slot(long now, boolean in) {
        long second = Math.floorDiv(now, 1000);
        int slot = (int) Math.floorMod(second, (long) THROUGHPUT_SECONDS);
        if (slotSecond[slot] > second) {
            return; // older than the ring (the clock went back): do not clobber a newer second
        }
        if (slotSecond[slot] != second) {
            slotSecond[slot] = second;
            slotIn[slot] = 0;
            slotOut[slot] = 0;
        }
        if (in) {
            slotIn[slot]++;
        } else {
            slotOut[slot]++;
        }
    }

    synchronized Totals totals(String failure) {
        return new Totals(
                inputRecords,
                decisions,
                decisionsByDecision,
                alerts,
                alertsByPattern,
                recommendations,
                deadLetters,
                deadLettersByReason,
                accuracyReports,
                adapterUpdates,
                modelVersions,
                adapterVersionsByModel(),
                modelSwapCount,
                decodeFailures,
                failure);
    }

    private Map<String, Long> adapterVersionsByModel() {
        Map<String, Long> versions = new HashMap<>();
        adapters.forEach((model, a) -> versions.put(model, a.adapterVersion()));
        return versions;
    }

    synchronized Snapshot snapshot(long now, String failure) {
        List<String> recentUsers = new ArrayList<>(USERS_LISTED);
        List<String> all = new ArrayList<>(users.keySet());
        for (int i = all.size() - 1; i >= 0 && recentUsers.size() < USERS_LISTED; i--) {
            recentUsers.add(all.get(i));
        }
        long nowSecond = Math.floorDiv(now, 1000);
        List<Snapshot.Throughput> throughput = new ArrayList<>(THROUGHPUT_SECONDS);
        for (long s = nowSecond - THROUGHPUT_SECONDS + 1; s <= nowSecond; s++) {
            int slot = (int) Math.floorMod(s, (long) THROUGHPUT_SECONDS);
            boolean current = slotSecond[slot] == s;
            throughput.add(
                    new Snapshot.Throughput(
                            s * 1000, current ? slotIn[slot] : 0, current ? slotOut[slot] : 0));
        }
        return new Snapshot(
                now,
                totals(failure),
                new ArrayList<>(recentDecisions),
                recentUsers,
                throughput,
                new ArrayList<>(accuracy),
                new ArrayList<>(modelSwaps),
                adapters,
                ruleSet,
                new ArrayList<>(ruleSetChanges));
    }

    synchronized UserRecommendations recommendationsFor(String userId) {
        return users.get(userId);
    }
}
