package dev.mcr.transfer;

import dev.mcr.model.AppState;
import java.util.Objects;

/**
 * The outcome of cloning a runner, before it is saved; the facade hands out the saved one as
 * {@code dev.mcr.CloneResult}.
 *
 * @param state      the new state (normalized), with the clone inserted after its source
 * @param clonedId   the clone's new runner id
 * @param clonedName the clone's name, such as {@code "Backup (copy)"}
 */
public record CloneOutcome(AppState state, String clonedId, String clonedName) {

    /** Validates that no component is {@code null}. */
    public CloneOutcome {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(clonedId, "clonedId");
        Objects.requireNonNull(clonedName, "clonedName");
    }
}
