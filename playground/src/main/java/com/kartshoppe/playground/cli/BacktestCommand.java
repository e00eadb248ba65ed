package com.kartshoppe.playground.cli;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.config.Settings;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.events.serde.JsonCodec;
import com.kartshoppe.features.FeatureOptions;
import com.kartshoppe.feedback.FeedbackJob;
import com.kartshoppe.feedback.backtest.FeedbackSummary;
import com.kartshoppe.fraud.FraudDetectionJob;
import com.kartshoppe.fraud.FraudOptions;
import com.kartshoppe.fraud.backtest.BacktestReport;
import com.kartshoppe.fraud.backtest.RuleComparison;
import com.kartshoppe.fraud.rules.RuleSet;
import com.kartshoppe.inference.InferenceOptions;
import com.kartshoppe.inference.scoring.Scoring;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.CollectedOutputs;
import com.kartshoppe.playground.report.ClickThrough;
import com.kartshoppe.playground.report.FraudBacktestJson;
import com.kartshoppe.playground.report.RecoBacktestJson;
import com.kartshoppe.reco.RecoOptions;
import com.kartshoppe.reco.RecommendationJob;
import com.kartshoppe.reco.backtest.Baselines;
import com.kartshoppe.reco.backtest.NextActions;
import com.kartshoppe.reco.backtest.RecoReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kartshoppe backtest fraud|reco|feedback}: a job over recorded events, with a summary. */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a job over recorded events (`kartshoppe simulate --out jsonl:DIR`) on a local"
                    + " Flink environment: the same operators as on Kafka, events in event-time"
                    + " order.",
            "fraud: prints how the decisions compare with the fraud.labels in the input. reco:"
                    + " prints hit rate@K, NDCG@K and MRR@K against the shopper's next purchase"
                    + " and against anything viewed or bought next, within --horizon, for the job"
                    + " and for a popularity and a session co-view baseline on the same requests,"
                    + " and the cost of the exploration slot.",
            "feedback: joins the predictions of a fraud or reco backtest (--predictions) with the"
                    + " labels, clicks and orders in --events; writes labelled examples, accuracy"
                    + " reports and adapter parameters; prints ROC-AUC and log loss per model"
                    + " version.",
            "fraud --rules FILE decides under a rule set (`kartshoppe rules validate`);"
                    + " --compare-rules A B runs twice over the same events and compares the two"
                    + " rule sets side by side, listing the orders decided differently.",
            "Writes the job's outputs as OUT/<topic>.jsonl when --out is given (with"
                    + " --compare-rules, OUT/a and OUT/b); fraud and reco write the summary and"
                    + " its plots to --report DIR (not with --compare-rules)."
        })
