package dev.mcr.transfer;

import dev.mcr.model.AppState;

import java.util.Objects;

/**
 * The outcome of an import.
 *
 * @param state         the new state (normalized): the current state with the imported runners, groups and
 *                      layout appended
 * @param importedCount the number of runners in the import
 */
public record ImportResult(AppState state, int importedCount) {

    /** Validates the components. */
    public ImportResult {
        Objects.requireNonNull(state, "state");
        if (importedCount < 0) {
            throw new IllegalArgumentException("importedCount must not be negative.");
        }
    }
}
