package com.kartshoppe.inference.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.LabeledExample;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.events.serde.JsonCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ExampleSource}. */
class ExampleSourceTest {

    @TempDir Path dir;

    @Test
    void theNewestExamplePerPredictionWinsAndOtherUseCasesAreLeftOut() throws Exception {
        LabeledExample matured = ModelTrainerTest.example("fraud-o-1", Map.of("x", 1.0), 0);
        LabeledExample other = ModelTrainerTest.example("fraud-o-2", Map.of("x", 2.0), 0);
        LabeledExample late =
                LabeledExample.newBuilder(matured)
                        .setLabel(1)
                        .setLabelSource("LATE_CHARGEBACK")
                        .build();
        LabeledExample reco =
                LabeledExample.newBuilder(other)
                        .setPredictionId("reco-1:p-1")
                        .setUseCase(UseCase.RECO)
                        .build();
        JsonCodec.of(EventType.LABELED_EXAMPLE)
                .writeFile(
                        JsonCodec.file(dir, EventType.LABELED_EXAMPLE),
                        List.of(matured, other, reco, late));

        List<LabeledExample> seen = new ArrayList<>();
        List<LabeledExample> read = ExampleSource.read("jsonl:" + dir, UseCase.FRAUD, seen::add);

        assertThat(read).containsExactly(other, late);
        // every example read, as read, for a progress line
        assertThat(seen).containsExactly(matured, other, reco, late);
        assertThat(ExampleSource.read("jsonl:" + dir, UseCase.FRAUD)).isEqualTo(read);
    }
}
