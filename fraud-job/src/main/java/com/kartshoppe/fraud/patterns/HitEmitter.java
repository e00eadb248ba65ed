package com.kartshoppe.fraud.patterns;

import java.util.List;
import java.util.Map;
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
        PatternEvent last = null;
        for (List<PatternEvent> events : match.values()) {
            for (PatternEvent e : events) {
                if (last == null || e.time >= last.time) {
                    last = e;
                }
            }
        }
        String key = pattern.key() == FraudPattern.Key.USER ? last.userId : last.deviceId;
        hits.inc();
        out.collect(new PatternHit(pattern, key, last.time, last.time + flagForMillis));
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
