package dev.mcr;

import java.util.List;
import java.util.Objects;

/**
 * What a key rotation did ({@link Mcr#rotateKeys()}): every stored secret that an older key encrypted is now encrypted
 * with the first key, in one transaction, the earlier versions of each object included.
 *
 * @param reencrypted how many secrets were re-encrypted with the first key
 * @param current     how many secrets the first key already encrypted
 * @param unreadable  where the secrets are that no given key decrypts, as {@code <owner>: <path>} (for example
 *                    {@code service "Pushover" (p1): config.user_key}); they are kept as they are, so that the key
 *                    that encrypted them can still be added; never a value
 */
public record KeyRotation(int reencrypted, int current, List<String> unreadable) {

    /** Copies the list. */
    public KeyRotation {
        unreadable = List.copyOf(Objects.requireNonNull(unreadable, "unreadable"));
    }

    /** Returns whether every stored secret is now readable with the first key alone. */
    public boolean complete() {
        return unreadable.isEmpty();
    }
}
