package dev.mcr.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a {@link ConfigStore} holds, as {@link ConfigStore#load()} read it in one transaction: the objects of
 * each kind in their stored order with their versions, and the profiles' counters.
 *
 * @param profiles the notification profiles, in order
 * @param runners  the runners, in order
 * @param groups   the groups, in order
 * @param layout   the layout, or {@code null} when none was stored yet
 * @param extra    the extra top-level keys, or {@code null} when none were stored yet
 * @param counters each profile's counters, by profile id (the same values the profile documents carry)
 */
public record StoredConfig(List<StoredObject> profiles, List<StoredObject> runners, List<StoredObject> groups,
                           StoredObject layout, StoredObject extra, Map<String, ProfileCounters> counters) {

    /** Nothing stored. */
    public static final StoredConfig EMPTY = new StoredConfig(List.of(), List.of(), List.of(), null, null, Map.of());

    /**
     * Copies the lists and the map.
     *
     * @param profiles the profiles
     * @param runners  the runners
     * @param groups   the groups
     * @param layout   the layout, or {@code null}
     * @param extra    the extra keys, or {@code null}
     * @param counters the counters
     */
    public StoredConfig {
        profiles = List.copyOf(profiles);
        runners = List.copyOf(runners);
        groups = List.copyOf(groups);
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /**
     * Returns the objects of one kind, in order.
     *
     * @param kind the kind
     * @return the objects; the layout and the extra keys are a list of at most one
     */
    public List<StoredObject> objects(ConfigKind kind) {
        switch (kind) {
            case RUNNER:
                return runners;
            case GROUP:
                return groups;
            case PROFILE:
                return profiles;
            case LAYOUT:
                return layout == null ? List.of() : List.of(layout);
            default:
                return extra == null ? List.of() : List.of(extra);
        }
    }

    /**
     * Finds an object.
     *
     * @param kind the kind
     * @param id   the id ({@code ""} for the single kinds)
     * @return the object, or empty when it does not exist
     */
    public Optional<StoredObject> find(ConfigKind kind, String id) {
        return objects(kind).stream().filter(o -> o.id().equals(id)).findFirst();
    }

    /**
     * Tells whether nothing is stored.
     *
     * @return true when there are no objects of any kind
     */
    public boolean isEmpty() {
        return profiles.isEmpty() && runners.isEmpty() && groups.isEmpty() && layout == null && extra == null;
    }
}
