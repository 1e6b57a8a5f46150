package dev.mcr.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The versions of the configured objects of an {@link AppState}: one per runner, group and profile (by id), and one
 * of the layout. They live beside the records, so that equal content stays equal records.
 *
 * @param runners  runner id to version
 * @param groups   group id to version
 * @param profiles profile id to version
 * @param layout   the layout's version (0 before the layout was first stored)
 */
public record Versions(Map<String, Long> runners, Map<String, Long> groups, Map<String, Long> profiles,
                       long layout) {

    /** No versions: nothing stored yet. */
    public static final Versions NONE = new Versions(Map.of(), Map.of(), Map.of(), 0);

    /**
     * Copies the maps.
     *
     * @param runners  runner versions
     * @param groups   group versions
     * @param profiles profile versions
     * @param layout   the layout's version
     */
    public Versions {
        runners = Collections.unmodifiableMap(new LinkedHashMap<>(runners));
        groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /**
     * Returns a runner's version.
     *
     * @param id the runner
     * @return its version, 0 when it is not stored
     */
    public long runner(String id) {
        return runners.getOrDefault(id, 0L);
    }

    /**
     * Returns a group's version.
     *
     * @param id the group
     * @return its version, 0 when it is not stored
     */
    public long group(String id) {
        return groups.getOrDefault(id, 0L);
    }

    /**
     * Returns a profile's version.
     *
     * @param id the profile
     * @return its version, 0 when it is not stored
     */
    public long profile(String id) {
        return profiles.getOrDefault(id, 0L);
    }
}
