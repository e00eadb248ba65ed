package com.kartshoppe.fraud.rules;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudRuleSet;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Sourced;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by rule-set id: lets through the rule sets published to {@code fraud.rules} that the job
 * should apply, to be broadcast to its gate. A rule set of the id the job follows is applied when
 * its document parses and validates against the job ({@link RuleSet#parse}), names the id and
 * version of its record, and its version is above the one in force. Anything else of that id goes
 * to the dead-letter queue with its reason ({@code rules.invalid}, {@code rules.stale}) and a
 * warning in the log, and the set in force stays. Rule sets of other ids are for other jobs:
 * counted and skipped.
 *
 * <p>State: the version last applied (survives a restore, so a stale set stays stale). Metrics:
 * {@code ruleSetsApplied}, {@code ruleSetsRejected}, {@code ruleSetsOfOtherIds}.
 */
public final class RuleSetUpdates
        extends KeyedProcessFunction<String, Sourced<FraudRuleSet>, FraudRuleSet> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleSetUpdates.class);

    public static final String INVALID = "rules.invalid";
    public static final String STALE = "rules.stale";

    private final RuleSet initial;
    private final String topic;
    private final String job;

    private transient ValueState<Long> applied;
    private transient AvroCodec<FraudRuleSet> codec;
    private transient Counter appliedCount;
    private transient Counter rejected;
    private transient Counter otherIds;

    /**
     * @param initial the rule set the job starts under: its id is the one followed, its structure
     *     bounds every update
     */
    public RuleSetUpdates(RuleSet initial, String topic, String job) {
        this.initial = initial;
        this.topic = topic;
        this.job = job;
    }

    @Override
    public void open(OpenContext openContext) {
        applied =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("applied-version", Types.LONG));
        codec = AvroCodec.of(EventType.FRAUD_RULES);
        appliedCount = getRuntimeContext().getMetricGroup().counter("ruleSetsApplied");
        rejected = getRuntimeContext().getMetricGroup().counter("ruleSetsRejected");
        otherIds = getRuntimeContext().getMetricGroup().counter("ruleSetsOfOtherIds");
    }

    @Override
    public void processElement(
            Sourced<FraudRuleSet> sourced, Context ctx, Collector<FraudRuleSet> out)
            throws Exception {
        FraudRuleSet update = sourced.record;
        String id = update.getRuleSetId();
        if (!id.equals(initial.id())) {
            otherIds.inc();
            return;
        }
        long inForce = applied.value() == null ? initial.version() : applied.value();
        RuleSet parsed;
        try {
            parsed = check(update, initial, inForce);
        } catch (Rejected e) {
            reject(sourced, e.reason, e.getMessage(), ctx);
            return;
        }
        applied.update(parsed.version());
        appliedCount.inc();
        LOG.info("Fraud rule set {} applies from now on", parsed.summary());
        out.collect(update);
    }

    /** Why a published rule set is not applied: its dead-letter reason and the detail. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        /** {@link #INVALID} or {@link #STALE}. */
        public final String reason;

        Rejected(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * The rule set {@code update} carries, if a job that started under {@code initial} and has
     * {@code inForce} in force would apply it: it parses and validates, its record names its id and
     * version, and that version is above {@code inForce}.
     *
     * @throws Rejected why not
     */
    public static RuleSet check(FraudRuleSet update, RuleSet initial, long inForce)
            throws Rejected {
        RuleSet parsed;
        try {
            parsed = RuleSet.parse(update.getDocument(), initial);
        } catch (IllegalArgumentException e) {
            throw new Rejected(INVALID, e.getMessage());
        }
        if (!parsed.id().equals(update.getRuleSetId()) || parsed.version() != update.getVersion()) {
            throw new Rejected(
                    INVALID,
                    "the record says "
                            + update.getRuleSetId()
                            + " v"
                            + update.getVersion()
                            + " but its document is "
                            + parsed.id()
                            + " v"
                            + parsed.version());
        }
        if (parsed.version() <= inForce) {
            throw new Rejected(
                    STALE,
                    "version "
                            + parsed.version()
                            + " is not above version "
                            + inForce
                            + " in force");
        }
        return parsed;
    }

    private void reject(Sourced<FraudRuleSet> sourced, String reason, String detail, Context ctx) {
        FraudRuleSet update = sourced.record;
        String what = update.getRuleSetId() + " v" + update.getVersion();
        LOG.warn(
                "Fraud rule set {} rejected ({}): {}; the one in force stays",
                what,
                reason,
                detail);
        rejected.inc();
        ctx.output(
                DeadLetters.TAG,
                DeadLetters.rejected(
                        sourced,
                        EventType.FRAUD_RULES,
                        codec,
                        topic,
                        reason,
                        what + ": " + detail,
                        job));
    }
}
