package com.kartshoppe.feedback;

import com.kartshoppe.events.AdapterParams;
import com.kartshoppe.events.DeadLetter;
import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.config.Topics;
import com.kartshoppe.feedback.accuracy.AccuracyReports;
import com.kartshoppe.feedback.accuracy.JsonReport;
import com.kartshoppe.feedback.learning.AdapterTraining;
import com.kartshoppe.feedback.outcome.Engagement;
import com.kartshoppe.feedback.outcome.FraudOutcomes;
import com.kartshoppe.feedback.outcome.Outcome;
import com.kartshoppe.feedback.outcome.RecoOutcomes;
import com.kartshoppe.jobkit.JobDescription;
import com.kartshoppe.jobkit.deadletters.DeadLetters;
import com.kartshoppe.jobkit.input.Input;
import com.kartshoppe.jobkit.output.JobOutputs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feedback job: joins every served prediction with what happened next, writes the labelled
 * examples, reports accuracy per model version and window, and trains the online adapters the
 * scoring jobs apply.
 *
 * <pre>{@code
 * JobOutputs out = new FeedbackJob(conf, Input.jsonl("/tmp/sim"), Input.jsonl("/tmp/bt"))
 *         .build(env);
 * out.sinkToKafka(conf, "kartshoppe-feedback");
 * }</pre>
 *
 * <p>Dataflow: fraud predictions ({@code ml.predictions}) keyed by order id meet {@code
 * fraud.labels} in {@link FraudOutcomes} (label maturity); reco predictions keyed by shopper meet
 * their reco clicks and orders in {@link RecoOutcomes} (attribution window). The {@link Outcome}s
 * become {@code ml.training-examples}, feed {@link AccuracyReports} (keyed by model version) and
 * {@link AdapterTraining} (keyed by model name), whose {@link AdapterParams} go to {@code
 * ml.model-params}.
 */
public final class FeedbackJob {

