package com.kartshoppe.jobkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.description.Description;
import org.apache.flink.configuration.description.TextElement;
import org.junit.jupiter.api.Test;

/** Tests for {@link OptionsHelp}. */
class OptionsHelpTest {

    private static final ConfigOption<Duration> GAP =
            ConfigOptions.key("x.gap")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription("Inactivity that ends a session.");
    private static final ConfigOption<List<String>> NAMES =
            ConfigOptions.key("x.names")
                    .stringType()
                    .asList()
                    .defaultValues("a", "b")
                    .withDescription(
                            Description.builder()
                                    .text("Names, see %s.", TextElement.code("x.gap"))
                                    .build());
    private static final ConfigOption<String> PINNED =
            ConfigOptions.key("x.pinned").stringType().noDefaultValue().withDescription("");

    @Test
    void listsEveryOptionWithItsDefaultAsAnArgumentWouldWriteIt() {
        String help = OptionsHelp.format("job-x", List.of(GAP, NAMES, PINNED), List.of("state."));

        assertThat(help)
                .startsWith("Usage: flink run <job-x jar> [--config FILE] [--KEY VALUE]...\n")
                .contains("  --x.gap [30 min]\n      Inactivity that ends a session.\n")
                .contains("  --x.names [a;b]\n      Names, see x.gap.\n")
                .contains("  --x.pinned\n")
                .contains("any key starting with state.");
    }

    @Test
    void wrapsLongDescriptionsUnderTheKey() {
        ConfigOption<Integer> wordy =
                ConfigOptions.key("x.wordy")
                        .intType()
                        .defaultValue(1)
                        .withDescription("word ".repeat(60).strip());

        String help = OptionsHelp.format("job-x", List.of(wordy), List.of());

        assertThat(help.lines().filter(l -> l.startsWith("      word")).count()).isGreaterThan(2);
        assertThat(help.lines()).allMatch(l -> l.length() <= 100);
    }

    @Test
    void helpIsAskedInAKeysPositionOnly() {
        assertThat(OptionsHelp.asked(new String[] {"--help"})).isTrue();
        assertThat(OptionsHelp.asked(new String[] {"-h"})).isTrue();
        assertThat(OptionsHelp.asked(new String[] {"--models.dir", "m", "--help"})).isTrue();
        assertThat(OptionsHelp.asked(new String[] {"--topics.clicks", "--help"})).isFalse();
        assertThat(OptionsHelp.asked(new String[] {})).isFalse();
    }
}
