package com.kartshoppe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.serde.JsonCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed gives the same bytes in another JVM too, whatever its locale and time zone: no
 * hash-order, default-locale or clock dependence.
 */
class CrossJvmDeterminismTest {

    @TempDir Path tmp;

    /** Entry point of the child JVM: writes the reference simulation into {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        SimulatedFiles.run(reference(), Path.of(args[0]));
    }

    private static SimulatorConfig reference() {
        return SimulatorConfig.builder()
                .seed(21)
                .users(300)
                .duration(Duration.ofMinutes(20))
                .malformedRate(0.02)
                .driftAt(Duration.ofMinutes(5))
                .build();
    }

    @Test
    void anotherJvmWithAnotherLocaleWritesTheSameBytes() throws Exception {
        Path here = tmp.resolve("here");
        Path there = tmp.resolve("there");
        SimulatedFiles.run(reference(), here);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Duser.language=ar");
        command.add("-Duser.country=EG");
        command.add("-Duser.timezone=Pacific/Kiritimati");
        command.add("-Dfile.encoding=ISO-8859-1");
        command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=com.kartshoppe");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrossJvmDeterminismTest.class.getName());
        command.add(there.toString());
        Process child =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("child.log").toFile())
                        .start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(child.exitValue()).as(Files.readString(tmp.resolve("child.log"))).isZero();

        for (EventType<?> type : JsonLinesSink.TOPICS) {
            assertThat(Files.readAllBytes(JsonCodec.file(there, type)))
                    .as(type.name())
                    .isEqualTo(Files.readAllBytes(JsonCodec.file(here, type)));
        }
    }
}
