package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One version in the history of a configured object: what a commit stored, or the tombstone of a deletion.
 *
 * @param kind        the kind
 * @param id          the id; {@code ""} for the layout and the extra keys
 * @param version     the version this commit gave the object
 * @param json        the document of this version, or {@code null} for a tombstone (the object was deleted)
 * @param committedAt when the commit happened
 */
public record ObjectVersion(ConfigKind kind, String id, long version, String json, Instant committedAt) {

    /**
     * Checks the components.
     *
     * @param kind        the kind
     * @param id          the id
     * @param version     at least 1
     * @param json        the document, {@code null} for a tombstone
     * @param committedAt when it was committed
     */
    public ObjectVersion {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(committedAt, "committedAt");
        if (version < 1) {
            throw new IllegalArgumentException("A version is at least 1, not " + version + ".");
        }
    }

    /**
     * Tells whether this version is the tombstone of a deletion.
     *
     * @return true when the object was deleted by this commit
     */
    public boolean deleted() {
        return json == null;
    }
}
