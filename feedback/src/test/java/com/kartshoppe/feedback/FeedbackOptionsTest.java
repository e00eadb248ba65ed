package com.kartshoppe.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.UseCase;
import com.kartshoppe.inference.adapter.FtrlSettings;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link FeedbackOptions} and {@link FeedbackSettings}. */
class FeedbackOptionsTest {

    private static FeedbackSettings settings(String key, String value) {
        return FeedbackOptions.settings(Configuration.fromMap(Map.of(key, value)));
    }

    @Test
    void theDefaultsAreValidAndReadAsDocumented() {
        FeedbackSettings s = FeedbackOptions.settings(new Configuration());
        assertThat(s.labelHorizonMillis())
                .isEqualTo(FeedbackOptions.LABEL_HORIZON.defaultValue().toMillis());
        assertThat(s.lateLabelRetentionMillis())
                .isEqualTo(FeedbackOptions.LATE_LABEL_RETENTION.defaultValue().toMillis());
        assertThat(s.thresholds()).containsExactly(0.5, 0.9);
        assertThat(s.attributionWindowMillis())
                .isEqualTo(FeedbackOptions.ATTRIBUTION_WINDOW.defaultValue().toMillis());
        assertThat(s.accuracyWindowMillis())
                .isEqualTo(FeedbackOptions.ACCURACY_WINDOW.defaultValue().toMillis());
        assertThat(s.adaptation()).isTrue();
        assertThat(s.fraudAdapterFeatures())
                .containsExactlyElementsOf(FeedbackOptions.FRAUD_ADAPTER_FEATURES.defaultValue())
                .contains("payment_attempts_10m", "new_device");
        assertThat(s.recoAdapterFeatures())
                .containsExactlyElementsOf(FeedbackOptions.RECO_ADAPTER_FEATURES.defaultValue())
                .contains("same_category");
        assertThat(s.publishEvery(UseCase.FRAUD))
                .isEqualTo(FeedbackOptions.FRAUD_PUBLISH_EVERY.defaultValue());
        assertThat(s.publishEvery(UseCase.RECO))
                .isEqualTo(FeedbackOptions.RECO_PUBLISH_EVERY.defaultValue());
        assertThat(s.publishIntervalMillis())
                .isEqualTo(FeedbackOptions.PUBLISH_INTERVAL.defaultValue().toMillis());
        assertThat(s.ftrl())
                .isEqualTo(
                        new FtrlSettings(
                                FeedbackOptions.ALPHA.defaultValue(),
                                FeedbackOptions.BETA.defaultValue(),
                                FeedbackOptions.L1.defaultValue(),
                                FeedbackOptions.L2.defaultValue()));
        assertThat(s.holdoutShare()).isEqualTo(FeedbackOptions.HOLDOUT_SHARE.defaultValue());
        assertThat(s.holdoutSize()).isEqualTo(FeedbackOptions.HOLDOUT_SIZE.defaultValue());
        assertThat(s.minHoldout())
                .isEqualTo(FeedbackOptions.MIN_HOLDOUT.defaultValue())
                .isLessThanOrEqualTo(s.holdoutSize());
        assertThat(s.maxLogLossIncrease())
                .isEqualTo(FeedbackOptions.MAX_LOG_LOSS_INCREASE.defaultValue());

        assertThat(s.maturityMillis(UseCase.FRAUD)).isEqualTo(s.labelHorizonMillis());
        assertThat(s.maturityMillis(UseCase.RECO)).isEqualTo(s.attributionWindowMillis());
        assertThat(s.adapterFeatures(UseCase.FRAUD)).isEqualTo(s.fraudAdapterFeatures());
        assertThat(s.adapterFeatures(UseCase.RECO)).isEqualTo(s.recoAdapterFeatures());
    }

    @Test
    void valuesAreParsedFromTextTrimmedAndSorted() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "feedback.fraud.thresholds", "0.9;0.25;1",
                                "feedback.fraud.adapter-features", " amount_zscore ;new_device",
                                "feedback.fraud.late-label-retention", "0 ms",
                                "feedback.adapter.holdout-size", "20",
                                "feedback.adapter.min-holdout", "50"));
        FeedbackSettings s = FeedbackOptions.settings(conf);
        assertThat(s.thresholds()).containsExactly(0.25, 0.9, 1.0);
        assertThat(s.fraudAdapterFeatures()).containsExactly("amount_zscore", "new_device");
        assertThat(s.lateLabelRetentionMillis()).isZero();
        assertThat(s.minHoldout()).as("capped at the holdout size").isEqualTo(20);
    }

    @Test
    void everyOptionIsListedWithADescription() {
        assertThat(FeedbackOptions.ALL).doesNotHaveDuplicates();
        for (ConfigOption<?> option : FeedbackOptions.ALL) {
            assertThat(option.key()).startsWith("feedback.");
            assertThat(option.hasDefaultValue()).as(option.key()).isTrue();
            assertThat(option.description().toString()).as(option.key()).isNotBlank();
        }
        assertThat(FeedbackJob.options()).containsAll(FeedbackOptions.ALL);
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(
            delimiter = '|',
            value = {
                "feedback.fraud.thresholds           | 0",
                "feedback.fraud.thresholds           | 1.5",
                "feedback.fraud.thresholds           | 0.5;-0.1",
                "feedback.fraud.thresholds           | NaN",
                "feedback.adapter.holdout-share      | 1",
                "feedback.adapter.holdout-share      | 0",
                "feedback.adapter.max-log-loss-increase | -0.01",
                "feedback.adapter.max-log-loss-increase | Infinity",
                "feedback.fraud.adapter-features     | new_device;new_device",
                "feedback.fraud.adapter-features     | new_device; ;orders_1h",
                "feedback.reco.adapter-features      | same_category;same_category",
                "feedback.fraud.label-horizon        | 0 s",
                "feedback.fraud.late-label-retention | -1 s",
                "feedback.reco.attribution-window    | 0 s",
                "feedback.accuracy.window            | 0 s",
                "feedback.fraud.publish-every        | 0",
                "feedback.reco.publish-every         | 0",
                "feedback.adapter.publish-interval   | 0 s",
                "feedback.adapter.holdout-size       | 0",
                "feedback.adapter.min-holdout        | -1",
            })
    void anInvalidValueIsRejectedNamingItsKey(String key, String value) {
        assertThatThrownBy(() -> settings(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(
            delimiter = '|',
            value = {
                "feedback.adapter.alpha | 0",
                "feedback.adapter.alpha | -0.1",
                "feedback.adapter.beta  | -1",
                "feedback.adapter.l1    | -0.5",
                "feedback.adapter.l2    | NaN",
            })
    void anInvalidFtrlValueIsRejectedNamingItsKey(String key, String value) {
        assertThatThrownBy(() -> settings(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }
}
