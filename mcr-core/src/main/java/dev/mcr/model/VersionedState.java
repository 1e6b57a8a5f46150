package dev.mcr.model;

import java.util.Objects;

/**
 * A state together with the versions of its objects, read at the same moment.
 *
 * @param state    the state
 * @param versions the versions of its runners, groups, profiles and layout
 */
public record VersionedState(AppState state, Versions versions) {

    /**
     * Checks the components.
     *
     * @param state    the state
     * @param versions the versions
     */
    public VersionedState {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(versions, "versions");
    }
}
