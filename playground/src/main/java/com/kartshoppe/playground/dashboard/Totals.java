package com.kartshoppe.playground.dashboard;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link LiveView} has counted since it started: an immutable snapshot. Maps are sorted by key
 * and unmodifiable. Counts of the input and output topics cover records committed after the view
 * started; accuracy reports and adapter versions cover the topics' whole retained history.
 *
 * @param inputRecords records on the four shop input topics (clicks, orders, payments, logins),
 *     counted without decoding them
 * @param decisions fraud decisions
 * @param decisionsByDecision fraud decisions by ALLOW, REVIEW, BLOCK
 * @param alerts fraud decisions REVIEW or BLOCK
 * @param alertsByPattern alerts by the CEP pattern id among their reasons ({@code cep:<id>}); an
 *     alert with several patterns counts once for each
 * @param recommendations recommendations
 * @param deadLetters dead letters
 * @param deadLettersByReason dead letters by reason code
 * @param accuracyReports accuracy reports ({@code "type":"accuracy"}) on the accuracy topic
 * @param adapterUpdates adapter update decisions ({@code "type":"adapter-update"}) on it
 * @param modelVersions per model name, the model version of its latest decision or recommendation
 * @param adapterVersions per model name, the adapter version of its latest parameters on the
 *     model-params topic
 * @param modelSwaps times a model name's outputs showed a model version not seen before from it
 * @param decodeFailures records on the decoded topics that could not be decoded, and were skipped
 * @param failure why the consumer thread died, or null while it runs
 */
public record Totals(
        long inputRecords,
        long decisions,
        Map<String, Long> decisionsByDecision,
        long alerts,
        Map<String, Long> alertsByPattern,
        long recommendations,
        long deadLetters,
        Map<String, Long> deadLettersByReason,
        long accuracyReports,
        long adapterUpdates,
        Map<String, String> modelVersions,
        Map<String, Long> adapterVersions,
        long modelSwaps,
        long decodeFailures,
        String failure) {

    public Totals {
        decisionsByDecision = sortedCopy(decisionsByDecision);
        alertsByPattern = sortedCopy(alertsByPattern);
        deadLettersByReason = sortedCopy(deadLettersByReason);
        modelVersions = sortedCopy(modelVersions);
        adapterVersions = sortedCopy(adapterVersions);
    }

    private static <V> Map<String, V> sortedCopy(Map<String, V> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
