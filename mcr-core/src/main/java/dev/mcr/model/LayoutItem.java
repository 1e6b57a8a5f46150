package dev.mcr.model;

import java.util.Objects;

/**
 * One entry of the display order.
 *
 * @param type whether the entry is a runner or a group
 * @param id   the runner or group id
 */
public record LayoutItem(Type type, String id) {

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

    /** Validates the components. */
    public LayoutItem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
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
