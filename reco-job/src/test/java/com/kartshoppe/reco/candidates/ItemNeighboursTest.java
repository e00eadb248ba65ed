package com.kartshoppe.reco.candidates;

import static com.kartshoppe.features.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.kartshoppe.jobkit.testing.Harnesses.Backend;
import com.kartshoppe.reco.Decay;
import com.kartshoppe.reco.RecoOptions;
import com.kartshoppe.reco.session.RecoRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests for {@link ItemNeighbours}, live (on arrival) and for input in event-time order. */
class ItemNeighboursTest {

    private static final Duration RETENTION = RecoOptions.PROFILE_RETENTION.defaultValue();
    private static final long HALF_LIFE = Duration.ofHours(6).toMillis();

    private KeyedTwoInputStreamOperatorTestHarness<String, CoView, RecoRequest, RecoRequest>
            harness;
    private int requests;

    private void open(Configuration conf, boolean atWatermark, Backend backend) throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new ItemNeighbours(RecoOptions.settings(conf), atWatermark)),
                        v -> v.productId,
                        r -> r.productId,
                        Types.STRING);
        harness.setStateBackend(
                backend == Backend.ROCKSDB
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        harness.setStateTtlProcessingTime(0);
        harness.open();
    }

    private void open(boolean atWatermark, Backend backend) throws Exception {
        open(new Configuration(), atWatermark, backend);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static CoView coView(String product, String neighbour, double weight, Instant t) {
        return new CoView(product, neighbour, "cat-" + neighbour, weight, t.toEpochMilli());
    }

    private RecoRequest request(String product, Instant t) {
        RecoRequest r = new RecoRequest();
        r.recoId = "reco-" + ++requests;
        r.userId = "u1";
        r.sessionId = "s-u1";
        r.eventTime = t.toEpochMilli();
        r.productId = product;
        r.category = "cat-" + product;
        r.sessionViews = 1;
        r.sessionItems = new String[] {product};
        r.sessionCategories = new String[] {r.category};
        r.sessionCategoryViews = new int[] {1};
        r.interestCategories = new String[] {r.category};
        r.interestShares = new double[] {1};
        r.typicalPriceEur = Double.NaN;
        return r;
    }

    private void send(CoView v) throws Exception {
        harness.processElement1(v, v.eventTime);
    }

    private void send(RecoRequest r) throws Exception {
        harness.processElement2(r, r.eventTime);
    }

    private List<RecoRequest> out() {
        return harness.extractOutputValues();
    }

    private RecoRequest last() {
        List<RecoRequest> all = out();
        return all.get(all.size() - 1);
    }

    private KeyedStateBackend<String> keyed() {
        return ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    }

    /** The neighbours the product's keyed state holds, as stored (not cut to the top n). */
    private Neighbours stored(String product) throws Exception {
        KeyedStateBackend<String> keyed = keyed();
        keyed.setCurrentKey(product);
        return keyed.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ValueStateDescriptor<>(
                                "neighbours", TypeInformation.of(Neighbours.class)))
                .value();
    }

    private int keysWith(String state) throws Exception {
        try (Stream<String> keys = keyed().getKeys(state, VoidNamespace.INSTANCE)) {
            return (int) keys.count();
        }
    }

    private void assertNothingHeld() throws Exception {
        assertThat(keysWith("waiting-co-views")).isZero();
        assertThat(keysWith("waiting-requests")).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /**
     * A profile retention of processing time after the last co-view, the products' neighbours are
     * forgotten: requests find none, and reading them removes them from state.
     */
    private void assertForgottenAfterRetention(String... products) throws Exception {
        harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
        assertNothingHeld();
        harness.setStateTtlProcessingTime(RETENTION.toMillis());
        for (String product : products) {
            send(request(product, minutes(10_000)));
            assertThat(last().neighbourIds).as(product).isEmpty();
        }
        assertThat(keysWith("neighbours")).isZero();
        assertNothingHeld();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRequestCarriesTheStrongestNeighboursAndStateStaysBounded(Backend backend)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.NEIGHBOURS, 3);
        open(conf, false, backend);
        List<Integer> sizes = new ArrayList<>();
        for (int w : new int[] {4, 9, 1, 7, 10, 2, 6, 3, 8, 5}) {
            send(coView("p", "n" + w, w, minutes(0)));
            sizes.add(stored("p").ids.length);
        }
        assertThat(sizes)
                .as("cut to the strongest 3 when a 7th arrives")
                .containsExactly(1, 2, 3, 4, 5, 6, 3, 4, 5, 6);
        assertThat(stored("p").ids).containsExactlyInAnyOrder("n10", "n9", "n7", "n3", "n8", "n5");

        send(request("p", minutes(0)));
        RecoRequest r = last();
        assertThat(r.neighbourIds).containsExactly("n10", "n9", "n8");
        assertThat(r.neighbourCategories).containsExactly("cat-n10", "cat-n9", "cat-n8");
        assertThat(r.neighbourWeights).containsExactly(10.0, 9.0, 8.0);
        assertThat(stored("p").ids).as("a request does not cut the state").hasSize(6);

        assertForgottenAfterRetention("p");
    }

    @Test
    void repeatedCoViewsAddUpAndTiesGoByProductId() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.NEIGHBOURS, 2);
        open(conf, false, Backend.HEAP);
        send(coView("p", "c", 2, minutes(0)));
        send(coView("p", "b", 1, minutes(0)));
        send(coView("p", "a", 3, minutes(0)));
        send(coView("p", "b", 1, minutes(0)));
        send(coView("p", "b", 1, minutes(0)));
        send(request("p", minutes(0)));

        assertThat(last().neighbourIds).containsExactly("a", "b");
        assertThat(last().neighbourWeights).containsExactly(3.0, 3.0);
        assertForgottenAfterRetention("p");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void olderCoViewsWeighLessByTheHalfLife(Backend backend) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.COVIEW_HALF_LIFE, Duration.ofMillis(HALF_LIFE));
        open(conf, false, backend);
        Instant t0 = minutes(0);
        send(coView("p", "b", 3, t0.plus(Duration.ofHours(6))));
        send(coView("p", "a", 1, t0)); // out of order: one half-life older than b
        send(coView("p", "a", 1, t0.plus(Duration.ofHours(12))));
        send(request("p", t0.plus(Duration.ofHours(18))));

        // At 18 h: b = 3 x 2^-2 = 0.75; a = 1 x 2^-3 + 1 x 2^-1 = 0.625.
        RecoRequest r = last();
        assertThat(r.neighbourIds).containsExactly("b", "a");
        assertThat(r.neighbourWeights[0]).isCloseTo(0.75, within(1e-12));
        assertThat(r.neighbourWeights[1]).isCloseTo(0.625, within(1e-12));
        assertThat(r.neighbourWeight("a"))
                .isCloseTo(
                        Decay.factor(Duration.ofHours(18).toMillis(), HALF_LIFE)
                                + Decay.factor(Duration.ofHours(6).toMillis(), HALF_LIFE),
                        within(1e-12));

        send(request("p", t0.plus(Duration.ofHours(12))));
        assertThat(last().neighbourWeights)
                .as("a request not after the latest co-view sees the weights of that time")
                .containsExactly(1.5, 1.25);
        assertForgottenAfterRetention("p");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void inEventTimeOrderARequestSeesExactlyTheCoViewsBeforeIt(Backend backend) throws Exception {
        open(true, backend);
        Instant t = minutes(10);
        send(request("p", t));
        send(coView("p", "early", 1, t.minusMillis(1)));
        send(coView("p", "same", 2, t));
        send(coView("p", "later", 5, t.plusMillis(1)));
        assertThat(out()).isEmpty();

        harness.processWatermark1(new Watermark(t.toEpochMilli()));
        assertThat(out()).as("the requests' watermark is still behind").isEmpty();
        harness.processWatermark2(new Watermark(t.toEpochMilli()));

        assertThat(out()).hasSize(1);
        RecoRequest r = last();
        assertThat(r.recoId).isEqualTo("reco-1");
        assertThat(r.neighbourIds).containsExactly("same", "early");
        assertThat(r.neighbourWeights[0]).isEqualTo(2.0);
        assertThat(r.neighbourWeights[1])
                .isCloseTo(
                        Decay.factor(1, RecoOptions.COVIEW_HALF_LIFE.defaultValue().toMillis()),
                        within(1e-15));
        assertThat(keysWith("waiting-requests")).isZero();
        assertThat(keysWith("waiting-co-views")).as("the later co-view").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processBothWatermarks(new Watermark(t.plusMillis(1).toEpochMilli()));
        assertNothingHeld();
        assertThat(stored("p").ids).containsExactlyInAnyOrder("early", "same", "later");

        // Behind the watermark: applied at once.
        send(request("p", t));
        assertThat(last().neighbourIds).containsExactly("later", "same", "early");
        assertNothingHeld();

        assertForgottenAfterRetention("p");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aProductWithoutCoViewsPassesWithNoNeighbours(Backend backend) throws Exception {
        open(false, backend);
        send(coView("p", "n", 1, minutes(0)));
        RecoRequest lonely = request("lonely", minutes(1));
        send(lonely);

        assertThat(out()).hasSize(1);
        RecoRequest r = last();
        assertThat(r.recoId).isEqualTo(lonely.recoId);
        assertThat(r.productId).isEqualTo("lonely");
        assertThat(r.neighbourIds).isEmpty();
        assertThat(r.neighbourCategories).isEmpty();
        assertThat(r.neighbourWeights).isEmpty();
        assertThat(keysWith("neighbours")).as("only p has neighbours").isEqualTo(1);
        assertThat(stored("lonely")).isNull();

        assertForgottenAfterRetention("p");
    }

    @Test
    void neighboursAreForgottenARetentionOfProcessingTimeAfterTheLastCoView() throws Exception {
        open(false, Backend.HEAP);
        send(coView("p", "n", 1, minutes(0)));
        harness.setStateTtlProcessingTime(1_000);
        send(coView("p", "m", 1, minutes(1)));

        harness.setStateTtlProcessingTime(1_000 + RETENTION.toMillis() - 1);
        send(request("p", minutes(2)));
        assertThat(last().neighbourIds).containsExactly("m", "n");

        harness.setStateTtlProcessingTime(1_000 + RETENTION.toMillis());
        send(request("p", minutes(3)));
        assertThat(last().neighbourIds).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
