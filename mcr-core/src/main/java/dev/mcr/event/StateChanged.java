package dev.mcr.event;

import dev.mcr.store.ConfigKind;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A configured object was changed, created or deleted, by anyone: a client's save, a versioned change, or mcr itself
 * (a profile disabled after failed deliveries, a clone, an import, a document the original tool wrote). Published
 * once per object and committed change, after the change is stored; clients that show the object reload it.
 *
 * <p>JSON: {@code {"type": "state_changed", "kind": "runner|group|profile|layout", "id": …, "version": …,
 * "deleted": …}}; the layout's id is {@code ""}. The original web client ignores this type.
 *
 * @param kind    the kind: runner, group, profile or layout (changes of the extra top-level keys are not published)
 * @param id      the object's id, {@code ""} for the layout
 * @param version its new version (the tombstone's when it was deleted)
 * @param deleted whether it was deleted
 */
public record StateChanged(ConfigKind kind, String id, long version, boolean deleted) implements McrEvent {

    /**
     * Checks the components.
     *
     * @param kind    the kind
     * @param id      the id
     * @param version the version
     * @param deleted whether it was deleted
     */
    public StateChanged {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String type() {
        return "state_changed";
    }

    @Override
    public Map<String, Object> toJson(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "state_changed");
        m.put("kind", kind.json());
        m.put("id", id);
        m.put("version", version);
        m.put("deleted", deleted);
        return m;
    }
}
