package dev.mcr.access;

/**
 * A successful login.
 *
 * @param user      the user
 * @param session   the new session
 * @param secret    the session's secret, the cookie's value; shown once, stored only as a hash
 * @param principal the principal the session stands for (with its CSRF token)
 */
public record LoginResult(User user, Session session, String secret, Principal principal) {

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "LoginResult[" + user + ", " + session + "]";
    }
}
