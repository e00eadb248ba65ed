package com.kartshoppe.fraud.patterns;

import com.kartshoppe.features.ingest.ShopEvent;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The Flink CEP definitions of the {@link FraudPattern}s, over a key's validated, deduplicated
 * events in event time, each projected to a {@link PatternEvent}. Contiguity between steps is
 * relaxed (other events may come in between).
 *
 * <ul>
 *   <li><b>card-testing</b> (by user): {@code min-declines} declined payments of at most {@code
 *       max-probe-eur} each, over at least {@code min-cards} distinct cards, within {@code within}.
 *       The hit is at the decline that completes it.
 *   <li><b>account-takeover</b> (by user): {@code min-failed-logins} failed logins from devices the
 *       account had not used ({@link AccountDevices}), then a successful login from a device one of
 *       them came from, within {@code within}: whoever was guessing got in. Failed logins from a
 *       device the account knows are its owner's typos.
 *   <li><b>velocity</b> (by user): {@code min-orders} placed orders within {@code within}.
 *   <li><b>shared-device</b> (by device): placed orders from {@code min-accounts} distinct accounts
 *       within {@code within}.
 * </ul>
 *
 * <p>Skip strategy: skip past the last event of a match, for every pattern. A burst of probes or
 * logins is one incident: it yields one hit, not one per overlapping subset, and the next hit needs
 * fresh events. The hit then flags the key's orders for {@code flag-for} ({@link HitGate}), which
 * is what carries an incident forward to the orders that follow it. Partial matches that run out of
 * time are counted as time-outs ({@link HitEmitter}).
 *
 * <p>Why hits end before the order instead of including it: a pattern in event time completes when
 * the watermark passes its last event, and the decision on an order must not wait for that.
 */
public final class FraudPatterns {

    static final String FIRST = "first";
    static final String LAST = "last";

    private FraudPatterns() {}

    /** The definition of {@code pattern}, with its thresholds from {@code settings}. */
    public static Pattern<PatternEvent, ?> of(FraudPattern pattern, PatternSettings settings) {
        Pattern<PatternEvent, ?> p =
                switch (pattern) {
                    case CARD_TESTING -> cardTesting(settings);
                    case ACCOUNT_TAKEOVER -> accountTakeover(settings);
                    case VELOCITY -> velocity(settings);
                    case SHARED_DEVICE -> sharedDevice(settings);
                };
        return p.within(settings.within(pattern));
    }

    /** The fewest events in a hit of {@code pattern}. */
    public static int eventsInHit(FraudPattern pattern, PatternSettings settings) {
        return switch (pattern) {
            case CARD_TESTING -> settings.minDeclines();
            case ACCOUNT_TAKEOVER -> settings.minFailedLogins() + 1;
            case VELOCITY -> settings.minOrders();
            case SHARED_DEVICE -> settings.minAccounts();
        };
    }

    /**
     * Whether an event can take part in {@code pattern}: what its CEP operator is fed, as a {@link
     * PatternEvent} (for account takeover, through {@link AccountDevices}, which also reads the
     * uses of the account's devices).
     */
    public static boolean relevant(FraudPattern pattern, ShopEvent e) {
        return switch (pattern) {
            case CARD_TESTING -> e.payment != null;
            case ACCOUNT_TAKEOVER -> AccountDevices.relevant(e);
            case VELOCITY, SHARED_DEVICE -> e.isPlacedOrder();
        };
    }

    private static Pattern<PatternEvent, ?> cardTesting(PatternSettings s) {
        long max = s.maxProbeCents();
        int cards = s.minCards();
        return Pattern.<PatternEvent>begin(FIRST, skip())
                .where(SimpleCondition.of(e -> isProbeDecline(e, max)))
                .times(s.minDeclines() - 1)
                .followedBy(LAST)
                .where(new Completes(e -> isProbeDecline(e, max), e -> e.card, cards));
    }

    private static Pattern<PatternEvent, ?> accountTakeover(PatternSettings s) {
        return Pattern.<PatternEvent>begin(FIRST, skip())
                .where(SimpleCondition.of(FraudPatterns::isGuess))
                .times(s.minFailedLogins())
                .followedBy(LAST)
                .where(new SuccessFromFailingDevice());
    }

    private static Pattern<PatternEvent, ?> velocity(PatternSettings s) {
        return Pattern.<PatternEvent>begin(FIRST, skip())
                .where(SimpleCondition.of(PatternEvent::isPlacedOrder))
                .times(s.minOrders());
    }

    private static Pattern<PatternEvent, ?> sharedDevice(PatternSettings s) {
        return Pattern.<PatternEvent>begin(FIRST, skip())
                .where(SimpleCondition.of(PatternEvent::isPlacedOrder))
                .timesOrMore(s.minAccounts() - 1)
                .followedBy(LAST)
                .where(new Completes(PatternEvent::isPlacedOrder, e -> e.userId, s.minAccounts()));
    }

    private static AfterMatchSkipStrategy skip() {
        return AfterMatchSkipStrategy.skipPastLastEvent();
    }

    /** A declined payment no larger than a probe. */
    static boolean isProbeDecline(PatternEvent e, long maxCents) {
        return e.kind == PatternEvent.Kind.PAYMENT && e.failed && e.amountMinor <= maxCents;
    }

    /** A failed login from a device the account does not know. */
    static boolean isGuess(PatternEvent e) {
        return e.kind == PatternEvent.Kind.LOGIN && e.failed && !e.knownDevice;
    }

    /**
     * The last step of a pattern whose events must span {@code atLeast} distinct values of {@code
     * attribute}: the current event qualifies and, with the {@link #FIRST} step's events, reaches
     * the count.
     */
    static final class Completes extends IterativeCondition<PatternEvent> {
        private static final long serialVersionUID = 1L;
        private final SerializablePredicate qualifies;
        private final SerializableAttribute attribute;
        private final int atLeast;

        Completes(SerializablePredicate qualifies, SerializableAttribute attribute, int atLeast) {
            this.qualifies = qualifies;
            this.attribute = attribute;
            this.atLeast = atLeast;
        }

        @Override
        public boolean filter(PatternEvent e, Context<PatternEvent> ctx) throws Exception {
            if (!qualifies.test(e)) {
                return false;
            }
            Set<String> distinct = new HashSet<>();
            distinct.add(attribute.apply(e));
            for (PatternEvent earlier : ctx.getEventsForPattern(FIRST)) {
                distinct.add(attribute.apply(earlier));
            }
            return distinct.size() >= atLeast;
        }
    }

    /** A successful login from a device that one of the failed logins came from. */
    static final class SuccessFromFailingDevice extends IterativeCondition<PatternEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(PatternEvent e, Context<PatternEvent> ctx) throws Exception {
            if (e.kind != PatternEvent.Kind.LOGIN || e.failed) {
                return false;
            }
            for (PatternEvent failed : ctx.getEventsForPattern(FIRST)) {
                if (failed.deviceId.equals(e.deviceId)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A serializable test of an event. */
    @FunctionalInterface
    interface SerializablePredicate extends Serializable {
        boolean test(PatternEvent e);
    }

    /** A serializable attribute of an event. */
    @FunctionalInterface
    interface SerializableAttribute extends Function<PatternEvent, String>, Serializable {}
}
