package dev.mcr.store;

import java.util.Objects;

/**
 * One configured object as a {@link ConfigStore} keeps it: its current JSON document and version.
 *
 * <p>The document is the object's JSON in the state's form (SPEC §1: a runner, group or profile object, the layout
 * array, or the object of extra top-level keys), with secrets as the {@code enc:v1:} tokens the layer above the store
 * encrypted. A store keeps the text as it was given except for a profile's counters ({@code failure_count},
 * {@code sent_count}), which it keeps in place of their own (see {@link ConfigStore#setCounters}).
 *
 * @param kind    the kind
 * @param id      the id; {@code ""} for the layout and the extra keys
 * @param json    the JSON document
 * @param version the version, 1 for the first one
 */
public record StoredObject(ConfigKind kind, String id, String json, long version) {

    /**
     * Checks the components.
     *
     * @param kind    the kind
     * @param id      the id
     * @param json    the document
     * @param version at least 1
     */
    public StoredObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(json, "json");
        if (version < 1) {
            throw new IllegalArgumentException("A stored object's version is at least 1, not " + version + ".");
        }
    }
}
