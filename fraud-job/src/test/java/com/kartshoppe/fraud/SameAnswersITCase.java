package com.kartshoppe.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.kartshoppe.events.Decision;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.fraud.backtest.BacktestReport;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.jobkit.testing.FlinkTestSupport;
import com.kartshoppe.jobkit.testing.SameAnswers;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests for {@link FraudDetectionJob}: it gives the answers recorded in {@code same-answers/} on a
 * fixed simulation ({@link SimulatedBacktest}, shared with {@link FraudDetectionJobITCase}): every
 * placed order's decision, reasons (in emitted order), score and base score (within {@value
 * #TOLERANCE}) and model version, and a backtest AUC and per-tactic recall no worse than recorded.
 * {@code decidedAt} is wall-clock time and is not compared.
 *
 * <p>A change that moves answers on purpose declares, in {@link #INTENDED}, each kind of difference
 * ({@link #kind}) with its exact count; the failure message lists every kind with its count and
 * example orders.
 *
 * <p>The fixture is written by the job as it is <em>before</em> a change, never to make a failing
 * run pass. To write it (it then fails with "fixture written, re-run without the property"):
 *
 * <pre>{@code
 * ./mvnw -B -o test -pl fraud-job -am -Dtest=SameAnswersITCase \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsame-answers.write=true
 * }</pre>
 */
class SameAnswersITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SameAnswersITCase.class);

    /**
     * Differences from the recorded answers that the current code makes on purpose: kind ({@link
     * #kind}) to its exact number of orders. Empty: the job answers as when the fixture was
     * written.
     */
    static final Map<String, Integer> INTENDED = Map.of();

    static final double TOLERANCE = 1e-6;
    private static final double NO_WORSE = 1e-9;
    private static final String FIXTURE = "same-answers";
    private static final SameAnswers SAME = new SameAnswers(SameAnswersITCase.class, FIXTURE);
    private static final String DECISIONS = "decisions.csv";
    private static final String REPORT = "report.properties";
    private static final String HEADER = "orderId,decision,reasons,score,baseScore,modelVersion";

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

    private static String inputDigest;
    private static List<FraudDecision> decisions;
    private static BacktestReport report;

    @BeforeAll
    static void runTheBacktest() throws Exception {
        SimulatedBacktest backtest = SimulatedBacktest.get();
        inputDigest = SameAnswers.digest(backtest.events());
        decisions = backtest.outputs().get(EventType.FRAUD_DECISION);
        report = backtest.report();
        LOG.info("Backtest of the same-answers simulation:\n{}", report.format());
        if (SameAnswers.writing()) {
            writeFixture();
            fail(
                    "fixture written, re-run without the property %s (%s)",
                    SameAnswers.WRITE_PROPERTY, SAME.directory());
        }
    }

    @Test
    void theSimulationIsTheRecordedOneAndFlagsWithEveryPattern() throws IOException {
        assertThat(inputDigest)
                .as(
                        "digest of the simulated input: the simulator changed since the fixture"
                                + " was written; write it again with the job as it was (see the"
                                + " class Javadoc)")
                .isEqualTo(recordedReport().getProperty("input.sha256"));
        Map<String, Long> byReason =
                recordedAnswers().stream()
                        .flatMap(a -> a.reasons().stream())
                        .collect(
                                Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting()));
        for (FraudPattern p : FraudPattern.values()) {
            assertThat(byReason).as("orders flagged by %s", p.reason()).containsKey(p.reason());
        }
    }

    @Test
    void everyOrderGetsTheRecordedAnswerOrAnIntendedDifference() throws IOException {
        SameAnswers.assertOnlyIntended(
                differences(recordedAnswers(), answers(decisions)),
                INTENDED,
                FIXTURE + "/" + DECISIONS);
    }

    @Test
    void theBacktestScoresNoWorse() throws IOException {
        Properties recorded = recordedReport();
        assertThat(report.auc())
                .as("ROC-AUC")
                .isNotNaN()
                .isGreaterThanOrEqualTo(Double.parseDouble(recorded.getProperty("auc")) - NO_WORSE);
        List<String> tactics =
                recorded.stringPropertyNames().stream()
                        .filter(k -> k.startsWith("recall."))
                        .sorted()
                        .toList();
        assertThat(tactics).isNotEmpty();
        for (String key : tactics) {
            String tactic = key.substring("recall.".length());
            assertThat(report.caughtRate(tactic))
                    .as("recall of %s", tactic)
                    .isNotNaN()
                    .isGreaterThanOrEqualTo(
                            Double.parseDouble(recorded.getProperty(key)) - NO_WORSE);
        }
    }

    @Test
    void differencesAreClassifiedByWhatMoved() {
        Answer a = new Answer("o-1", Decision.REVIEW, List.of("score>=review"), 0.6, 0.6, "1");
        Answer flagged =
                new Answer(
                        "o-1",
                        Decision.REVIEW,
                        List.of("score>=review", "cep:shared-device"),
                        0.6 + 1e-7,
                        0.6,
                        "1");
        Answer blocked =
                new Answer("o-1", Decision.BLOCK, List.of("score>=block"), 0.95, 0.95, "2");

        assertThat(kind(a, a)).isNull();
        assertThat(kind(a, flagged)).isEqualTo("reasons +cep:shared-device");
        assertThat(kind(flagged, a)).isEqualTo("reasons -cep:shared-device");
        assertThat(kind(a, blocked))
                .isEqualTo(
                        "decision REVIEW->BLOCK; reasons -score>=review +score>=block;"
                                + " score differs; baseScore differs; modelVersion 1->2");
        assertThat(kind(a, null)).isEqualTo("missing");
        assertThat(kind(null, a)).isEqualTo("extra");
        assertThat(
                        kind(
                                new Answer("o-1", Decision.REVIEW, List.of("x", "y"), 0, 0, ""),
                                new Answer("o-1", Decision.REVIEW, List.of("y", "x"), 0, 0, "")))
                .isEqualTo("reasons reordered or repeated");
        assertThat(differences(List.of(a), List.of(a, a))).containsOnlyKeys("answered 2 times");
    }

    /** One order's answer, as recorded in the fixture. */
    record Answer(
            String orderId,
            Decision decision,
            List<String> reasons,
            double score,
            double baseScore,
            String modelVersion) {

        static Answer of(FraudDecision d) {
            return new Answer(
                    d.getOrderId(),
                    d.getDecision(),
                    List.copyOf(d.getReasons()),
                    d.getScore(),
                    d.getBaseScore(),
                    d.getModelVersion());
        }

        static Answer parse(String line) {
            String[] f = line.split(",", -1);
            return new Answer(
                    f[0],
                    Decision.valueOf(f[1]),
                    f[2].isEmpty() ? List.of() : List.of(f[2].split("\\|")),
                    Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]),
                    f[5]);
        }

        /** Doubles as {@link Double#toString}: they parse back to the same value. */
        String line() {
            return String.join(
                    ",",
                    orderId,
                    decision.name(),
                    String.join("|", reasons),
                    Double.toString(score),
                    Double.toString(baseScore),
                    modelVersion);
        }
    }

    /**
     * What moved between the recorded answer and the current one, or null if nothing did: {@code
     * missing}, {@code extra}, or the parts that differ joined by {@code "; "}, e.g. {@code
     * "decision ALLOW->REVIEW; reasons +cep:shared-device"} or {@code "score differs"}.
     */
    static String kind(Answer recorded, Answer now) {
        if (now == null) {
            return "missing";
        }
        if (recorded == null) {
            return "extra";
        }
        List<String> parts = new ArrayList<>();
        if (recorded.decision() != now.decision()) {
            parts.add("decision " + recorded.decision() + "->" + now.decision());
        }
        if (!recorded.reasons().equals(now.reasons())) {
            parts.add(reasonsMoved(recorded.reasons(), now.reasons()));
        }
        if (!close(recorded.score(), now.score())) {
            parts.add("score differs");
        }
        if (!close(recorded.baseScore(), now.baseScore())) {
            parts.add("baseScore differs");
        }
        if (!recorded.modelVersion().equals(now.modelVersion())) {
            parts.add("modelVersion " + recorded.modelVersion() + "->" + now.modelVersion());
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static String reasonsMoved(List<String> recorded, List<String> now) {
        StringBuilder s = new StringBuilder("reasons");
        recorded.stream().filter(r -> !now.contains(r)).forEach(r -> s.append(" -").append(r));
        now.stream().filter(r -> !recorded.contains(r)).forEach(r -> s.append(" +").append(r));
        return s.length() == "reasons".length() ? "reasons reordered or repeated" : s.toString();
    }

    private static boolean close(double a, double b) {
        return SameAnswers.close(a, b, TOLERANCE);
    }

    /** Kind of difference ({@link #kind}) to the orders that show it ({@link SameAnswers}). */
    static Map<String, List<String>> differences(List<Answer> recorded, List<Answer> now) {
        return SameAnswers.differences(recorded, now, Answer::orderId, SameAnswersITCase::kind);
    }

    private static List<Answer> answers(List<FraudDecision> decisions) {
        return decisions.stream().map(Answer::of).toList();
    }

    private static List<Answer> recordedAnswers() throws IOException {
        return SAME.read(DECISIONS, HEADER).stream().map(Answer::parse).toList();
    }

    private static Properties recordedReport() throws IOException {
        Properties p = new Properties();
        try (Reader in = new InputStreamReader(SAME.resource(REPORT), StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }

    private static void writeFixture() throws IOException {
        List<Answer> answers =
                answers(decisions).stream().sorted(Comparator.comparing(Answer::orderId)).toList();
        // Refuse a fixture that would not exercise every pattern or that holds an order twice.
        assertThat(answers.stream().map(Answer::orderId).distinct()).hasSameSizeAs(answers);
        for (FraudPattern p : FraudPattern.values()) {
            assertThat(answers).anyMatch(a -> a.reasons().contains(p.reason()));
        }
        Path out = SAME.write(DECISIONS, HEADER, answers.stream().map(Answer::line).toList());
        out = Files.writeString(out.resolveSibling(REPORT), reportProperties(answers));
        // The written file must read back as written.
        Properties back = new Properties();
        back.load(new StringReader(Files.readString(out)));
        assertThat(back.getProperty("auc")).isEqualTo(Double.toString(report.auc()));
    }

    /**
     * The recorded report: {@code auc} and {@code recall.<tactic>} are compared (no worse); the
     * rest describes the run for whoever reads a failure.
     */
    private static String reportProperties(List<Answer> answers) {
        Map<String, String> p = new TreeMap<>();
        p.put(
                "simulation",
                String.format(
                        Locale.ROOT,
                        "seed %d, %d users, %s, drift at %s, malformed rate %s, parallelism %d",
                        SimulatedBacktest.SIMULATION.seed(),
                        SimulatedBacktest.SIMULATION.users(),
                        SimulatedBacktest.SIMULATION.duration(),
                        SimulatedBacktest.SIMULATION.driftAt(),
                        SimulatedBacktest.SIMULATION.malformedRate(),
                        FlinkTestSupport.PARALLELISM));
        p.put("input.sha256", inputDigest);
        p.put("orders", Integer.toString(report.orders()));
        p.put("fraud", Integer.toString(report.fraud()));
        report.byDecision().forEach((d, n) -> p.put("decision." + d, Integer.toString(n)));
        report.flaggedByReason().forEach((r, n) -> p.put("reason." + r, Integer.toString(n[0])));
        p.put("auc", Double.toString(report.auc()));
        report.caughtByFraudType()
                .forEach(
                        (tactic, n) -> {
                            p.put("recall." + tactic, Double.toString(report.caughtRate(tactic)));
                            p.put("tactic." + tactic + ".orders", Integer.toString(n[0]));
                            p.put("tactic." + tactic + ".caught", Integer.toString(n[1]));
                        });
        p.put("legit-false-positive-rate", Double.toString(report.legitFalsePositiveRate()));
        assertThat(Integer.parseInt(p.get("orders"))).isEqualTo(answers.size());
        StringBuilder s =
                new StringBuilder(
                        "# Written by SameAnswersITCase (-Dsame-answers.write=true) from the fraud"
                                + " job's backtest.\n");
        p.forEach((k, v) -> s.append(escape(k)).append('=').append(v).append('\n'));
        return s.toString();
    }

    /** A properties key: reasons hold ':' and '=' ({@code cep:velocity}, {@code score>=review}). */
    private static String escape(String key) {
        return Arrays.stream(key.split(""))
                .map(c -> ":= \\#!".contains(c) ? "\\" + c : c)
                .collect(Collectors.joining());
    }
}
