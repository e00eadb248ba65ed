package com.kartshoppe.featurestore.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.featurestore.server.FeatureServer.BadRequest;
import com.kartshoppe.featurestore.store.OnlineStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /get-online-features} in the shape Feast's feature server uses, so Feast clients and
 * habits carry over. A request names features as {@code "featureSet:feature"} references (or a
 * whole set as {@code "feature_service"}) and the entity rows as one list of user ids:
 *
 * <pre>{@code
 * {"features": ["fraud_v1:orders_1h", "fraud_v1:amount_1h_eur"],
 *  "entities": {"user_id": ["u-1", "nobody"]},
 *  "full_feature_names": false}
 * }</pre>
 *
 * The answer is column-wise, as Feast's: {@code metadata.feature_names} lists {@code user_id} then
 * each feature, and {@code results[i]} holds that column's {@code values}, {@code statuses} and
 * {@code event_timestamps}, one per entity row, in the request's order:
 *
 * <ul>
 *   <li>{@code PRESENT}: the value and the event time of the snapshot it comes from;
 *   <li>{@code NOT_FOUND}: no values for the entity (or none for that feature): a null value and
 *       the epoch as its time. A missing entity is a 200 like any other;
 *   <li>{@code OUTSIDE_MAX_AGE}: the value is older than {@code feature-store.server.max-age}: a
 *       null value and its real event time.
 * </ul>
 *
 * Every feature set is keyed by the shopper, so the only entity key is {@code user_id}. With {@code
 * full_feature_names} the columns are named {@code featureSet__feature}; without it, two sets'
 * features of the same name in one request are refused. Malformed requests get 400 naming the
 * field.
 */
final class OnlineFeatures {

    /** The entity key of every feature set: the shopper's user id. */
    static final String ENTITY_KEY = "user_id";

    private static final String EPOCH = Instant.EPOCH.toString();

    private final Map<String, FeatureSet> catalogue;
    private final OnlineStore store;
    private final int maxRows;
    private final Duration maxAge;

    OnlineFeatures(
            Map<String, FeatureSet> catalogue, OnlineStore store, int maxRows, Duration maxAge) {
        this.catalogue = catalogue;
        this.store = store;
        this.maxRows = maxRows;
        this.maxAge = maxAge;
    }

    /** A requested feature: its set and name, and its column name in the answer. */
    private record Ref(FeatureSet set, String feature, String column) {}

