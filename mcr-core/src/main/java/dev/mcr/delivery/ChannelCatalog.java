package dev.mcr.delivery;

import dev.mcr.crypto.SecretFields;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.error.InvalidInputException;
import dev.mcr.model.AppState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.ConfigField;
import dev.mcr.notify.Notifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The channel types an instance knows, with their declarations: which config values are secrets (for the crypto
 * layer) and whether a profile is valid for its type (for every save).
 */
public final class ChannelCatalog implements SecretFields {

    private final Map<String, Notifier> byType;
    private final ZoneId zone;

    /**
     * @param notifiers the channel types; a later one replaces an earlier one of the same type
     * @param zone      the default zone of quiet hours
     */
    public ChannelCatalog(List<Notifier> notifiers, ZoneId zone) {
        Map<String, Notifier> m = new LinkedHashMap<>();
        for (Notifier n : notifiers) {
            m.put(key(n.type()), n);
        }
        this.byType = m;
        this.zone = zone;
    }

    /** Returns the channel types in registration order. */
    public List<Notifier> all() {
        return List.copyOf(byType.values());
    }

    /**
     * Returns the channel type of this name.
     *
     * @param type the type, case-insensitive
     * @return the notifier, when known
     */
    public Optional<Notifier> find(String type) {
        return Optional.ofNullable(byType.get(key(type)));
    }

    @Override
    public boolean isSecret(String profileType, String configKey) {
        Notifier n = byType.get(key(profileType));
        if (n != null) {
            for (ConfigField f : n.fields()) {
                if (f.name().equals(configKey)) {
                    return f.isSecret();
                }
            }
        }
        return SecretMasking.isSecretKey(configKey);
    }

    /**
     * Checks the new and changed profiles of a state about to be stored.
     *
     * @param next    the normalized state
     * @param current the state stored now
     * @throws InvalidInputException with a sentence naming the service and the field
     */
    public void check(AppState next, AppState current) {
        Map<String, NotifyProfile> stored = new HashMap<>();
        current.notifyProfiles().forEach(p -> stored.put(p.id(), p));
        for (NotifyProfile p : next.notifyProfiles()) {
            NotifyProfile old = stored.get(p.id());
            if (old != null && old.type().equals(p.type()) && old.config().equals(p.config())
                    && java.util.Objects.equals(old.extra().get(QuietHours.KEY), p.extra().get(QuietHours.KEY))) {
                continue;
            }
            String problem = problem(p);
            if (problem != null) {
                throw new InvalidInputException("Service \"" + p.name() + "\" (" + p.id() + "): " + problem);
            }
        }
    }

    /**
     * Returns what is wrong with a profile for its type, or {@code null} when nothing is.
     *
     * @param p the profile (secrets in clear)
     * @return a sentence naming the field
     */
    public String problem(NotifyProfile p) {
        Notifier n = byType.get(key(p.type()));
        if (n == null) {
            return "the type \"" + p.type() + "\" is unknown; known types: " + String.join(", ", byType.keySet()) + ".";
        }
        for (ConfigField f : n.fields()) {
            String v = p.configValue(f.name()).strip();
            if (v.isEmpty()) {
                if (f.required()) {
                    return "the field \"" + f.name() + "\" (" + f.label() + ") is required.";
                }
                continue;
            }
            String bad = badValue(f, v);
            if (bad != null) {
                return "the field \"" + f.name() + "\" (" + f.label() + ") " + bad;
            }
        }
        String extra = n.check(p.config());
        if (extra != null) {
            return extra;
        }
        try {
            QuietHours.parse(p.extra().get(QuietHours.KEY), zone);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    private static String badValue(ConfigField f, String v) {
        switch (f.kind()) {
            case URL:
                return httpUrlProblem(v);
            case NUMBER:
                try {
                    Long.parseLong(v);
                    return null;
                } catch (NumberFormatException e) {
                    return "must be a whole number.";
                }
            case BOOL:
                return v.equals("true") || v.equals("false") ? null : "must be true or false.";
            case CHOICE:
                return f.choices().contains(v) ? null : "must be one of " + String.join(", ", f.choices()) + ".";
            default:
                return null;
        }
    }

    /**
     * Checks that a text is an absolute http or https URL with a host.
     *
     * @param v the text
     * @return {@code null} when it is, else the end of a sentence ("must be …")
     */
    public static String httpUrlProblem(String v) {
        try {
            URI u = new URI(v);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && !u.getHost().isEmpty()) {
                return null;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        return "must be an http or https URL, for example https://example.org/hook.";
    }

    private static String key(String type) {
        return type == null ? "" : type.strip().toLowerCase(Locale.ROOT);
    }
}
