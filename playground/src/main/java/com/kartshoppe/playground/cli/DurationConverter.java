package com.kartshoppe.playground.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as Flink writes them: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, {@code 500ms}.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration such as 90s, 30m, 2h or 1d");
        }
    }
}