    /**
     * The answer to a request, at wall-clock time {@code now} (epoch millis).
     *
     * @throws BadRequest naming the field of a malformed request
     */
    Map<String, Object> answer(JsonNode request, long now) {
        List<Ref> refs = refs(request);
        List<String> ids = entityRows(request.path("entities"));

        Map<String, List<Optional<FeatureSnapshot>>> found = new LinkedHashMap<>();
        for (Ref ref : refs) {
            found.computeIfAbsent(ref.set().name(), set -> store.getAll(set, ids));
        }
        List<String> names = new ArrayList<>(refs.size() + 1);
        names.add(ENTITY_KEY);
        List<Map<String, Object>> results = new ArrayList<>(refs.size() + 1);
        results.add(
                column(
                        new ArrayList<>(ids),
                        Collections.nCopies(ids.size(), "PRESENT"),
                        Collections.nCopies(ids.size(), EPOCH)));
        for (Ref ref : refs) {
            names.add(ref.column());
            List<Optional<FeatureSnapshot>> snapshots = found.get(ref.set().name());
            List<Object> values = new ArrayList<>(ids.size());
            List<String> statuses = new ArrayList<>(ids.size());
            List<String> times = new ArrayList<>(ids.size());
            for (Optional<FeatureSnapshot> s : snapshots) {
                Double value = s.map(v -> v.getValues().get(ref.feature())).orElse(null);
                if (value == null) {
                    values.add(null);
                    statuses.add("NOT_FOUND");
                    times.add(EPOCH);
                    continue;
                }
                Instant eventTime = s.get().getEventTime();
                boolean tooOld =
                        !maxAge.isZero() && now - eventTime.toEpochMilli() > maxAge.toMillis();
                values.add(tooOld ? null : value);
                statuses.add(tooOld ? "OUTSIDE_MAX_AGE" : "PRESENT");
                times.add(eventTime.toString());
            }
            results.add(column(values, statuses, times));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("metadata", Map.of("feature_names", names));
        answer.put("results", results);
        return answer;
    }

    private List<Ref> refs(JsonNode request) {
        JsonNode features = request.path("features");
        JsonNode service = request.path("feature_service");
        boolean full = request.path("full_feature_names").asBoolean(false);
        if (!features.isMissingNode() && !service.isMissingNode()) {
            throw new BadRequest(400, "give either features or feature_service, not both");
        }
        List<Ref> refs = new ArrayList<>();
        if (!service.isMissingNode()) {
            if (!service.isTextual()) {
                throw new BadRequest(400, "feature_service: expected a feature set's name");
            }
            FeatureSet set = set(service.textValue(), "feature_service");
            set.definitions().forEach(d -> refs.add(ref(set, d.name(), full)));
            return refs;
        }
        if (!features.isArray() || features.isEmpty()) {
            throw new BadRequest(
                    400,
                    "features: expected [\"featureSet:feature\", ...] with at least one"
                            + " reference, or a feature_service");
        }
        Set<String> columns = new HashSet<>();
        for (int i = 0; i < features.size(); i++) {
            String field = "features[" + i + "]";
            JsonNode f = features.get(i);
            int colon = f.isTextual() ? f.textValue().indexOf(':') : -1;
            if (colon <= 0 || colon == f.textValue().length() - 1) {
                throw new BadRequest(
                        400, field + ": " + f + " is not a \"featureSet:feature\" reference");
            }
            FeatureSet set = set(f.textValue().substring(0, colon), field);
            String feature = f.textValue().substring(colon + 1);
            if (!set.contains(feature)) {
                throw new BadRequest(
                        400,
                        field
                                + ": feature set "
                                + set.name()
                                + " has no feature '"
                                + feature
                                + "'; see GET /feature-sets");
            }
            Ref ref = ref(set, feature, full);
            if (!columns.add(ref.column())) {
                throw new BadRequest(
                        400,
                        field
                                + ": column '"
                                + ref.column()
                                + "' requested twice"
                                + (full ? "" : "; set full_feature_names to tell sets apart"));
            }
            refs.add(ref);
        }
        return refs;
    }

    private static Ref ref(FeatureSet set, String feature, boolean full) {
        return new Ref(set, feature, full ? set.name() + "__" + feature : feature);
    }

    private FeatureSet set(String name, String field) {
        FeatureSet set = catalogue.get(name);
        if (set == null) {
            throw new BadRequest(
                    400, field + ": " + FeatureServer.unknownSet(name, catalogue.keySet()));
        }
        return set;
    }

    private List<String> entityRows(JsonNode entities) {
        if (!entities.isObject() || entities.size() != 1 || !entities.has(ENTITY_KEY)) {
            throw new BadRequest(
                    400,
                    "entities: expected {\""
                            + ENTITY_KEY
                            + "\": [\"id\", ...]}: every feature set is keyed by "
                            + ENTITY_KEY);
        }
        JsonNode ids = entities.get(ENTITY_KEY);
        if (!ids.isArray() || ids.isEmpty()) {
            throw new BadRequest(
                    400, "entities." + ENTITY_KEY + ": expected a list of at least one id");
        }
        return FeatureServer.entityIds(ids, "entities." + ENTITY_KEY, maxRows);
    }

    private static Map<String, Object> column(
            List<Object> values, List<String> statuses, List<String> times) {
        Map<String, Object> column = new LinkedHashMap<>();
        column.put("values", values);
        column.put("statuses", statuses);
        column.put("event_timestamps", times);
        return column;
    }
}
