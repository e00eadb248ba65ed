package com.kartshoppe.jobkit.testing;

import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
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
        return keyed(function, key, backend, null);
    }

    /**
     * As above, restored from {@code snapshot} (a {@code harness.snapshot(...)} of an earlier one)
     * unless it is null.
     */
    public static <I, O> KeyedOneInputStreamOperatorTestHarness<String, I, O> keyed(
            KeyedProcessFunction<String, I, O> function,
            KeySelector<I, String> key,
            Backend backend,
            OperatorSubtaskState snapshot)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, I, O> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function), key, Types.STRING);
        harness.setStateBackend(stateBackend(backend));
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        return harness;
    }

    /** The same for a keyed two-input function, both inputs keyed by a string. */
    public static <I1, I2, O> KeyedTwoInputStreamOperatorTestHarness<String, I1, I2, O> keyed(
            KeyedCoProcessFunction<String, I1, I2, O> function,
            KeySelector<I1, String> key1,
            KeySelector<I2, String> key2,
            Backend backend)
            throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, I1, I2, O> harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(function), key1, key2, Types.STRING);
        harness.setStateBackend(stateBackend(backend));
        harness.open();
        return harness;
    }

    /**
     * The same for a keyed broadcast function: input 1 keyed by a string, input 2 the broadcast
     * side with {@code broadcastStates}; {@code output} types what it emits (the harness copies
     * each output record).
     */
    public static <I1, I2, O>
            KeyedTwoInputStreamOperatorTestHarness<String, I1, I2, O> keyedBroadcast(
                    KeyedBroadcastProcessFunction<String, I1, I2, O> function,
                    KeySelector<I1, String> key,
                    TypeInformation<O> output,
                    Backend backend,
                    MapStateDescriptor<?, ?>... broadcastStates)
                    throws Exception {
        return keyedBroadcast(function, key, output, backend, null, broadcastStates);
    }

    /**
     * As above, restored from {@code snapshot} (a {@code harness.snapshot(...)} of an earlier one)
     * unless it is null.
     */
    public static <I1, I2, O>
            KeyedTwoInputStreamOperatorTestHarness<String, I1, I2, O> keyedBroadcast(
                    KeyedBroadcastProcessFunction<String, I1, I2, O> function,
                    KeySelector<I1, String> key,
                    TypeInformation<O> output,
                    Backend backend,
                    OperatorSubtaskState snapshot,
                    MapStateDescriptor<?, ?>... broadcastStates)
                    throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, I1, I2, O> harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(function, List.of(broadcastStates)),
                        key,
                        null,
                        Types.STRING);
        harness.setup(output.createSerializer(new SerializerConfigImpl()));
        harness.setStateBackend(stateBackend(backend));
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        return harness;
    }

    private static StateBackend stateBackend(Backend backend) {
        return backend == Backend.ROCKSDB
                ? new EmbeddedRocksDBStateBackend()
                : new HashMapStateBackend();
    }
}
