package dev.mcr.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Python {@code re} pattern translated to and compiled for {@link java.util.regex}.
 *
 * <p>Group numbers are the same in Python and Java: the translation never adds or removes a
 * capturing group, so {@code {g1}} and {@code matcher.group(1)} agree.
 *
 * @param pattern      the compiled Java pattern
 * @param groupNames   Python group name to Java group name, in the order the groups are defined
 *                     (Java names are ASCII letters and digits only, so {@code disk_use} becomes {@code diskuse})
 * @param groupIndexes Python group name to group number, in the order the groups are defined
 * @param source       the Python pattern as given
 */
public record CompiledPattern(Pattern pattern, Map<String, String> groupNames, Map<String, Integer> groupIndexes,
                              String source) {

    /**
     * Validates that nothing is {@code null} and makes the maps unmodifiable, keeping their order.
     *
     * @param pattern      the compiled Java pattern
     * @param groupNames   Python group name to Java group name
     * @param groupIndexes Python group name to group number
     * @param source       the Python pattern as given
     */
    public CompiledPattern {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(source, "source");
        groupNames = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(groupNames, "groupNames")));
        groupIndexes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(groupIndexes, "groupIndexes")));
    }
}
