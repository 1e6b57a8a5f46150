package dev.mcr.store;

import java.util.Objects;

/**
 * The server-owned counters of a notification profile, kept apart from its versions.
 *
 * @param profileId the profile
 * @param sent      successful deliveries
 * @param failures  consecutive failed deliveries
 */
public record ProfileCounters(String profileId, int sent, int failures) {

    /**
     * Checks the components.
     *
     * @param profileId the profile
     * @param sent      not negative
     * @param failures  not negative
     */
    public ProfileCounters {
        Objects.requireNonNull(profileId, "profileId");
        if (sent < 0 || failures < 0) {
            throw new IllegalArgumentException("Profile counters must not be negative.");
        }
    }
}
