package dev.mcr.access;

import java.util.Objects;

/**
 * Who a request acts for, once its credentials were checked.
 *
 * @param actor     the name the audit log records: the user's name, {@code token:<name>}, {@code basic:<user>} or
 *                  {@code anonymous}
 * @param user      the user's name, or {@code null} for the Basic-auth account of the environment and for anonymous
 * @param role      what it may do
 * @param kind      how it authenticated
 * @param sessionId the session's public id (sessions only), else {@code null}
 * @param csrfToken the value {@code X-CSRF-Token} must carry on a change (sessions only), else {@code null}
 */
public record Principal(String actor, String user, Role role, Kind kind, String sessionId, String csrfToken) {

    /** How a request authenticated. */
    public enum Kind {
        /** A login session (cookie). */
        SESSION,
        /** An API token ({@code Authorization: Bearer}). */
        TOKEN,
        /** HTTP Basic auth, of a user or of the account in the environment. */
        BASIC,
        /** Nothing: no users and no Basic account are configured, so everyone may do everything. */
        ANONYMOUS
    }

    /**
     * Checks the required values.
     *
     * @param actor     the actor
     * @param user      the user, or {@code null}
     * @param role      the role
     * @param kind      the kind
     * @param sessionId the session id, or {@code null}
     * @param csrfToken the CSRF token, or {@code null}
     */
    public Principal {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(kind, "kind");
    }

    /** The caller when nothing is configured: anonymous, with every right (mcr's behaviour before users). */
    public static final Principal ANONYMOUS = new Principal("anonymous", null, Role.ADMIN, Kind.ANONYMOUS, null, null);

    /**
     * The Basic-auth account of the environment ({@code MULTI_COMMAND_RUNNER_AUTH_USER}), an admin.
     *
     * @param name the account's name
     * @return the principal
     */
    public static Principal environmentAccount(String name) {
        return new Principal("basic:" + name, null, Role.ADMIN, Kind.BASIC, null, null);
    }
}
