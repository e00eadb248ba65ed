package com.kartshoppe.inference.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The versions in a model directory ({@code <models.dir>/<name>/<version>.onnx}) and the next one
 * to publish. A model file is a regular {@code *.onnx} file whose name does not start with a dot (a
 * publisher's temporary file does); its version is the name without {@code .onnx}.
 *
 * <pre>{@code
 * Path target = ModelVersions.target(Path.of("models/fraud")); // models/fraud/4.onnx after 3.onnx
 * }</pre>
 */
public final class ModelVersions {

    private static final String SUFFIX = ".onnx";

    private ModelVersions() {}

    /** The version a model file's name gives, or empty if it is not a model file. */
    public static Optional<String> version(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.startsWith(".") || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(name.substring(0, name.length() - SUFFIX.length()));
    }

    /** A version as a number, if it is an integer (how the registry orders such versions). */
    public static OptionalLong number(String version) {
        return version.matches("\\d{1,18}")
                ? OptionalLong.of(Long.parseLong(version))
                : OptionalLong.empty();
    }

    /** The number a path named {@code <version>.onnx} gives, whether or not the file exists. */
    public static OptionalLong number(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(SUFFIX)
                ? number(name.substring(0, name.length() - SUFFIX.length()))
                : OptionalLong.empty();
    }

    /** The highest integer version in {@code dir}, or 0 if it has none (or does not exist). */
    public static long highest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(ModelVersions::version)
                    .flatMap(Optional::stream)
                    .map(ModelVersions::number)
                    .filter(OptionalLong::isPresent)
                    .mapToLong(OptionalLong::getAsLong)
                    .max()
                    .orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    /**
     * Where to write a model: {@code out} itself if it names a {@code .onnx} file, else the next
     * version after the highest in the directory {@code out}.
     */
    public static Path target(Path out) {
        if (out.getFileName() != null && out.getFileName().toString().endsWith(SUFFIX)) {
            return out;
        }
        return out.resolve((highest(out) + 1) + SUFFIX);
    }
}
