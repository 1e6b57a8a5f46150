package dev.mcr.delivery;

import dev.mcr.model.NotifyProfile;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the dispatcher reads notification profiles and persists their counters; implemented by the
 * owner of the state (the facade). Both methods may be called from any thread.
 */
public interface ProfileRegistry {

    /**
     * Returns the current stored profile, secrets in clear.
     *
     * @param profileId the profile id
     * @return the profile, or empty when it does not exist
     */
    Optional<NotifyProfile> find(String profileId);

    /**
     * Replaces a profile atomically with {@code change} applied to its current value and persists it.
     * The function may be called more than once (for example on a retry); it must have no side effects
     * beyond computing the new value.
     *
     * @param profileId the profile id
     * @param change    computes the new profile from the current one
     * @return the updated profile, or empty when the profile no longer exists
     */
    Optional<NotifyProfile> update(String profileId, UnaryOperator<NotifyProfile> change);
}
