package dev.mcr.notify;

import dev.mcr.model.NotifyProfile;
import java.util.List;
import java.util.Map;

/**
 * A notification channel type: one implementation per profile {@code type} (version 2 of the SPI).
 *
 * <p>A channel declares its {@linkplain #label() label} and its {@linkplain #fields() config fields}: the server
 * validates every stored profile of the type against them (a 400 naming the field), the values of
 * {@link ConfigField.Kind#SECRET} fields are encrypted at rest and masked in every answer, and the web UI renders the
 * service card from them. It delivers through {@link #send(NotifyProfile, Notification)}, which gets the runner, the
 * state, the run and a link to the runner on the page.
 *
 * <p>Each channel type has its own bounded queue and worker thread ({@code mcr-notify-<type>}), so a slow channel
 * delays only itself. {@code send} is called from that worker and from test sends, so it must be thread-safe. A
 * {@link NotifyException#retryable transient} failure is retried with back-off before it counts.
 *
 * <pre>{@code
 * final class Echo implements Notifier {
 *     public String type() { return "echo"; }
 *     public List<ConfigField> fields() { return List.of(ConfigField.url("url", "URL").asRequired()); }
 *     public Map<String, Object> send(NotifyProfile p, Notification n) throws NotifyException {
 *         // deliver n.title() and n.message() to p.configValue("url") ...
 *         return Map.of();
 *     }
 * }
 * Mcr mcr = Mcr.builder().dataDir(dir).notifier(new Echo()).build();
 * }</pre>
 *
 * <p>A first-version notifier, which implements only {@link #send(NotifyProfile, String, String)} and declares no
 * fields, keeps working: its secrets are then recognised by key name as before, and its profiles are not validated.
 */
public interface Notifier {

    /**
     * Returns the profile type this notifier delivers, matched case-insensitively against
     * {@link NotifyProfile#type()}.
     *
     * @return the type, for example {@code "pushover"}; lower-case letters, digits, '_' or '-'
     */
    String type();

    /**
     * Returns the English name of the channel type, shown in the type chooser.
     *
     * @return the label; the type itself unless overridden
     */
    default String label() {
        return type();
    }

    /**
     * Returns the declared config fields, in the order the service card shows them. An empty list means "not
     * declared" (a first-version notifier): no validation, secrets recognised by key name.
     *
     * @return the fields; their names are unique
     */
    default List<ConfigField> fields() {
        return List.of();
    }

    /**
     * Returns whether the profile holds every setting this channel needs; profiles that do not are skipped
     * silently. The default says yes when every required declared field has a value.
     *
     * @param profile the profile (secrets in clear)
     * @return true when a delivery can be attempted
     */
    default boolean isConfigured(NotifyProfile profile) {
        for (ConfigField f : fields()) {
            if (f.required() && profile.configValue(f.name()).isBlank()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the settings beyond what the declaration says (for example that a text holds a JSON object). Called
     * after the declared checks passed, whenever a profile of this type is stored.
     *
     * @param config the profile's config (secrets in clear)
     * @return a sentence naming the field and the problem, or {@code null} when the settings are fine
     */
    default String check(Map<String, String> config) {
        return null;
    }

    /**
     * Delivers one message. The default calls the first version's {@link #send(NotifyProfile, String, String)}.
     *
     * @param profile      the profile (secrets in clear)
     * @param notification the message with its runner, state, run and link
     * @return the channel's response, as plain JSON-like values (may be empty)
     * @throws NotifyException when the delivery failed; its message must not contain a secret (the dispatcher also
     *                         masks the profile's config values in it). An unchecked exception is treated as a
     *                         failed delivery too.
     */
    default Map<String, Object> send(NotifyProfile profile, Notification notification) throws NotifyException {
        return send(profile, notification.title(), notification.message());
    }

    /**
     * Delivers one message (first version of the SPI); implement {@link #send(NotifyProfile, Notification)} instead.
     *
     * @param profile the profile (secrets in clear)
     * @param title   the title
     * @param message the text
     * @return the channel's response, as plain JSON-like values (may be empty)
     * @throws NotifyException when the delivery failed, or always when neither {@code send} is implemented
     */
    default Map<String, Object> send(NotifyProfile profile, String title, String message) throws NotifyException {
        throw new NotifyException("The channel '" + type() + "' implements no send method.");
    }
}
