package dev.mcr.model;

import java.util.ArrayList;
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

    /**
     * Starts a fluent builder.
     *
     * @param id the group id ({@code ^[A-Za-z0-9_-]{1,120}$}); also the default name
     * @return the builder
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Fluent builder for groups defined in code; {@link #build()} validates. */
    public static final class Builder {
        private final String id;
        private String name;
        private final List<String> runnerIds = new ArrayList<>();
        private final List<String> disabled = new ArrayList<>();

        private Builder(String id) {
            this.id = id;
            this.name = id;
        }

        /** Sets the display name (defaults to the id). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Appends members, in run order. */
        public Builder runners(String... ids) {
            for (String r : ids) {
                if (runnerIds.contains(r)) {
                    throw new IllegalArgumentException("Runner '" + r + "' is already a member of group '" + id
                            + "'; add each runner once.");
                }
                runnerIds.add(r);
            }
            return this;
        }

        /** Appends a member that a group run skips (it stays runnable on its own). */
        public Builder disabledRunner(String runnerId) {
            runners(runnerId);
            disabled.add(runnerId);
            return this;
        }

        /**
         * Builds the group.
         *
         * @return the group
         * @throws IllegalArgumentException when the id is invalid or the group has no member
         */
        public RunnerGroup build() {
            if (runnerIds.isEmpty()) {
                throw new IllegalArgumentException("Group '" + id + "' needs at least one runner; call runners(...).");
            }
            return new RunnerGroup(id, name == null || name.isBlank() ? DEFAULT_NAME : name, runnerIds, disabled, Map.of());
        }
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
