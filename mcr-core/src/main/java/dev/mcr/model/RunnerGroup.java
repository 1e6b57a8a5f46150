package dev.mcr.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runners that run one after another as one-shot runs.
 *
 * @param id                group id
 * @param name              display name
 * @param runnerIds         members, in run order
 * @param disabledRunnerIds members skipped by a group run (a subset of {@code runnerIds})
 * @param extra             unknown JSON keys kept from the stored state
 */
public record RunnerGroup(String id, String name, List<String> runnerIds, List<String> disabledRunnerIds,
                          Map<String, Object> extra) {

    /** Default group name. */
    public static final String DEFAULT_NAME = "Group";

    /** Validates the components. */
    public RunnerGroup {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("Group id '" + id + "' is invalid; use 1 to 120 characters of A-Z, a-z, 0-9, '_' or '-'.");
        }
        Objects.requireNonNull(name, "name");
        runnerIds = List.copyOf(runnerIds);
        disabledRunnerIds = List.copyOf(disabledRunnerIds);
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * Creates a group with all members enabled.
     *
     * @param id        group id
     * @param name      display name
     * @param runnerIds members in run order
     * @return the group
     */
    public static RunnerGroup of(String id, String name, List<String> runnerIds) {
        return new RunnerGroup(id, name, runnerIds, List.of(), Map.of());
    }

    /** Returns the members a group run executes: members minus disabled ones, in order. */
    public List<String> activeRunnerIds() {
        return runnerIds.stream().filter(r -> !disabledRunnerIds.contains(r)).toList();
    }

    /** Returns a copy with other members. */
    public RunnerGroup withMembers(List<String> newRunnerIds, List<String> newDisabled) {
        return new RunnerGroup(id, name, newRunnerIds, newDisabled, extra);
    }
}
