package com.kartshoppe.events.config;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Fail-fast validation of user-supplied settings: every key must be a known option (or start with
 * an allowed pass-through prefix), and every known option's value must parse.
 */
public final class Settings {

    private Settings() {}

    /**
     * @throws IllegalArgumentException naming the first unknown key or the key whose value does not
     *     parse
     */
    public static Configuration validate(
            Configuration conf, Collection<ConfigOption<?>> options, Collection<String> prefixes) {
        Set<String> known = options.stream().map(ConfigOption::key).collect(Collectors.toSet());
        for (String key : new TreeSet<>(conf.keySet())) {
            if (!known.contains(key) && prefixes.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException(
                        "Unknown setting '"
                                + key
                                + "'. Known settings: "
                                + new TreeSet<>(known)
                                + (prefixes.isEmpty()
                                        ? ""
                                        : ", and any key starting with " + prefixes));
            }
        }
        for (ConfigOption<?> option : options) {
            try {
                conf.get(option);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Invalid value for '" + option.key() + "': " + e.getMessage(), e);
            }
        }
        return conf;
    }
}
