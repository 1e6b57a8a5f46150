package dev.mcr.notify;

import dev.mcr.model.NotifyProfile;
import java.util.Map;

/**
 * A notification channel: one implementation per profile {@code type}. Implementations are
 * called from the single notification worker thread ({@code mcr-notify}) and from test sends.
 */
public interface Notifier {

    /**
     * Returns the profile type this notifier delivers, matched case-insensitively against
     * {@link NotifyProfile#type()}.
     *
     * @return the type, for example {@code "pushover"}; not blank
     */
    String type();

    /**
     * Returns whether the profile holds every credential this channel needs; profiles that do not
     * are skipped silently.
     *
     * @param profile the profile (secrets in clear)
     * @return true when a delivery can be attempted
     */
    boolean isConfigured(NotifyProfile profile);

    /**
     * Delivers one message.
     *
     * @param profile the profile (secrets in clear)
     * @param title   the title
     * @param message the text
     * @return the channel's response, as plain JSON-like values (may be empty)
     * @throws NotifyException when the delivery failed; its message must not contain a secret (the
     *                         dispatcher also masks the profile's config values in it). An unchecked
     *                         exception is treated as a failed delivery too.
     */
    Map<String, Object> send(NotifyProfile profile, String title, String message) throws NotifyException;
}
