package com.kartshoppe.featurestore.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.featurestore.store.OnlineStore.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link OnlineStore} must do; each store's test runs it against the real thing. */
abstract class OnlineStoreContract {

    static final Duration TTL = Duration.ofDays(7);

    MutableClock clock;
    OnlineStore store;

    /** The event time of the first snapshots: an hour before the clock's start. */
    Instant t0;

    /** A new, empty store with {@link #TTL} on {@code clock}. */
    abstract OnlineStore open(MutableClock clock) throws Exception;

    /**
     * Where the test's clock starts. A store that reads time only from the clock it is given passes
     * with any instant; a store whose server expires values by its own clock (Redis) starts it at
     * that clock's now.
     */
    Instant clockStart() {
        return Instant.parse("2031-06-01T12:00:00Z");
    }

    @BeforeEach
    void openStore() throws Exception {
        clock = new MutableClock(clockStart());
        t0 = clock.instant().minus(Duration.ofHours(1));
        store = open(clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static FeatureSnapshot snapshot(String set, String entity, Instant time, double value) {
        return FeatureSnapshot.newBuilder()
                .setFeatureSet(set)
                .setFeatureSetVersion(1)
                .setEntityId(entity)
                .setEventTime(time)
                .setValues(Map.of("orders_1h", value, "amount_1h_eur", value * 10.5))
                .build();
    }

    @Test
    void returnsWhatWasWrittenPerFeatureSetAndEntity() {
        FeatureSnapshot fraud = snapshot("fraud_v1", "u-1", t0, 3);
        FeatureSnapshot session = snapshot("session_v1", "u-1", t0, 7);
        FeatureSnapshot other = snapshot("fraud_v1", "u-2", t0, 1.0 / 3);

        assertThat(store.write(List.of(fraud, session, other))).isEqualTo(new WriteResult(3, 0, 0));

        assertThat(store.get("fraud_v1", "u-1")).contains(fraud);
        assertThat(store.get("session_v1", "u-1")).contains(session);
        assertThat(store.get("fraud_v1", "u-2")).contains(other);
        assertThat(store.get("fraud_v1", "u-3")).isEmpty();
        assertThat(store.get("reco_v1", "u-1")).isEmpty();
    }

    @Test
    void anOlderSnapshotArrivingLateNeverReplacesANewerOne() {
        FeatureSnapshot newer = snapshot("fraud_v1", "u-1", t0.plusSeconds(60), 5);
        FeatureSnapshot older = snapshot("fraud_v1", "u-1", t0, 4);

        store.write(List.of(newer));
        assertThat(store.write(List.of(older))).isEqualTo(new WriteResult(0, 1, 0));

        assertThat(store.get("fraud_v1", "u-1")).contains(newer);
    }

    @Test
    void atEqualEventTimesTheLaterWriteWins() {
        FeatureSnapshot first = snapshot("fraud_v1", "u-1", t0, 1);
        FeatureSnapshot second = snapshot("fraud_v1", "u-1", t0, 2);

        store.write(List.of(first));
        assertThat(store.write(List.of(second))).isEqualTo(new WriteResult(1, 0, 0));

        assertThat(store.get("fraud_v1", "u-1")).contains(second);
    }

    @Test
    void withinOneBatchTheNewestByEventTimeWinsWhateverTheOrder() {
        FeatureSnapshot a = snapshot("fraud_v1", "u-1", t0.plusSeconds(30), 1);
        FeatureSnapshot b = snapshot("fraud_v1", "u-1", t0.plusSeconds(90), 2);
        FeatureSnapshot c = snapshot("fraud_v1", "u-1", t0.plusSeconds(60), 3);

        assertThat(store.write(List.of(a, b, c))).isEqualTo(new WriteResult(1, 2, 0));

        assertThat(store.get("fraud_v1", "u-1")).contains(b);
    }

    @Test
    void expiredValuesAreNotWrittenAndDisappearOnceTheTtlPasses() {
        FeatureSnapshot ancient = snapshot("fraud_v1", "u-old", clock.instant().minus(TTL), 1);
        FeatureSnapshot fresh = snapshot("fraud_v1", "u-1", t0, 2);

        assertThat(store.write(List.of(ancient, fresh))).isEqualTo(new WriteResult(1, 0, 1));
        assertThat(store.get("fraud_v1", "u-old")).isEmpty();
        assertThat(store.get("fraud_v1", "u-1")).contains(fresh);

        clock.advance(TTL.minus(Duration.ofHours(1)).minusMillis(1));
        assertThat(store.get("fraud_v1", "u-1")).contains(fresh);
        clock.advance(Duration.ofMillis(1));
        assertThat(store.get("fraud_v1", "u-1")).isEmpty();
    }

    @Test
    void getAllAnswersInTheOrderAsked() {
        List<FeatureSnapshot> written = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            written.add(snapshot("fraud_v1", "u-" + i, t0.plusMillis(i), random.nextDouble()));
        }
        store.write(written);

        List<String> asked = List.of("u-150", "nobody", "u-0", "u-150", "u-199");
        assertThat(store.getAll("fraud_v1", asked))
                .containsExactly(
                        Optional.of(written.get(150)),
                        Optional.empty(),
                        Optional.of(written.get(0)),
                        Optional.of(written.get(150)),
                        Optional.of(written.get(199)));
    }

    @Test
    void valuesRoundTripExactly() {
        FeatureSnapshot s =
                FeatureSnapshot.newBuilder()
                        .setFeatureSet("fraud_v1")
                        .setFeatureSetVersion(3)
                        .setEntityId("user:with:colons é")
                        .setEventTime(t0.plusMillis(123))
                        .setValues(
                                Map.of(
                                        "tiny",
                                        Double.MIN_VALUE,
                                        "third",
                                        1.0 / 3,
                                        "negative",
                                        -0.0,
                                        "big",
                                        1e300,
                                        "nan",
                                        Double.NaN))
                        .build();

        store.write(List.of(s));

        assertThat(store.get("fraud_v1", "user:with:colons é")).contains(s);
    }

    @Test
    void deleteRemovesOnlyTheKeysNamedAndAnyEventTimeCanBeWrittenAgain() {
        FeatureSnapshot fraud = snapshot("fraud_v1", "u-1", t0.plusSeconds(60), 3);
        FeatureSnapshot session = snapshot("session_v1", "u-1", t0, 7);
        FeatureSnapshot other = snapshot("fraud_v1", "u-2", t0, 1);
        store.write(List.of(fraud, session, other));

        int held =
                store.delete(
                        List.of(
                                new OnlineStore.Key("fraud_v1", "u-1"),
                                new OnlineStore.Key("session_v1", "u-1"),
                                new OnlineStore.Key("reco_v1", "u-1")));

        assertThat(held).isEqualTo(2);
        assertThat(store.get("fraud_v1", "u-1")).isEmpty();
        assertThat(store.get("session_v1", "u-1")).isEmpty();
        assertThat(store.get("fraud_v1", "u-2")).contains(other);
        // Nothing of the deleted value is left to win over an older snapshot.
        FeatureSnapshot older = snapshot("fraud_v1", "u-1", t0, 9);
        assertThat(store.write(List.of(older))).isEqualTo(new WriteResult(1, 0, 0));
        assertThat(store.get("fraud_v1", "u-1")).contains(older);
        assertThat(store.delete(List.of())).isZero();
        assertThat(store.write(List.of())).isEqualTo(new WriteResult(0, 0, 0));
    }

    @Test
    void remembersThatItWasInitialized() {
        assertThat(store.initialized()).isFalse();
        store.markInitialized();
        assertThat(store.initialized()).isTrue();
        // The marker is no entity's value.
        assertThat(store.getAll("fraud_v1", List.of("initialized", "")))
                .containsOnly(Optional.empty());
    }
}
