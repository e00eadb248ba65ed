package com.kartshoppe.feedback;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Tests for {@link FeedbackJob}'s entry point. */
class FeedbackJobTest {

    @Test
    void mainRefusesAnUnknownSettingByName() {
        assertThatThrownBy(
                        () ->
                                FeedbackJob.main(
                                        new String[] {"--feedback.fraud.label-horizn", "60d"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown setting 'feedback.fraud.label-horizn'");
    }

    @Test
    void mainRefusesAnInvalidValueByName() {
        assertThatThrownBy(
                        () ->
                                FeedbackJob.main(
                                        new String[] {"--feedback.adapter.holdout-share", "1.0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feedback.adapter.holdout-share");
    }

    @Test
    void theJobAcceptsTheSharedSettingsButNotTheScoringOnes() {
        assertThat(FeedbackJob.options())
                .contains(FeedbackOptions.GROUP_ID, FeedbackOptions.LABEL_HORIZON)
                .noneMatch(o -> o.key().startsWith("models."));
        assertThat(FeedbackOptions.GROUP_ID.key()).isEqualTo("feedback.group-id");
        assertThat(FeedbackOptions.GROUP_ID.defaultValue()).isEqualTo("kartshoppe-feedback");
    }

    @Test
    void helpListsEverySettingWithItsDefaultAndStartsNothing() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        FeedbackJob.DESCRIPTION.run(new String[] {"--help"}, new PrintStream(out, true, UTF_8));

        assertThat(out.toString(UTF_8))
                .startsWith("Usage: flink run <kartshoppe-feedback jar>")
                .contains("--feedback.fraud.label-horizon [30 min]")
                .contains("--feedback.group-id [kartshoppe-feedback]")
                .contains("--topics.dlq [dlq.events]");
    }
}
