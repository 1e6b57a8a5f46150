package dev.mcr.store;

import java.util.List;
import java.util.Objects;

/**
 * One change of a {@link ConfigStore#commit commit}: a put, a delete or a new order of one kind's objects.
 *
 * <p>Puts and deletes carry the version they are based on: the object's current version, or 0 for "must not exist
 * yet" (an object that was deleted does not exist; its next version continues after its tombstone). A commit whose
 * change is based on another version fails as a whole with {@link dev.mcr.error.VersionConflictException}.
 *
 * <pre>{@code
 * store.config().commit(List.of(
 *     ConfigChange.put(ConfigKind.RUNNER, "runner_a", runnerJson, 0),
 *     ConfigChange.delete(ConfigKind.RUNNER, "runner_b", 4),
 *     ConfigChange.order(ConfigKind.RUNNER, List.of("runner_a", "runner_c"))));
 * }</pre>
 */
public sealed interface ConfigChange permits ConfigChange.Put, ConfigChange.Delete, ConfigChange.Order {

    /**
     * Returns the kind of the object(s) this change is about.
     *
     * @return the kind
     */
    ConfigKind kind();

    /**
     * Stores a new version of an object (creates it when {@code baseVersion} is 0).
     *
     * @param kind        the kind
     * @param id          the id; {@code ""} for the layout and the extra keys
     * @param json        the whole new document (JSON object; an array for the layout)
     * @param baseVersion the current version the change is based on, 0 when the object must not exist yet
     * @return the change
     */
    static Put put(ConfigKind kind, String id, String json, long baseVersion) {
        return new Put(kind, id, json, baseVersion);
    }

    /**
     * Deletes an object, leaving a tombstone in its history.
     *
     * @param kind        the kind (not the layout or the extra keys)
     * @param id          the id
     * @param baseVersion the current version the deletion is based on
     * @return the change
     */
    static Delete delete(ConfigKind kind, String id, long baseVersion) {
        return new Delete(kind, id, baseVersion);
    }

    /**
     * Orders a kind's objects: the listed ones first, in this order, then the others in their previous order. Changes
     * no version.
     *
     * @param kind the kind (runners, groups or profiles)
     * @param ids  the ids in their new order; unknown ones are ignored
     * @return the change
     */
    static Order order(ConfigKind kind, List<String> ids) {
        return new Order(kind, ids);
    }

    /**
     * A put: the new document of one object.
     *
     * @param kind        the kind
     * @param id          the id
     * @param json        the document
     * @param baseVersion the version it is based on, 0 for a new object
     */
    record Put(ConfigKind kind, String id, String json, long baseVersion) implements ConfigChange {
        /**
         * Checks the components.
         *
         * @param kind        the kind
         * @param id          the id, {@code ""} exactly for the single kinds
         * @param json        the document
         * @param baseVersion not negative
         */
        public Put {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(json, "json");
            checkId(kind, id);
            if (baseVersion < 0) {
                throw new IllegalArgumentException("A base version is 0 or more, not " + baseVersion + ".");
            }
        }
    }

    /**
     * A deletion of one object.
     *
     * @param kind        the kind
     * @param id          the id
     * @param baseVersion the version it is based on
     */
    record Delete(ConfigKind kind, String id, long baseVersion) implements ConfigChange {
        /**
         * Checks the components.
         *
         * @param kind        runners, groups or profiles
         * @param id          the id
         * @param baseVersion at least 1
         */
        public Delete {
            Objects.requireNonNull(kind, "kind");
            if (kind.single()) {
                throw new IllegalArgumentException("The " + kind.json() + " cannot be deleted; put an empty one.");
            }
            checkId(kind, id);
            if (baseVersion < 1) {
                throw new IllegalArgumentException("A deletion is based on a version of 1 or more, not " + baseVersion
                        + ".");
            }
        }
    }

    /**
     * A new order of one kind's objects.
     *
     * @param kind the kind
     * @param ids  the ids in their new order
     */
    record Order(ConfigKind kind, List<String> ids) implements ConfigChange {
        /**
         * Checks the components.
         *
         * @param kind runners, groups or profiles
         * @param ids  the ids
         */
        public Order {
            Objects.requireNonNull(kind, "kind");
            if (kind.single()) {
                throw new IllegalArgumentException("The " + kind.json() + " is a single object and has no order.");
            }
            ids = List.copyOf(ids);
        }
    }

    private static void checkId(ConfigKind kind, String id) {
        Objects.requireNonNull(id, "id");
        if (kind.single() != id.isEmpty()) {
            throw new IllegalArgumentException(kind.single()
                    ? "The " + kind.json() + " has the id \"\", not '" + id + "'."
                    : "A " + kind.json() + " needs a non-empty id.");
        }
    }
}
