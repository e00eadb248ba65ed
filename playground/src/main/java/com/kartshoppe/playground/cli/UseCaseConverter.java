package com.kartshoppe.playground.cli;

import com.kartshoppe.events.UseCase;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code fraud} or {@code reco}, in any case. */
final class UseCaseConverter implements ITypeConverter<UseCase> {

    @Override
    public UseCase convert(String value) {
        try {
            return UseCase.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(
                    "'"
                            + value
                            + "' is not a use case: "
                            + Arrays.stream(UseCase.values())
                                    .map(u -> u.name().toLowerCase(Locale.ROOT))
                                    .collect(Collectors.joining(" or ")));
        }
    }

    static String name(UseCase useCase) {
        return useCase.name().toLowerCase(Locale.ROOT);
    }
}
