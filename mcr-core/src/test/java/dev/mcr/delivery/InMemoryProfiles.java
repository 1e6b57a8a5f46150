package dev.mcr.delivery;

import dev.mcr.model.NotifyProfile;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** A thread-safe in-memory stand-in for the store's profile table. */
final class InMemoryProfiles implements ProfileRegistry {
    private final Map<String, NotifyProfile> profiles = new ConcurrentHashMap<>();

    NotifyProfile put(NotifyProfile profile) {
        profiles.put(profile.id(), profile);
        return profile;
    }

    void remove(String id) {
        profiles.remove(id);
    }

    NotifyProfile get(String id) {
        return profiles.get(id);
    }

    @Override
    public Optional<NotifyProfile> find(String profileId) {
        return Optional.ofNullable(profiles.get(profileId));
    }

    @Override
    public Optional<NotifyProfile> update(String profileId, UnaryOperator<NotifyProfile> change) {
        return Optional.ofNullable(profiles.computeIfPresent(profileId, (id, current) -> change.apply(current)));
    }
}
