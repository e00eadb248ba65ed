package com.kartshoppe.playground.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The model versions a backtest's outputs name: per model and version, how many outputs it made and
 * the adapter versions it served with. Outputs without a model version (decided without a model)
 * are counted under an empty version.
 */
final class ModelsJson {

    private ModelsJson() {}

    /** What one output names. */
    record Served(String model, String version, long adapterVersion) {}

    static <T> ArrayNode of(List<T> outputs, Function<T, Served> served) {
        Map<String, long[]> byVersion = new TreeMap<>(); // [outputs, min adapter, max adapter]
        Map<String, Served> names = new TreeMap<>();
        for (T output : outputs) {
            Served s = served.apply(output);
            String key = s.model() + "\u0000" + s.version();
            names.putIfAbsent(key, s);
            long[] v =
                    byVersion.computeIfAbsent(
                            key, k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
            v[0]++;
            v[1] = Math.min(v[1], s.adapterVersion());
            v[2] = Math.max(v[2], s.adapterVersion());
        }
        ArrayNode json = JsonNodeFactory.instance.arrayNode();
        byVersion.forEach(
                (key, v) ->
                        json.addObject()
                                .put("model", names.get(key).model())
                                .put("version", names.get(key).version())
                                .put("outputs", v[0])
                                .put("firstAdapterVersion", v[1])
                                .put("lastAdapterVersion", v[2]));
        return json;
    }
}
