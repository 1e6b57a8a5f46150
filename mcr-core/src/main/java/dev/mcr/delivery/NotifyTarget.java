package dev.mcr.delivery;

import dev.mcr.model.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One notification target of a runner: a profile id and whether it only receives changed messages.
 *
 * @param profileId   the notification profile
 * @param updatesOnly when true, a message identical to the last one successfully sent for the same
 *                    runner and profile is not sent again
 */
public record NotifyTarget(String profileId, boolean updatesOnly) {

    /**
     * Validates the profile id.
     *
     * @param profileId   the notification profile, not blank
     * @param updatesOnly whether only changed messages are sent
     * @throws IllegalArgumentException when the profile id is blank
     */
    public NotifyTarget {
        Objects.requireNonNull(profileId, "profileId");
        if (profileId.isBlank()) {
            throw new IllegalArgumentException("A notification target needs a non-blank profile id.");
        }
    }

    /**
     * Returns a runner's targets: its {@code notify_profile_ids} in order, each with its updates-only flag.
     * Whether the profiles exist is checked when a message is enqueued, not here.
     *
     * @param runner the runner
     * @return the targets, unmodifiable
     */
    public static List<NotifyTarget> of(Runner runner) {
        Objects.requireNonNull(runner, "runner");
        List<NotifyTarget> targets = new ArrayList<>(runner.targets().profileIds().size());
        for (String id : runner.targets().profileIds()) {
            targets.add(new NotifyTarget(id, runner.targets().isUpdatesOnly(id)));
        }
        return List.copyOf(targets);
    }
}
