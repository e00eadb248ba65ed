package com.kartshoppe.events;

import com.kartshoppe.events.config.Topics;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Everything the platform needs to know about one Avro record type: its class, the topic that
 * carries it, its Kafka key and its event time. One constant per value in the README's topic table.
 *
 * <pre>{@code
 * String topic = conf.get(EventType.ORDER.topic());
 * String key = EventType.ORDER.key(order);
 * }</pre>
 *
 * @param <T> the generated Avro class
 */
public final class EventType<T extends SpecificRecordBase> implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final EventType<ClickEvent> CLICK =
            new EventType<>(
                    ClickEvent.class,
                    Topics.CLICKS,
                    ClickEvent::getUserId,
                    ClickEvent::getEventTime);
    public static final EventType<OrderEvent> ORDER =
            new EventType<>(
                    OrderEvent.class,
                    Topics.ORDERS,
                    OrderEvent::getUserId,
                    OrderEvent::getEventTime);
    public static final EventType<PaymentEvent> PAYMENT =
            new EventType<>(
                    PaymentEvent.class,
                    Topics.PAYMENTS,
                    PaymentEvent::getUserId,
                    PaymentEvent::getEventTime);
    public static final EventType<LoginEvent> LOGIN =
            new EventType<>(
                    LoginEvent.class,
                    Topics.LOGINS,
                    LoginEvent::getUserId,
                    LoginEvent::getEventTime);
    public static final EventType<FraudLabel> FRAUD_LABEL =
            new EventType<>(
                    FraudLabel.class,
                    Topics.FRAUD_LABELS,
                    FraudLabel::getOrderId,
                    FraudLabel::getEventTime);
    public static final EventType<FraudDecision> FRAUD_DECISION =
            new EventType<>(
                    FraudDecision.class,
                    Topics.FRAUD_DECISIONS,
                    FraudDecision::getOrderId,
                    FraudDecision::getEventTime);
    public static final EventType<Recommendation> RECOMMENDATION =
            new EventType<>(
                    Recommendation.class,
                    Topics.RECOMMENDATIONS,
                    Recommendation::getUserId,
                    Recommendation::getEventTime);
    public static final EventType<PredictionLog> PREDICTION =
            new EventType<>(
                    PredictionLog.class,
                    Topics.PREDICTIONS,
                    PredictionLog::getPredictionId,
                    PredictionLog::getEventTime);
    public static final EventType<AdapterParams> ADAPTER_PARAMS =
            new EventType<>(
                    AdapterParams.class,
                    Topics.MODEL_PARAMS,
                    AdapterParams::getModelName,
                    AdapterParams::getTrainedUpTo);
    public static final EventType<LabeledExample> LABELED_EXAMPLE =
            new EventType<>(
                    LabeledExample.class,
                    Topics.TRAINING_EXAMPLES,
                    LabeledExample::getPredictionId,
                    LabeledExample::getLabelTime);
    public static final EventType<FraudRuleSet> FRAUD_RULES =
            new EventType<>(
                    FraudRuleSet.class,
                    Topics.FRAUD_RULES,
                    FraudRuleSet::getRuleSetId,
                    FraudRuleSet::getPublishedAt);
    public static final EventType<FeatureSnapshot> FEATURE_SNAPSHOT =
            new EventType<>(
                    FeatureSnapshot.class,
                    Topics.FEATURES_USER,
                    // Feature set and entity: the topic is compacted, and one shopper has
                    // snapshots of several feature sets (fraud_v1, session_v1) to keep.
                    s -> s.getFeatureSet() + ":" + s.getEntityId(),
                    FeatureSnapshot::getEventTime);
    public static final EventType<DeadLetter> DEAD_LETTER =
            new EventType<>(
                    DeadLetter.class,
                    Topics.DLQ,
                    DeadLetter::getSourceTopic,
                    DeadLetter::getDetectedAt);

    /** All types, in the order of the README's topic table. */
    public static final List<EventType<?>> ALL =
            List.of(
                    CLICK,
                    ORDER,
                    PAYMENT,
                    LOGIN,
                    FRAUD_LABEL,
                    FRAUD_DECISION,
                    RECOMMENDATION,
                    PREDICTION,
                    ADAPTER_PARAMS,
                    LABELED_EXAMPLE,
                    FRAUD_RULES,
                    FEATURE_SNAPSHOT,
                    DEAD_LETTER);

    /** The event types the shop produces, which every scoring job ingests. */
    public static final List<EventType<?>> SHOP_INPUTS = List.of(CLICK, ORDER, PAYMENT, LOGIN);

    // Only the class travels when Flink serializes a function holding a type; readResolve swaps
    // in the constant, which has the rest.
    private final Class<T> recordClass;
    private final transient ConfigOption<String> topic;
    private final transient SerializableFunction<T, String> key;
    private final transient SerializableFunction<T, Instant> eventTime;

    private EventType(
            Class<T> recordClass,
            ConfigOption<String> topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, Instant> eventTime) {
        this.recordClass = recordClass;
        this.topic = topic;
        this.key = key;
        this.eventTime = eventTime;
    }

    /** Looks a type up by its Avro record name, e.g. {@code ClickEvent}. */
    public static EventType<?> byName(String name) {
        for (EventType<?> type : ALL) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "Unknown event type '"
                        + name
                        + "'; known: "
                        + ALL.stream().map(EventType::name).toList());
    }

    /** The Avro record name, which is also the schema history folder name. */
    public String name() {
        return recordClass.getSimpleName();
    }

    public Class<T> recordClass() {
        return recordClass;
    }

    /** The current (newest) schema, the one the generated class was compiled from. */
    public Schema schema() {
        return SpecificData.get().getSchema(recordClass);
    }

    /** The option naming the topic this type travels on. */
    public ConfigOption<String> topic() {
        return topic;
    }

    /** The Kafka message key of a record, as in the README's topic table. */
    public String key(T record) {
        return key.apply(record);
    }

    /** The record's event time, the basis of every watermark. */
    public Instant eventTime(T record) {
        return Objects.requireNonNull(eventTime.apply(record), "eventTime");
    }

    @Override
    public String toString() {
        return name();
    }

    private Object readResolve() {
        return byName(name());
    }
}
