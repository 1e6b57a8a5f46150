package dev.mcr.transfer;

import dev.mcr.model.AppState;

/**
 * The state after an import and how many runners it added.
 *
 * @param state         the new state
 * @param importedCount runners added
 */
public record ImportResult(AppState state, int importedCount) {
}
