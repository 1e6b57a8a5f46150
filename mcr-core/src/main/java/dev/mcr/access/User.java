package dev.mcr.access;

import java.time.Instant;

/**
 * A user as clients see it (never the password hash).
 *
 * @param name        the login name
 * @param displayName the name shown
 * @param role        the role
 * @param created     when the account was created
 * @param lastLogin   the last successful login, or {@code null}
 * @param disabled    whether the account is disabled
 */
public record User(String name, String displayName, Role role, Instant created, Instant lastLogin,
                   boolean disabled) {
}
