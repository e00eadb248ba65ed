package com.kartshoppe.events.catalog;

import com.kartshoppe.events.FeatureSnapshot;
import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named, versioned, ordered list of feature definitions: what a model is trained on and what a
 * {@code FeatureSnapshot} carries. A changed definition means a new version.
 *
 * <pre>{@code
 * FeatureSet set = FeatureCatalog.FRAUD_V1;
 * FeatureSnapshot snapshot = set.snapshot("u-1", eventTime, values);
 * double[] vector = new double[set.size()];
 * int defaulted = set.fill(snapshot.getValues(), vector);
 * }</pre>
 */
public final class FeatureSet implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final int version;
    private final List<FeatureDefinition> definitions;
    private final Map<String, Integer> index = new HashMap<>();

    public FeatureSet(String name, int version, List<FeatureDefinition> definitions) {
        this.name = name;
        this.version = version;
        this.definitions = List.copyOf(definitions);
        for (int i = 0; i < definitions.size(); i++) {
            if (index.put(definitions.get(i).name(), i) != null) {
                throw new IllegalArgumentException(
                        name + " defines '" + definitions.get(i).name() + "' twice");
            }
        }
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    public List<FeatureDefinition> definitions() {
        return definitions;
    }

    public int size() {
        return definitions.size();
    }

    /** Position of the feature, or -1 if the set has no feature of that name. */
    public int indexOf(String feature) {
        return index.getOrDefault(feature, -1);
    }

    public boolean contains(String feature) {
        return index.containsKey(feature);
    }

    /**
     * @throws IllegalArgumentException naming the feature and the set if it is not defined here
     */
    public FeatureDefinition definition(String feature) {
        int i = indexOf(feature);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "Feature set " + name + " v" + version + " has no feature '" + feature + "'");
        }
        return definitions.get(i);
    }

    /** Values in definition order as a name-to-value map, for a {@code FeatureSnapshot}. */
    public Map<String, Double> toMap(double[] values) {
        if (values.length != definitions.size()) {
            throw new IllegalArgumentException(
                    name
                            + " has "
                            + definitions.size()
                            + " features, got "
                            + values.length
                            + " values");
        }
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(definitions.get(i).name(), values[i]);
        }
        return map;
    }

    /**
     * The snapshot of this set for an entity as of {@code eventTime}, from values in definition
     * order: what scoring consumes, predictions log and the feature store keeps.
     */
    public FeatureSnapshot snapshot(String entityId, long eventTime, double[] values) {
        return FeatureSnapshot.newBuilder()
                .setEntityId(entityId)
                .setFeatureSet(name)
                .setFeatureSetVersion(version)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setValues(toMap(values))
                .build();
    }

    /**
     * Values in definition order from values by name, for a model: a feature absent from {@code
     * values} takes its definition's default; names the set does not define are ignored.
     *
     * @return the number of features that took their default
     */
    public int fill(Map<String, Double> values, double[] into) {
        int missing = 0;
        for (int i = 0; i < definitions.size(); i++) {
            Double v = values.get(definitions.get(i).name());
            if (v == null) {
                into[i] = definitions.get(i).defaultValue();
                missing++;
            } else {
                into[i] = v;
            }
        }
        return missing;
    }

    @Override
    public String toString() {
        return name + " v" + version;
    }
}
