package dev.mcr.transfer;

import dev.mcr.model.AppState;

/**
 * The state after cloning a runner, and the clone's id and name.
 *
 * @param state      the new state
 * @param clonedId   the clone's id
 * @param clonedName the clone's name
 */
public record CloneResult(AppState state, String clonedId, String clonedName) {
}
