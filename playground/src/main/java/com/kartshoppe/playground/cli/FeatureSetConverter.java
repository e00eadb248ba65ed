package com.kartshoppe.playground.cli;

import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.events.catalog.FeatureSet;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A feature set of the catalog by name ({@code fraud_v1}); a typo is a usage error. */
final class FeatureSetConverter implements ITypeConverter<FeatureSet> {

    @Override
    public FeatureSet convert(String value) {
        try {
            return FeatureCatalog.byName(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
