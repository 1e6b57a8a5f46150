package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An API token. The secret is shown once when it is created and never stored, only its SHA-256.
 *
 * @param id        a public id to list and delete the token by
 * @param name      the name its creator gave it
 * @param user      the creator, whose rights bound the token's
 * @param role      the token's role's name
 * @param tokenHash the SHA-256 of the secret, hex
 * @param created   when it was created
 * @param expires   when it stops working, or {@code null} for never
 * @param lastUsed  when it was last used, or {@code null}
 */
public record TokenRecord(String id, String name, String user, String role, String tokenHash, Instant created,
                          Instant expires, Instant lastUsed) {

    /**
     * Checks the required values.
     *
     * @param id        the public id
     * @param name      the name
     * @param user      the creator
     * @param role      the role
     * @param tokenHash the secret's hash
     * @param created   the creation time
     * @param expires   the expiry, or {@code null}
     * @param lastUsed  the last use, or {@code null}
     */
    public TokenRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(created, "created");
    }
}
