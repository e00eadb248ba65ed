package com.kartshoppe.inference.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The models shipped with the platform, trained on simulator data (README, "Starter models"), as
 * classpath resources {@code starter-models/<name>/<version>.onnx}.
 *
 * <pre>{@code
 * StarterModels.install(Path.of("models")); // models/fraud/1.onnx, models/reco/1.onnx
 * }</pre>
 */
public final class StarterModels {

    /** Every starter model as {@code <name>/<version>.onnx}. */
    public static final List<String> FILES = List.of("fraud/1.onnx", "reco/1.onnx");

    private static final String ROOT = "starter-models/";

    private StarterModels() {}

    /**
     * Copies each starter model into {@code modelsDir} where that file does not exist yet, by an
     * atomic move, so a running job never sees a partial file.
     *
     * @return the files written now
     */
    public static List<Path> install(Path modelsDir) {
        List<Path> written = new ArrayList<>();
        for (String file : FILES) {
            Path target = modelsDir.resolve(file);
            if (Files.exists(target)) {
                continue;
            }
            try (InputStream in =
                    StarterModels.class.getClassLoader().getResourceAsStream(ROOT + file)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "Starter model " + ROOT + file + " is missing from the classpath");
                }
                written.add(ModelFiles.publish(in, target));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Cannot install starter model " + file + " into " + modelsDir, e);
            }
        }
        return written;
    }
}
