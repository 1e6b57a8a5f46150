package dev.mcr;

import dev.mcr.model.AppState;
import java.util.Objects;

/**
 * The outcome of cloning a runner.
 *
 * @param state      the new state (normalized), with the clone inserted after its source
 * @param clonedId   the clone's new runner id
 * @param clonedName the clone's name, such as {@code "Backup (copy)"}
 */
public record CloneResult(AppState state, String clonedId, String clonedName) {

    /** Validates that no component is {@code null}. */
    public CloneResult {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(clonedId, "clonedId");
        Objects.requireNonNull(clonedName, "clonedName");
    }
}