final class BacktestCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "fraud, reco or feedback")
    String job;

    @Option(
            names = "--events",
            required = true,
            converter = Output.Converter.class,
            description = "jsonl:DIR of recorded events")
    Output events;

    @Option(names = "--models", description = "fraud, reco: models directory")
    Path models;

    @Option(
            names = "--predictions",
            converter = Output.Converter.class,
            description = "feedback: jsonl:DIR holding ml.predictions.jsonl (a backtest's --out)")
    Output predictions;

    @Option(
            names = "--out",
            converter = Output.Converter.class,
            description =
                    "jsonl:DIR to write the job's outputs (decisions or recommendations,"
                            + " predictions, snapshots, dead letters; for feedback: examples,"
                            + " accuracy reports, adapter parameters, dead letters)")
    Output out;

    @Option(
            names = "--rules",
            paramLabel = "FILE",
            description =
                    "fraud: decide under this rule-set file, over the job's settings and -D (as"
                            + " fraud.rules.file)")
    Path rules;

    @Option(
            names = "--compare-rules",
            arity = "2",
            paramLabel = "FILE",
            description =
                    "fraud: two rule-set files A B; decide the same events under each and compare")
    List<Path> compareRules;

    @Option(
            names = "--show-differences",
            description =
                    "fraud --compare-rules: how many orders decided differently to list"
                            + " [${DEFAULT-VALUE}]")
    int shown = 20;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description =
                    "fraud, reco: write the summary as DIR/report.json and, with plots, as"
                            + " DIR/report.html (self-contained, opens offline)")
    Path report;

    @Option(names = "--parallelism", description = "Flink parallelism [${DEFAULT-VALUE}]")
    int parallelism = 2;

    @Option(
            names = "--horizon",
            converter = DurationConverter.class,
            description =
                    "reco: how long after a recommendation a purchase or view counts"
                            + " [${DEFAULT-VALUE}]")
    Duration horizon = Duration.ofMinutes(30);

    @Option(
            names = {"-D", "--set"},
            description = "A job setting key=value, as the job's --key value (see the README)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (events.kind() != Output.Kind.JSONL
                || (out != null && out.kind() != Output.Kind.JSONL)
                || (predictions != null && predictions.kind() != Output.Kind.JSONL)) {
            throw new ParameterException(
                    spec.commandLine(), "--events, --predictions and --out take jsonl:DIR");
        }
        // Usage errors first, then the files, then the work.
        List<ConfigOption<?>> options =
                switch (job) {
                    case "fraud" -> FraudDetectionJob.options();
                    case "reco" -> RecommendationJob.options();
                    case "feedback" -> FeedbackJob.options();
                    default ->
                            throw new ParameterException(
                                    spec.commandLine(),
                                    "Unknown job '" + job + "': fraud, reco or feedback");
                };
        Configuration conf = settings(options);
        if (report != null) {
            ReportOption.check(
                    spec.commandLine(), report, !job.equals("feedback") && compareRules == null);
        }
        InputPaths.directory(events.dir(), "--events");
        for (Path file : ruleFiles()) {
            RulesCommand.read(file, RuleSet.fromConfiguration(conf));
        }
        if (!job.equals("feedback")) {
            InputPaths.directory(models, "--models");
        } else {
            InputPaths.file(
                    JsonCodec.file(predictions.dir(), EventType.PREDICTION), "--predictions");
        }
        PrintWriter w = spec.commandLine().getOut();
        switch (job) {
            case "fraud" -> fraud(w, conf);
            case "reco" -> reco(w, conf);
            default -> feedback(w, conf);
        }
        w.flush();
        return 0;
    }

    /** The rule-set files given, after checking they go with the job and each other. */
    private List<Path> ruleFiles() {
        if ((rules != null || compareRules != null) && !job.equals("fraud")) {
            throw new ParameterException(
                    spec.commandLine(), "--rules and --compare-rules are for the fraud job");
        }
        if (rules != null && compareRules != null) {
            throw new ParameterException(
                    spec.commandLine(), "--rules and --compare-rules exclude each other");
        }
        return rules != null ? List.of(rules) : compareRules != null ? compareRules : List.of();
    }

    private void fraud(PrintWriter w, Configuration conf) throws Exception {
        Path labels = JsonCodec.file(events.dir(), EventType.FRAUD_LABEL);
        List<FraudLabel> known =
                Files.exists(labels)
                        ? JsonCodec.of(EventType.FRAUD_LABEL).readFile(labels)
                        : List.of();
        if (compareRules != null) {
            List<List<FraudDecision>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                conf.set(FraudOptions.RULES_FILE, compareRules.get(i).toString());
                CollectedOutputs result = backtest(FraudDetectionJob.DESCRIPTION, conf);
                write(w, result, i == 0 ? "a" : "b");
                runs.add(result.get(EventType.FRAUD_DECISION));
            }
            w.printf("%d fraud labels in the input%n", known.size());
            // Columns headed by the files' names, unless they are the same.
            boolean sameNames =
                    compareRules.get(0).getFileName().equals(compareRules.get(1).getFileName());
            List<String> names =
                    compareRules.stream()
                            .map(p -> (sameNames ? p : p.getFileName()).toString())
                            .toList();
            w.print(
                    RuleComparison.of(names.get(0), runs.get(0), names.get(1), runs.get(1), known)
                            .format(shown));
            return;
        }
        if (rules != null) {
            conf.set(FraudOptions.RULES_FILE, rules.toString());
        }
        CollectedOutputs result = write(w, backtest(FraudDetectionJob.DESCRIPTION, conf));
        w.printf(
                "%d dead letters; %d fraud labels in the input%n",
                result.get(EventType.DEAD_LETTER).size(), known.size());
        List<FraudDecision> decisions = result.get(EventType.FRAUD_DECISION);
        BacktestReport summary = BacktestReport.of(decisions, known);
        w.print(summary.format());
        if (report != null) {
            int deadLetters = result.get(EventType.DEAD_LETTER).size();
            ReportOption.write(
                    w, report, FraudBacktestJson.of(summary, decisions, known, deadLetters));
        }
    }

    private void reco(PrintWriter w, Configuration conf) throws Exception {
        CollectedOutputs result = write(w, backtest(RecommendationJob.DESCRIPTION, conf));
        w.printf(
                "%d dead letters; %d shown items logged as predictions%n",
                result.get(EventType.DEAD_LETTER).size(), result.get(EventType.PREDICTION).size());
        List<Recommendation> recommendations = result.get(EventType.RECOMMENDATION);
        NextActions actions = NextActions.read(events.dir());
        long window = conf.get(FeatureOptions.POPULARITY_WINDOW).toMillis();
        long sessionGap = conf.get(FeatureOptions.SESSION_GAP).toMillis();
        int k = conf.get(RecoOptions.TOP_K);
        Baselines baselines = Baselines.of(recommendations, actions, window, sessionGap, k);
        RecoReport summary = RecoReport.of(recommendations, actions, horizon.toMillis(), baselines);
        w.print(summary.format());
        if (report != null) {
            ClickThrough ctr =
                    ClickThrough.of(recommendations, actions, horizon.toMillis(), baselines);
            int deadLetters = result.get(EventType.DEAD_LETTER).size();
            ReportOption.write(
                    w, report, RecoBacktestJson.of(summary, recommendations, ctr, deadLetters));
        }
    }

    private void feedback(PrintWriter w, Configuration conf) throws Exception {
        CollectedOutputs result =
                write(
                        w,
                        CommandProgress.job(
                                spec,
                                conf,
                                () ->
                                        FeedbackJob.DESCRIPTION.replay(
                                                conf,
                                                Input.jsonl(events.dir().toString()),
                                                Input.jsonl(predictions.dir().toString())),
                                events.dir(),
                                predictions.dir()));
        w.printf("%d dead letters%n", result.get(EventType.DEAD_LETTER).size());
        w.print(
                new FeedbackSummary(
                                result.get(EventType.LABELED_EXAMPLE),
                                result.get(EventType.ADAPTER_PARAMS),
                                result.text(Topics.FEEDBACK_ACCURACY.defaultValue()).size())
                        .format());
    }

    /** A scoring job over --events, with its progress. */
    private CollectedOutputs backtest(JobDescription job, Configuration conf) throws Exception {
        return CommandProgress.job(
                spec, conf, () -> Scoring.backtest(job, conf, events.dir()), events.dir());
    }

    /** Writes the outputs when --out is given. */
    private CollectedOutputs write(PrintWriter w, CollectedOutputs result) throws IOException {
        return write(w, result, null);
    }

    /** Writes the outputs to OUT, or to OUT/{@code sub} unless it is null, when --out is given. */
    private CollectedOutputs write(PrintWriter w, CollectedOutputs result, String sub)
            throws IOException {
        if (out != null) {
            Path dir = sub == null ? out.dir() : out.dir().resolve(sub);
            result.write(dir);
            w.printf("Wrote the job's outputs to %s%n", dir);
        }
        return result;
    }

    /** The job's settings; refuses an unknown or invalid one, and a missing input option. */
    private Configuration settings(List<ConfigOption<?>> options) {
        Configuration conf;
        try {
            conf =
                    Settings.validate(
                            Configuration.fromMap(settings), options, Settings.JOB_PREFIXES);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-D: " + e.getMessage());
        }
        if (job.equals("feedback")) {
            if (predictions == null) {
                throw new ParameterException(spec.commandLine(), "feedback needs --predictions");
            }
        } else {
            if (models == null) {
                throw new ParameterException(spec.commandLine(), job + " needs --models");
            }
            conf.set(InferenceOptions.MODELS_DIR, models.toString());
        }
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        return conf;
    }
}
