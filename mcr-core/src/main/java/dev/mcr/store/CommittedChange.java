package dev.mcr.store;

import java.util.Objects;

/**
 * What one put or delete of a {@link ConfigStore#commit commit} did to one object.
 *
 * @param kind    the kind
 * @param id      the id; {@code ""} for the layout and the extra keys
 * @param version the object's new version (the tombstone's for a deletion)
 * @param deleted whether the object was deleted
 */
public record CommittedChange(ConfigKind kind, String id, long version, boolean deleted) {

    /**
     * Checks the components.
     *
     * @param kind    the kind
     * @param id      the id
     * @param version at least 1
     * @param deleted whether it was a deletion
     */
    public CommittedChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (version < 1) {
            throw new IllegalArgumentException("A committed version is at least 1, not " + version + ".");
        }
    }
}
