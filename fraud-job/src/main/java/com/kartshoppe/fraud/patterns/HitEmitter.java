package com.kartshoppe.fraud.patterns;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Turns a match of one {@link FraudPattern} into a {@link PatternHit} on the pattern's key, and
 * counts what ran out of time.
 *
 * <p>Metrics: {@code patternHits}; {@code patternTimeouts}, partial matches that the window closed
 * on; {@code patternNearMisses}, those of them one event short of a hit.
 */
public final class HitEmitter extends PatternProcessFunction<PatternEvent, PatternHit>
        implements TimedOutPartialMatchHandler<PatternEvent> {

    private static final long serialVersionUID = 1L;

    private final FraudPattern pattern;
    private final long flagForMillis;
    private final int eventsInHit;

    private transient Counter hits;
    private transient Counter timeouts;
    private transient Counter nearMisses;

    /**
     * @param eventsInHit the fewest events a match has, to tell near misses
     */
    public HitEmitter(FraudPattern pattern, PatternSettings settings, int eventsInHit) {
        this.pattern = pattern;
        this.flagForMillis = settings.flagFor(pattern).toMillis();
        this.eventsInHit = eventsInHit;
    }

    @Override
    public void open(OpenContext openContext) {
        hits = getRuntimeContext().getMetricGroup().counter("patternHits");
        timeouts = getRuntimeContext().getMetricGroup().counter("patternTimeouts");
        nearMisses = getRuntimeContext().getMetricGroup().counter("patternNearMisses");
    }

    @Override
    public void processMatch(
            Map<String, List<PatternEvent>> match, Context ctx, Collector<PatternHit> out) {
        PatternEvent first = null;
        PatternEvent last = null;
        Set<String> distinct = new HashSet<>();
        int events = 0;
        long largest = 0;
        for (List<PatternEvent> step : match.values()) {
            for (PatternEvent e : step) {
                if (last == null || e.time >= last.time) {
                    last = e;
                }
                if (first == null || e.time < first.time) {
                    first = e;
                }
                events++;
                switch (pattern) {
                    case CARD_TESTING -> {
                        distinct.add(e.card);
                        largest = Math.max(largest, e.amountMinor);
                    }
                    case SHARED_DEVICE -> distinct.add(e.userId);
                    default -> {}
                }
            }
        }
        String key = pattern.key() == FraudPattern.Key.USER ? last.userId : last.deviceId;
        hits.inc();
        out.collect(
                new PatternHit(
                        pattern,
                        key,
                        first.time,
                        last.time,
                        last.time + flagForMillis,
                        distinct.isEmpty() ? events : distinct.size(),
                        largest));
    }

    @Override
    public void processTimedOutMatch(Map<String, List<PatternEvent>> match, Context ctx) {
        timeouts.inc();
        int events = match.values().stream().mapToInt(List::size).sum();
        if (events >= eventsInHit - 1) {
            nearMisses.inc();
        }
    }
}