    public static final String NAME = "kartshoppe-feedback";
    static final String JOB = "feedback";
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackJob.class);

    private final Configuration conf;
    private final Input events;
    private final Input predictions;
    private final FeedbackSettings settings;

    /**
     * @param conf the job's settings ({@link #options()})
     * @param events where fraud.labels, shop.clicks and shop.orders come from
     * @param predictions where ml.predictions comes from
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public FeedbackJob(Configuration conf, Input events, Input predictions) {
        this.conf = conf;
        this.events = events;
        this.predictions = predictions;
        this.settings = FeedbackOptions.settings(conf);
    }

    /** Every setting the job accepts, apart from pass-through prefixes. */
    public static List<ConfigOption<?>> options() {
        return JobDescription.options(FeedbackOptions.ALL);
    }

    /**
     * The highest adapter version per model and base version already on {@code ml.model-params},
     * when the job runs on Kafka, so that a start without state (a new version of the job, lost
     * checkpoints) continues the versions instead of starting again at 1, which the scoring jobs
     * would ignore. A replay of files starts from nothing, as its outputs go nowhere live. Records
     * that do not decode are skipped with a warning.
     *
     * @throws IllegalStateException if the topic cannot be read
     */
    private Map<String, Long> publishedBefore() {
        if (events.replays()) {
            return Map.of();
        }
        List<AdapterParams> published = new ArrayList<>();
        List<String> undecodable = new ArrayList<>();
        try {
            events.existing(EventType.ADAPTER_PARAMS, conf, published::add, undecodable::add);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot read the adapter versions already published: " + e.getMessage(), e);
        }
        if (!undecodable.isEmpty()) {
            LOG.warn(
                    "{} records of {} do not decode and were skipped, the first: {}",
                    undecodable.size(),
                    conf.get(Topics.MODEL_PARAMS),
                    undecodable.get(0));
        }
        Map<String, Long> highest = AdapterTraining.highestVersions(published);
        LOG.info("Adapter versions continue above those published: {}", highest);
        return highest;
    }

    /**
     * Adds the job's operators to {@code env}. Outputs and their sinks' uids: labelled examples
     * ({@code examples-sink}), adapter parameters ({@code params-sink}), accuracy reports and
     * adapter update decisions as JSON keyed by model name ({@code accuracy-sink}), dead letters
     * ({@code dlq-sink}).
     */
    public JobOutputs build(StreamExecutionEnvironment env) {
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        DataStream<PredictionLog> logs =
                predictions.records(env, EventType.PREDICTION, conf, JOB, deadLetters);
        DataStream<FraudLabel> labels =
                events.records(env, EventType.FRAUD_LABEL, conf, JOB, deadLetters);
        DataStream<Engagement> clicks =
                engagements(
                        events.records(env, EventType.CLICK, conf, JOB, deadLetters),
                        Engagement::of,
                        "feedback-reco-clicks",
                        "reco clicks");
        DataStream<Engagement> orders =
                engagements(
                        events.records(env, EventType.ORDER, conf, JOB, deadLetters),
                        Engagement::of,
                        "feedback-orders",
                        "placed orders");

        TypeInformation<Outcome> outcome = TypeInformation.of(Outcome.class);
        DataStream<Outcome> fraud =
                logs.filter(p -> p.getUseCase() == UseCase.FRAUD)
                        .uid("feedback-fraud-predictions")
                        .name("fraud predictions")
                        .keyBy(PredictionLog::getRequestId, Types.STRING)
                        .connect(labels.keyBy(FraudLabel::getOrderId, Types.STRING))
                        .process(
                                new FraudOutcomes(
                                        settings.labelHorizonMillis(),
                                        settings.lateLabelRetentionMillis()),
                                outcome)
                        .uid("feedback-fraud-outcomes")
                        .name("fraud label maturity");
        DataStream<Outcome> reco =
                logs.filter(p -> p.getUseCase() == UseCase.RECO)
                        .uid("feedback-reco-predictions")
                        .name("reco predictions")
                        .keyBy(PredictionLog::getEntityId, Types.STRING)
                        .connect(clicks.union(orders).keyBy(e -> e.userId, Types.STRING))
                        .process(new RecoOutcomes(settings.attributionWindowMillis()), outcome)
                        .uid("feedback-reco-outcomes")
                        .name("reco attribution");
        DataStream<Outcome> outcomes = fraud.union(reco);

        DataStream<LabeledExample> examples =
                outcomes.map(o -> o.example)
                        .returns(new AvroTypeInfo<>(LabeledExample.class))
                        .uid("feedback-examples")
                        .name("labelled examples");
        DataStream<JsonReport> reports =
                outcomes.keyBy(o -> AccuracyReports.key(o.example), Types.STRING)
                        .process(
                                new AccuracyReports(settings), TypeInformation.of(JsonReport.class))
                        .uid("feedback-accuracy")
                        .name("accuracy reports");
        SingleOutputStreamOperator<AdapterParams> params =
                outcomes.keyBy(o -> o.example.getModelName(), Types.STRING)
                        .process(
                                new AdapterTraining(settings, publishedBefore()),
                                new AvroTypeInfo<>(AdapterParams.class))
                        .uid("feedback-adapter-training")
                        .name("adapter training");
        return new JobOutputs()
                .avro("examples", EventType.LABELED_EXAMPLE, examples)
                .avro("params", EventType.ADAPTER_PARAMS, params)
                .text(
                        "accuracy",
                        Topics.FEEDBACK_ACCURACY,
                        reports.union(params.getSideOutput(AdapterTraining.DECISIONS)),
                        report -> report.key,
                        report -> report.json)
                .avro("dlq", EventType.DEAD_LETTER, DeadLetters.union(deadLetters));
    }

    /** The engagements among {@code records}: those {@code of} does not map to null. */
    private static <T> DataStream<Engagement> engagements(
            DataStream<T> records,
            SerializableFunction<T, Engagement> of,
            String uid,
            String name) {
        return records.flatMap(
                        (T record, Collector<Engagement> out) -> {
                            Engagement e = of.apply(record);
                            if (e != null) {
                                out.collect(e);
                            }
                        })
                .returns(Engagement.class)
                .uid(uid)
                .name(name);
    }

    /** The job, described once: {@code main} on a cluster, the playground and the backtests. */
    public static final JobDescription DESCRIPTION =
            new JobDescription(
                    NAME,
                    options(),
                    FeedbackOptions.GROUP_ID,
                    (conf, events, predictions, env) ->
                            new FeedbackJob(conf, events, predictions).build(env));

    /**
     * Runs the job on Kafka ({@link JobDescription#run}): {@code --key value} settings and {@code
     * --config FILE}, see the README.
     */
    public static void main(String[] args) throws Exception {
        DESCRIPTION.run(args);
    }
}
