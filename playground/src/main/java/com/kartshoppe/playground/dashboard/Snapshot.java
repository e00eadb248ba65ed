package com.kartshoppe.playground.dashboard;

import java.util.List;
import java.util.Map;

/**
 * Everything the dashboard page shows, as of one moment: what {@link LiveView#snapshot()} returns
 * and {@code /events} sends as JSON. Times are epoch milliseconds.
 *
 * @param at wall-clock time of the snapshot
 * @param recentDecisions the latest fraud decisions, newest first
 * @param recentUsers shoppers with the most recent recommendations, newest first
 * @param throughput records per second in and out over the last minutes, oldest first, one entry
 *     per second up to {@code at}
 * @param accuracy accuracy reports in the order they arrived
 * @param modelSwaps model versions appearing on the outputs, oldest first
 * @param adapters per model name, its latest adapter parameters
 * @param ruleSet the fraud rule set of the latest decisions, null before the first decision
 * @param ruleSetChanges rule sets appearing on the decisions, oldest first
 */
public record Snapshot(
        long at,
        Totals totals,
        List<Decision> recentDecisions,
        List<String> recentUsers,
        List<Throughput> throughput,
        List<AccuracyPoint> accuracy,
        List<ModelSwap> modelSwaps,
        Map<String, Adapter> adapters,
        RuleSetInForce ruleSet,
        List<RuleSetChange> ruleSetChanges) {

    public Snapshot {
        recentDecisions = List.copyOf(recentDecisions);
        recentUsers = List.copyOf(recentUsers);
        throughput = List.copyOf(throughput);
        accuracy = List.copyOf(accuracy);
        modelSwaps = List.copyOf(modelSwaps);
        adapters = Map.copyOf(adapters);
        ruleSetChanges = List.copyOf(ruleSetChanges);
    }

    /**
     * One fraud decision; {@code score} is the served (adapted) score.
     *
     * @param contributions the model's largest feature contributions to the score's logit, largest
     *     magnitude first (at most {@link LiveAggregates#DECISION_CONTRIBUTIONS})
     * @param contributionMethod {@code linear} (exact terms), {@code occlusion}, or empty
     */
    public record Decision(
            String orderId,
            String userId,
            double score,
            double baseScore,
            String decision,
            List<String> reasons,
            List<Contribution> contributions,
            String contributionMethod,
            String modelName,
            String modelVersion,
            long adapterVersion,
            long decidedAt) {

        public Decision {
            reasons = List.copyOf(reasons);
            contributions = List.copyOf(contributions);
        }
    }

    /** A feature's signed term in a score's logit: positive pushed the score up. */
    public record Contribution(String feature, double term) {}

    /**
     * Records received in one wall-clock second: {@code in} on the shop input topics, {@code out}
     * fraud decisions plus recommendations.
     */
    public record Throughput(long second, long in, long out) {}

    /**
     * One accuracy report: AUC of the served (adapted) and base scores, their recall at the 0.5
     * threshold (fraud reports that have that threshold) and the click-through rate (reco reports).
     * A metric the report leaves undefined is null.
     */
    public record AccuracyPoint(
            String modelName,
            String modelVersion,
            String useCase,
            long windowStart,
            long windowEnd,
            long predictions,
            Double adaptedAuc,
            Double baseAuc,
            Double adaptedRecall,
            Double baseRecall,
            Double ctr) {}

    /**
     * A model name's outputs showing {@code toVersion} for the first time, at the wall-clock time
     * that output was made ({@code decidedAt} or {@code createdAt}).
     *
     * @param fromVersion the version its previous output had
     * @param eventTime that output's event time: where the swap falls among accuracy windows, which
     *     are in event time (a replay or a catching-up simulator runs behind the wall clock)
     */
    public record ModelSwap(
            String modelName, String fromVersion, String toVersion, long at, long eventTime) {}

    /**
     * The fraud rule set the decisions are made under: {@code <id> v<version>} ({@code fraud.rules}
     * and {@code kartshoppe rules}), since the wall-clock time of the first decision under it.
     */
    public record RuleSetInForce(String name, long since) {}

    /**
     * The decisions showing a newer rule set for the first time ({@code to}), at the wall-clock
     * time that decision was made, and at its event time (for the accuracy charts).
     */
    public record RuleSetChange(String from, String to, long at, long eventTime) {}

    /** The latest adapter parameters of a model name. */
    public record Adapter(
            String modelName,
            String baseModelVersion,
            long adapterVersion,
            long examplesSeen,
            long publishedAt) {}
}
