package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A user account as a store keeps it. The store never sees a password, only its hash in the hasher's own text form.
 *
 * @param name         the login name, unique
 * @param displayName  the name shown in the UI
 * @param role         the role's name ({@code viewer}, {@code operator}, {@code editor}, {@code admin})
 * @param passwordHash the password hash in the form the access layer writes it
 * @param created      when the account was created
 * @param lastLogin    the last successful login, or {@code null}
 * @param disabled     whether the account is disabled (it can then neither log in nor use its sessions or tokens)
 */
public record UserRecord(String name, String displayName, String role, String passwordHash, Instant created,
                         Instant lastLogin, boolean disabled) {

    /**
     * Checks the required values.
     *
     * @param name         the login name
     * @param displayName  the display name
     * @param role         the role
     * @param passwordHash the hash
     * @param created      the creation time
     * @param lastLogin    the last login, or {@code null}
     * @param disabled     whether disabled
     */
    public UserRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(created, "created");
    }
}
