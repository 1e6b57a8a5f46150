package dev.mcr.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the display order.
 *
 * @param type  whether the entry is a runner or a group
 * @param id    the runner or group id
 * @param extra unknown JSON keys of the layout entry, kept so that keys a newer client wrote survive a save of a
 *              client that does not know them (plain Java values)
 */
public record LayoutItem(Type type, String id, Map<String, Object> extra) {

    /** The kind of a layout entry. */
    public enum Type {
        /** A top-level runner. */
        RUNNER,
        /** A group. */
        GROUP;

        /** Returns the JSON form, {@code "runner"} or {@code "group"}. */
        public String json() {
            return this == RUNNER ? "runner" : "group";
        }
    }

    /** Validates the components; copies the extra keys. */
    public LayoutItem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * An entry without unknown keys.
     *
     * @param type whether the entry is a runner or a group
     * @param id   the runner or group id
     */
    public LayoutItem(Type type, String id) {
        this(type, id, Map.of());
    }

    /** Returns a runner entry. */
    public static LayoutItem runner(String id) {
        return new LayoutItem(Type.RUNNER, id);
    }

    /** Returns a group entry. */
    public static LayoutItem group(String id) {
        return new LayoutItem(Type.GROUP, id);
    }
}
