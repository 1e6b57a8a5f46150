package dev.mcr.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration: profiles, runners, groups and display order.
 *
 * <p>Instances are immutable. {@link StateJson#read(String)} makes any input consistent with the rules of
 * the state model (valid unique ids, references that resolve, one group per runner, a complete layout).
 *
 * @param notifyProfiles notification profiles
 * @param runners        runners
 * @param runnerGroups   groups
 * @param runnerLayout   display order
 * @param extra          unknown top-level JSON keys kept from the stored state
 */
public record AppState(List<NotifyProfile> notifyProfiles, List<Runner> runners, List<RunnerGroup> runnerGroups,
                       List<LayoutItem> runnerLayout, Map<String, Object> extra) {

    /** The empty state. */
    public static final AppState EMPTY = new AppState(List.of(), List.of(), List.of(), List.of(), Map.of());

    /** Copies the lists and makes them unmodifiable. */
    public AppState {
        notifyProfiles = List.copyOf(notifyProfiles);
        runners = List.copyOf(runners);
        runnerGroups = List.copyOf(runnerGroups);
        runnerLayout = List.copyOf(runnerLayout);
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** Finds a runner by id. */
    public Optional<Runner> runner(String id) {
        return runners.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Finds a profile by id. */
    public Optional<NotifyProfile> profile(String id) {
        return notifyProfiles.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** Finds a group by id. */
    public Optional<RunnerGroup> group(String id) {
        return runnerGroups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** Finds the group a runner belongs to. */
    public Optional<RunnerGroup> groupOf(String runnerId) {
        return runnerGroups.stream().filter(g -> g.runnerIds().contains(runnerId)).findFirst();
    }

    /** Returns a copy with other runners (not normalized). */
    public AppState withRunners(List<Runner> newRunners) {
        return new AppState(notifyProfiles, newRunners, runnerGroups, runnerLayout, extra);
    }

    /** Returns a copy with other profiles (not normalized). */
    public AppState withNotifyProfiles(List<NotifyProfile> newProfiles) {
        return new AppState(newProfiles, runners, runnerGroups, runnerLayout, extra);
    }

    /** Returns a copy with other groups and layout (not normalized). */
    public AppState withGroupsAndLayout(List<RunnerGroup> newGroups, List<LayoutItem> newLayout) {
        return new AppState(notifyProfiles, runners, newGroups, newLayout, extra);
    }
}
