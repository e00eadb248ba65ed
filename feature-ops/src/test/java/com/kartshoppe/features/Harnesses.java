package com.kartshoppe.features;

import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** Opens keyed operator test harnesses on the heap or on RocksDB, as deployed jobs run. */
public final class Harnesses {

    /** The state backends the operator tests run on. */
    public enum Backend {
        HEAP,
        ROCKSDB
    }

    private Harnesses() {}

    /**
     * Keyed state entries left: {@code numKeyedStateEntries()} on the heap; on RocksDB, which does
     * not count entries, the keys holding any of the named states (value or map states in the
     * default namespace).
     */
    public static int stateEntries(
            KeyedOneInputStreamOperatorTestHarness<String, ?, ?> harness,
            Backend backend,
            String... states)
            throws Exception {
        return backend == Backend.HEAP
                ? harness.numKeyedStateEntries()
                : keysHolding(harness.getOperator().getKeyedStateBackend(), states);
    }

    /** The same for a two-input operator. */
    public static int stateEntries(
            KeyedTwoInputStreamOperatorTestHarness<String, ?, ?, ?> harness,
            Backend backend,
            String... states)
            throws Exception {
        return backend == Backend.HEAP
                ? harness.numKeyedStateEntries()
                : keysHolding(
                        ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend(),
                        states);
    }

    private static int keysHolding(KeyedStateBackend<String> keyed, String... states)
            throws Exception {
        int n = 0;
        for (String state : states) {
            try (Stream<String> keys = keyed.getKeys(state, VoidNamespace.INSTANCE)) {
                n += (int) keys.count();
            }
        }
        return n;
    }

    public static <I, O> KeyedOneInputStreamOperatorTestHarness<String, I, O> keyed(
            KeyedProcessFunction<String, I, O> function,
            KeySelector<I, String> key,
            Backend backend)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, I, O> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function), key, Types.STRING);
        harness.setStateBackend(
                backend == Backend.ROCKSDB
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        harness.open();
        return harness;
    }
}
