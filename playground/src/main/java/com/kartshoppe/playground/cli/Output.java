package com.kartshoppe.playground.cli;

import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Where a command writes: {@code jsonl:DIR} or {@code kafka:HOST:PORT[,HOST:PORT...]}. */
record Output(Kind kind, String target) {

    enum Kind {
        JSONL,
        KAFKA
    }

    Path dir() {
        return Path.of(target);
    }

    /** Parses {@code jsonl:DIR} and {@code kafka:BOOTSTRAP}. */
    static final class Converter implements ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            int colon = value.indexOf(':');
            String scheme = colon < 0 ? "" : value.substring(0, colon);
            String target = colon < 0 ? "" : value.substring(colon + 1);
            if (target.isBlank()) {
                throw new TypeConversionException(
                        "'" + value + "': expected jsonl:DIR or kafka:HOST:PORT");
            }
            return switch (scheme) {
                case "jsonl" -> new Output(Kind.JSONL, target);
                case "kafka" -> new Output(Kind.KAFKA, target);
                default ->
                        throw new TypeConversionException(
                                "'"
                                        + value
                                        + "': unknown scheme '"
                                        + scheme
                                        + "', expected jsonl:DIR or kafka:HOST:PORT");
            };
        }
    }
}
