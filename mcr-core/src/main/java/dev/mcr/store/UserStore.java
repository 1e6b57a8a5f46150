package dev.mcr.store;

import dev.mcr.error.McrException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Users, their login sessions, API tokens and the count of failed logins. A store keeps what it is given: password
 * hashing, token secrets, role rules and timeouts live in the access layer above it ({@code dev.mcr.access}).
 * Every method throws {@link McrException} when the storage fails; every write is atomic.
 */
public interface UserStore {

    /**
     * Counts the users, disabled ones included.
     *
     * @return the count
     */
    int userCount();

    /**
     * Finds a user by name (exact, case-sensitive).
     *
     * @param name the name
     * @return the user, or empty
     */
    Optional<UserRecord> user(String name);

    /**
     * Lists every user, ordered by name.
     *
     * @return the users
     */
    List<UserRecord> users();

    /**
     * Adds a user.
     *
     * @param user the user
     * @return false (and nothing written) when a user of that name exists
     */
    boolean insertUser(UserRecord user);

    /**
     * Replaces a user's values.
     *
     * @param user the user, found by name
     * @return false when there is no such user
     */
    boolean updateUser(UserRecord user);

    /**
     * Deletes a user with their sessions and tokens, in one transaction.
     *
     * @param name the name
     * @return false when there is no such user
     */
    boolean deleteUser(String name);

    /**
     * Stores a new session.
     *
     * @param session the session
     */
    void insertSession(SessionRecord session);

    /**
     * Finds a session by the hash of its secret.
     *
     * @param tokenHash the hash
     * @return the session, or empty
     */
    Optional<SessionRecord> sessionByHash(String tokenHash);

    /**
     * Notes a session's latest use.
     *
     * @param id       the session's public id
     * @param lastSeen the time
     */
    void touchSession(String id, Instant lastSeen);

    /**
     * Lists sessions, newest first.
     *
     * @param user a user's name, or {@code null} for every user's
     * @return the sessions
     */
    List<SessionRecord> sessions(String user);

    /**
     * Deletes one session.
     *
     * @param id the public id
     * @return false when there was none
     */
    boolean deleteSession(String id);

    /**
     * Deletes every session of a user.
     *
     * @param user the user's name
     * @return how many were deleted
     */
    int deleteSessionsOf(String user);

    /**
     * Stores a new token.
     *
     * @param token the token
     */
    void insertToken(TokenRecord token);

    /**
     * Finds a token by the hash of its secret.
     *
     * @param tokenHash the hash
     * @return the token, or empty
     */
    Optional<TokenRecord> tokenByHash(String tokenHash);

    /**
     * Notes a token's latest use.
     *
     * @param id       the token's id
     * @param lastUsed the time
     */
    void touchToken(String id, Instant lastUsed);

    /**
     * Lists tokens, newest first.
     *
     * @param user a creator's name, or {@code null} for everyone's
     * @return the tokens
     */
    List<TokenRecord> tokens(String user);

    /**
     * Deletes a token.
     *
     * @param id the token's id
     * @return false when there was none
     */
    boolean deleteToken(String id);

    /**
     * Reads the failed logins in a row of an account or address.
     *
     * @param key {@code user:<name>} or {@code addr:<address>}
     * @return the count (0 and no wait when none is stored)
     */
    LoginFailures loginFailures(String key);

    /**
     * Stores the failed logins of a key, replacing the previous value.
     *
     * @param failures the value
     */
    void putLoginFailures(LoginFailures failures);

    /**
     * Forgets the failed logins of keys (after a success).
     *
     * @param keys the keys
     */
    void clearLoginFailures(List<String> keys);
}
