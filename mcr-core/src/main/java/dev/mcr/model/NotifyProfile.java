package dev.mcr.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A configured notification channel ("service").
 *
 * @param id           profile id
 * @param name         display name
 * @param type         channel type; {@value #TYPE_PUSHOVER} in the original
 * @param active       whether deliveries are made
 * @param failureCount consecutive failed deliveries (server-owned)
 * @param sentCount    successful deliveries (server-owned)
 * @param config       channel settings; for Pushover {@code user_key} and {@code api_token}
 * @param extra        unknown JSON keys kept from the stored state
 */
public record NotifyProfile(
        String id,
        String name,
        String type,
        boolean active,
        int failureCount,
        int sentCount,
        Map<String, String> config,
        Map<String, Object> extra) {

    /** The Pushover type. */
    public static final String TYPE_PUSHOVER = "pushover";
    /** Config key of the Pushover user key. */
    public static final String USER_KEY = "user_key";
    /** Config key of the Pushover API token. */
    public static final String API_TOKEN = "api_token";
    /** Consecutive failures after which a profile is disabled. */
    public static final int AUTO_DISABLE_FAILURES = 3;

    /** Validates the components. */
    public NotifyProfile {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("Profile id '" + id + "' is invalid; use 1 to 120 characters of A-Z, a-z, 0-9, '_' or '-'.");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (failureCount < 0 || sentCount < 0) {
            throw new IllegalArgumentException("Profile counters must not be negative.");
        }
        config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * Creates an active Pushover profile.
     *
     * @param id       profile id
     * @param name     display name
     * @param userKey  Pushover user key
     * @param apiToken Pushover application token
     * @return the profile
     */
    public static NotifyProfile pushover(String id, String name, String userKey, String apiToken) {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put(USER_KEY, userKey);
        cfg.put(API_TOKEN, apiToken);
        return new NotifyProfile(id, name, TYPE_PUSHOVER, true, 0, 0, cfg, Map.of());
    }

    /**
     * Starts a fluent builder for a profile of any type (register a {@code Notifier} for types
     * other than {@value #TYPE_PUSHOVER}).
     *
     * @param id the profile id ({@code ^[A-Za-z0-9_-]{1,120}$}); also the default name
     * @return the builder
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Fluent builder for profiles defined in code; {@link #build()} validates. */
    public static final class Builder {
        private final String id;
        private String name;
        private String type = TYPE_PUSHOVER;
        private boolean active = true;
        private final Map<String, String> config = new LinkedHashMap<>();

        private Builder(String id) {
            this.id = id;
            this.name = id;
        }

        /** Sets the display name (defaults to the id). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Sets the channel type (default {@value #TYPE_PUSHOVER}); lower-case letters, digits, '_' or '-'. */
        public Builder type(String type) {
            this.type = type;
            return this;
        }

        /** Sets whether deliveries are made (default true). */
        public Builder active(boolean active) {
            this.active = active;
            return this;
        }

        /** Sets the Pushover user key and application token. */
        public Builder pushover(String userKey, String apiToken) {
            this.type = TYPE_PUSHOVER;
            config.put(USER_KEY, userKey);
            config.put(API_TOKEN, apiToken);
            return this;
        }

        /** Sets one channel setting; names containing "key", "token", "secret" or "password" are encrypted and masked. */
        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /**
         * Builds the profile.
         *
         * @return the profile
         * @throws IllegalArgumentException for an invalid id or type, or Pushover without credentials
         */
        public NotifyProfile build() {
            if (type == null || !type.matches("[a-z0-9_-]{1,40}")) {
                throw new IllegalArgumentException("Profile type '" + type
                        + "' is invalid; use lower-case letters, digits, '_' or '-', for example \"pushover\".");
            }
            if (TYPE_PUSHOVER.equals(type) && (config.getOrDefault(USER_KEY, "").isBlank()
                    || config.getOrDefault(API_TOKEN, "").isBlank())) {
                throw new IllegalArgumentException("A Pushover profile needs a user key and an API token; call pushover(userKey, apiToken).");
            }
            return new NotifyProfile(id, name == null || name.isBlank() ? "Pushover" : name, type, active, 0, 0,
                    config, Map.of());
        }
    }

    /** Returns a config value, or {@code ""} when absent. */
    public String configValue(String key) {
        String v = config.get(key);
        return v == null ? "" : v;
    }

    /** Returns a copy with another config. */
    public NotifyProfile withConfig(Map<String, String> newConfig) {
        return new NotifyProfile(id, name, type, active, failureCount, sentCount, newConfig, extra);
    }

    /** Returns a copy with other counters and activity. */
    public NotifyProfile withCounters(boolean newActive, int newFailureCount, int newSentCount) {
        return new NotifyProfile(id, name, type, newActive, newFailureCount, newSentCount, config, extra);
    }
}
