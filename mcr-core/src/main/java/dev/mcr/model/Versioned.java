package dev.mcr.model;

import java.util.Objects;

/**
 * A value together with the version it has in the store: versions start at 1 and go up by one per committed change.
 * A change that is based on a version other than the current one is refused with
 * {@link dev.mcr.error.VersionConflictException}.
 *
 * <pre>{@code
 * Versioned<Runner> nas = mcr.versionedRunner("nas-ping").orElseThrow();
 * mcr.updateRunner(changedCopyOf(nas.value()), nas.version());   // VersionConflictException if it changed meanwhile
 * }</pre>
 *
 * @param value   the value
 * @param version its version: at least 1 for anything stored (0 only for the layout before anything was stored)
 * @param <T>     the value's type
 */
public record Versioned<T>(T value, long version) {

    /**
     * Checks the components.
     *
     * @param value   the value
     * @param version not negative
     */
    public Versioned {
        Objects.requireNonNull(value, "value");
        if (version < 0) {
            throw new IllegalArgumentException("A version is not negative, not " + version + ".");
        }
    }
}
