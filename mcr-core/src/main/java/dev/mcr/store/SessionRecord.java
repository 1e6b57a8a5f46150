package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A login session. The cookie's secret is never stored, only its SHA-256.
 *
 * @param id        a public id to list and revoke the session by (not the secret)
 * @param tokenHash the SHA-256 of the cookie's secret, hex
 * @param user      the user's name
 * @param created   when the session began (the absolute timeout counts from here)
 * @param lastSeen  the last request made with it (the idle timeout counts from here)
 * @param address   the client address at login
 * @param userAgent the user agent at login, possibly empty
 */
public record SessionRecord(String id, String tokenHash, String user, Instant created, Instant lastSeen,
                            String address, String userAgent) {

    /**
     * Checks the required values.
     *
     * @param id        the public id
     * @param tokenHash the secret's hash
     * @param user      the user
     * @param created   the start
     * @param lastSeen  the last use
     * @param address   the address
     * @param userAgent the user agent
     */
    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lastSeen, "lastSeen");
        address = address == null ? "" : address;
        userAgent = userAgent == null ? "" : userAgent;
    }
}
