package dev.mcr.access;

import dev.mcr.error.InvalidInputException;
import dev.mcr.error.LoginFailedException;
import dev.mcr.error.NotPermittedException;
import dev.mcr.error.TooManyLoginAttemptsException;
import dev.mcr.error.UserExistsException;
import dev.mcr.error.UserNotFoundException;
import dev.mcr.store.AuditAnchor;
import dev.mcr.store.AuditEntry;
import dev.mcr.store.AuditQuery;
import dev.mcr.store.AuditStore;
import dev.mcr.store.LoginFailures;
import dev.mcr.store.SessionRecord;
import dev.mcr.store.Store;
import dev.mcr.store.TokenRecord;
import dev.mcr.store.UserRecord;
import dev.mcr.store.UserStore;
import dev.mcr.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Users, sessions, API tokens, the back-off after failed logins and the audit log, over a {@link Store}. It starts
 * nothing: the command line opens one on a data folder while the server is stopped, and the server gets one over the
 * store of its {@code Mcr} ({@code Mcr.access()}). Thread-safe.
 *
 * <pre>{@code
 * try (Access access = Access.open(Path.of("data"))) {
 *     access.createUser("ann", "Ann", Role.ADMIN, password);
 * }
 * }</pre>
 *
 * <p>Passwords are hashed with PBKDF2-HMAC-SHA256 ({@value #DEFAULT_PASSWORD_ITERATIONS} iterations by default,
 * a random salt each) and compared in constant time; a login of an unknown user costs as much as one of a known user.
 * Session and token secrets are 256 random bits, stored only as their SHA-256.
 */
public final class Access implements AutoCloseable {

    /** PBKDF2 iterations of new password hashes (OWASP's figure for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_PASSWORD_ITERATIONS = 600_000;
    /** The fewest characters of a password. */
    public static final int MIN_PASSWORD_LENGTH = 12;
    /** A session ends after this long without a request. */
    public static final Duration SESSION_IDLE_TIMEOUT = Duration.ofHours(12);
    /** A session ends this long after the login at the latest. */
    public static final Duration SESSION_ABSOLUTE_TIMEOUT = Duration.ofDays(7);
    /** Failed logins in a row that are answered without a wait. */
    public static final int FREE_FAILURES = 5;
    /** The wait after the {@value #FREE_FAILURES}th failure in a row; it doubles with each further failure. */
    public static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    /** The longest wait. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(15);
    /** How long audit rows are kept by default. */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(365);
    /** The prefix of every API token's secret. */
    public static final String TOKEN_PREFIX = "mcr_";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_DISPLAY_NAME = 200;
    private static final int MAX_TOKEN_NAME = 100;

    private final Store store;
    private final boolean ownStore;
    private final UserStore users;
    private final AuditStore audit;
    private final Clock clock;
    private final Passwords passwords;
    private final SecureRandom random;
    private final Duration auditRetention;
    private final Object userLock = new Object();

    private Access(Builder b, Store store, boolean ownStore) {
        this.store = store;
        this.ownStore = ownStore;
        this.users = store.users();
        this.audit = store.audit();
        this.clock = b.clock;
        this.random = new SecureRandom();
        this.passwords = new Passwords(b.passwordIterations, random);
        this.auditRetention = b.auditRetention;
    }

    /**
     * Opens the access data of a data folder ({@code app.db}) without starting any runner or schedule.
     *
     * @param dataDir the data folder
     * @return the access data; close it when done (closes the database)
     */
    public static Access open(Path dataDir) {
        return builder().dataDir(dataDir).build();
    }

    /**
     * Starts a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------ users

    /**
     * Whether any user exists (disabled ones count): from then on every request needs credentials.
     *
     * @return true when there is a user
     */
    public boolean hasUsers() {
        return users.userCount() > 0;
    }

    /**
     * Lists every user, ordered by name.
     *
     * @return the users
     */
    public List<User> users() {
        return users.users().stream().map(Access::user).toList();
    }

    /**
     * Finds a user.
     *
     * @param name the name
     * @return the user, or empty
     */
    public Optional<User> user(String name) {
        return name == null ? Optional.empty() : users.user(name).map(Access::user);
    }

    /**
     * Creates a user. The password array is wiped afterwards.
     *
     * @param name        the login name: a letter or digit, then up to 63 letters, digits or {@code . _ @ -}
     * @param displayName the name shown; {@code null} or blank means the login name
     * @param role        the role
     * @param password    the password (the rules: at least {@value #MIN_PASSWORD_LENGTH} characters, not common)
     * @return the user
     * @throws InvalidInputException when the name or password breaks a rule (nothing changed)
     * @throws UserExistsException   when the name is taken
     */
    public User createUser(String name, String displayName, Role role, char[] password) {
        try {
            checkName(name);
            Objects.requireNonNull(role, "role");
            Passwords.checkRules(name, password);
            UserRecord u = new UserRecord(name, displayName(displayName, name), role.json(),
                    passwords.hash(password), clock.instant(), null, false);
            if (!users.insertUser(u)) {
                throw new UserExistsException(name);
            }
            return user(u);
        } finally {
            Passwords.wipe(password);
        }
    }

    /**
     * Changes a user's display name, role or disabled flag; {@code null} keeps a value. Disabling a user ends their
     * sessions. The last enabled admin can be neither demoted nor disabled.
     *
     * @param name        the user
     * @param displayName the new display name, or {@code null}
     * @param role        the new role, or {@code null}
     * @param disabled    the new flag, or {@code null}
     * @return the user as changed
     * @throws UserNotFoundException when there is no such user
     * @throws InvalidInputException when the change would leave no enabled admin
     */
    public User updateUser(String name, String displayName, Role role, Boolean disabled) {
        synchronized (userLock) {
            UserRecord u = users.user(name).orElseThrow(() -> new UserNotFoundException(name));
            UserRecord changed = new UserRecord(u.name(), displayName == null ? u.displayName()
                    : displayName(displayName, name), role == null ? u.role() : role.json(), u.passwordHash(),
                    u.created(), u.lastLogin(), disabled == null ? u.disabled() : disabled);
            boolean wasAdmin = !u.disabled() && Role.ADMIN.json().equals(u.role());
            boolean staysAdmin = !changed.disabled() && Role.ADMIN.json().equals(changed.role());
            if (wasAdmin && !staysAdmin && enabledAdmins() <= 1) {
                throw new InvalidInputException("'" + name + "' is the last enabled admin: make another user admin "
                        + "first.");
            }
            users.updateUser(changed);
            if (changed.disabled() && !u.disabled()) {
                users.deleteSessionsOf(name);
            }
            return user(changed);
        }
    }

    /**
     * Sets a user's password and ends their sessions. The array is wiped afterwards.
     *
     * @param name     the user
     * @param password the new password
     * @throws UserNotFoundException when there is no such user
     * @throws InvalidInputException when the password breaks a rule
     */
    public void setPassword(String name, char[] password) {
        try {
            Passwords.checkRules(name, password);
            String hash = passwords.hash(password);
            synchronized (userLock) {
                UserRecord u = users.user(name).orElseThrow(() -> new UserNotFoundException(name));
                users.updateUser(new UserRecord(u.name(), u.displayName(), u.role(), hash, u.created(),
                        u.lastLogin(), u.disabled()));
                users.deleteSessionsOf(name);
            }
        } finally {
            Passwords.wipe(password);
        }
    }

    /**
     * Deletes a user with their sessions and tokens. The last enabled admin cannot be deleted.
     *
     * @param name the user
     * @throws UserNotFoundException when there is no such user
     * @throws InvalidInputException when it is the last enabled admin
     */
    public void deleteUser(String name) {
        synchronized (userLock) {
            UserRecord u = users.user(name).orElseThrow(() -> new UserNotFoundException(name));
            if (!u.disabled() && Role.ADMIN.json().equals(u.role()) && enabledAdmins() <= 1) {
                throw new InvalidInputException("'" + name + "' is the last enabled admin and cannot be deleted.");
            }
            users.deleteUser(name);
        }
    }

    private long enabledAdmins() {
        return users.users().stream().filter(u -> !u.disabled() && Role.ADMIN.json().equals(u.role())).count();
    }

    // ------------------------------------------------------------------------------------ logins

    /**
     * Checks a user's password and opens a session. Failures in a row are counted per account and per address:
     * after {@value #FREE_FAILURES}, each further attempt waits ({@link #FIRST_WAIT}, doubling up to
     * {@link #MAX_WAIT}); a success resets both. The array is wiped afterwards.
     *
     * @param name      the user
     * @param password  the password
     * @param address   the client address
     * @param userAgent the user agent, may be {@code null}
     * @return the session with its secret
     * @throws TooManyLoginAttemptsException while a wait runs (the password is not even checked)
     * @throws LoginFailedException          for a wrong name or password or a disabled account
     */
    public LoginResult login(String name, char[] password, String address, String userAgent) {
        try {
            UserRecord u = checkPassword(name, password, address);
            Instant now = clock.instant();
            UserRecord logged = new UserRecord(u.name(), u.displayName(), u.role(), u.passwordHash(), u.created(),
                    now, u.disabled());
            users.updateUser(logged);
            String secret = secret("");
            SessionRecord s = new SessionRecord(publicId(), sha256(secret), u.name(), now, now, address,
                    userAgent == null ? "" : truncate(userAgent, 300));
            users.insertSession(s);
            return new LoginResult(user(logged), session(s), secret, sessionPrincipal(logged, s, secret));
        } finally {
            Passwords.wipe(password);
        }
    }

    /**
     * Checks HTTP Basic credentials of a user, with the same back-off as {@link #login}. The array is wiped.
     *
     * @param name     the user
     * @param password the password
     * @param address  the client address
     * @return the principal
     * @throws TooManyLoginAttemptsException while a wait runs
     * @throws LoginFailedException          for wrong credentials or a disabled account
     */
    public Principal basic(String name, char[] password, String address) {
        try {
            UserRecord u = checkPassword(name, password, address);
            return new Principal(u.name(), u.name(), Role.parse(u.role()), Principal.Kind.BASIC, null, null);
        } finally {
            Passwords.wipe(password);
        }
    }

    private UserRecord checkPassword(String name, char[] password, String address) {
        Objects.requireNonNull(password, "password");
        Instant now = clock.instant();
        List<String> keys = List.of("user:" + truncate(String.valueOf(name), 100), "addr:" + address);
        Instant until = null;
        for (String key : keys) {
            LoginFailures f = users.loginFailures(key);
            if (f.blockedUntil() != null && f.blockedUntil().isAfter(now)
                    && (until == null || f.blockedUntil().isAfter(until))) {
                until = f.blockedUntil();
            }
        }
        if (until != null) {
            throw new TooManyLoginAttemptsException(Duration.between(now, until));
        }
        Optional<UserRecord> found = name == null ? Optional.empty() : users.user(name);
        boolean ok = passwords.verify(password, found.map(UserRecord::passwordHash).orElse(null));
        if (!ok || found.get().disabled()) {
            for (String key : keys) {
                int count = users.loginFailures(key).count() + 1;
                users.putLoginFailures(new LoginFailures(key, count, count < FREE_FAILURES ? null
                        : now.plus(wait(count))));
            }
            throw new LoginFailedException();
        }
        users.clearLoginFailures(keys);
        return found.get();
    }

    /** The wait after the given number of failures in a row (the first wait after {@value #FREE_FAILURES}). */
    static Duration wait(int failures) {
        int doublings = Math.min(30, failures - FREE_FAILURES);
        Duration d = FIRST_WAIT.multipliedBy(1L << Math.max(0, doublings));
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }

    /**
     * Finds the session of a cookie's secret; an expired session (idle or absolute timeout) or one of a disabled
     * user is ended and not found. Notes the use at most once a minute.
     *
     * @param secret the cookie's value
     * @return the principal, or empty
     */
    public Optional<Principal> session(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 200) {
            return Optional.empty();
        }
        Optional<SessionRecord> found = users.sessionByHash(sha256(secret));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord s = found.get();
        Instant now = clock.instant();
        Optional<UserRecord> u = users.user(s.user());
        if (!now.isBefore(expires(s)) || u.isEmpty() || u.get().disabled()) {
            users.deleteSession(s.id());
            return Optional.empty();
        }
        if (Duration.between(s.lastSeen(), now).compareTo(TOUCH_INTERVAL) >= 0) {
            users.touchSession(s.id(), now);
        }
        return Optional.of(sessionPrincipal(u.get(), s, secret));
    }

    /**
     * Ends the session of a cookie's secret.
     *
     * @param secret the cookie's value
     * @return whether there was such a session
     */
    public boolean logout(String secret) {
        if (secret == null || secret.length() > 200) {
            return false;
        }
        return users.sessionByHash(sha256(secret)).map(s -> users.deleteSession(s.id())).orElse(false);
    }

    /**
     * Lists the sessions that have not expired, newest first.
     *
     * @param user a user's name, or {@code null} for everyone's
     * @return the sessions
     */
    public List<Session> sessions(String user) {
        Instant now = clock.instant();
        return users.sessions(user).stream().filter(s -> now.isBefore(expires(s))).map(Access::session).toList();
    }

    /**
     * Ends a session by its public id.
     *
     * @param id the id
     * @return whether there was such a session
     */
    public boolean revokeSession(String id) {
        return id != null && users.deleteSession(id);
    }

    private static Instant expires(SessionRecord s) {
        Instant idle = s.lastSeen().plus(SESSION_IDLE_TIMEOUT);
        Instant absolute = s.created().plus(SESSION_ABSOLUTE_TIMEOUT);
        return idle.isBefore(absolute) ? idle : absolute;
    }

    private static Principal sessionPrincipal(UserRecord u, SessionRecord s, String secret) {
        return new Principal(u.name(), u.name(), Role.parse(u.role()), Principal.Kind.SESSION, s.id(),
                sha256("mcr-csrf\n" + secret));
    }

    // ------------------------------------------------------------------------------------ tokens

    /**
     * Creates an API token for a user. Its role is at most the user's.
     *
     * @param creator   the user
     * @param name      the token's name (1 to 100 characters)
     * @param role      its role
     * @param expiresIn how long it works, or {@code null} for always
     * @return the token with its secret, shown this once
     * @throws UserNotFoundException when the creator does not exist
     * @throws NotPermittedException when the role is above the creator's
     * @throws InvalidInputException when the name or the duration is unusable
     */
    public NewToken createToken(String creator, String name, Role role, Duration expiresIn) {
        UserRecord u = users.user(creator).orElseThrow(() -> new UserNotFoundException(creator));
        Objects.requireNonNull(role, "role");
        if (!Role.parse(u.role()).covers(role)) {
            throw new NotPermittedException("A token's role can be at most its creator's: you are "
                    + u.role() + " and asked for " + role.json() + ".");
        }
        if (name == null || name.isBlank() || name.strip().length() > MAX_TOKEN_NAME) {
            throw new InvalidInputException("A token needs a name of 1 to " + MAX_TOKEN_NAME + " characters.");
        }
        if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero())) {
            throw new InvalidInputException("A token's lifetime must be more than 0 seconds.");
        }
        Instant now = clock.instant();
        String secret = secret(TOKEN_PREFIX);
        TokenRecord t = new TokenRecord(publicId(), name.strip(), u.name(), role.json(), sha256(secret), now,
                expiresIn == null ? null : now.plus(expiresIn), null);
        users.insertToken(t);
        return new NewToken(token(t), secret);
    }

    /**
     * Finds the token of a bearer secret. It works while it has not expired and its creator exists and is enabled,
     * with the lower of its own role and its creator's current one. Notes the use at most once a minute.
     *
     * @param secret the secret
     * @return the principal (actor {@code token:<name>}), or empty
     */
    public Optional<Principal> token(String secret) {
        if (secret == null || !secret.startsWith(TOKEN_PREFIX) || secret.length() > 200) {
            return Optional.empty();
        }
        Optional<TokenRecord> found = users.tokenByHash(sha256(secret));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TokenRecord t = found.get();
        Instant now = clock.instant();
        Optional<UserRecord> u = users.user(t.user());
        if (t.expires() != null && !now.isBefore(t.expires()) || u.isEmpty() || u.get().disabled()) {
            return Optional.empty();
        }
        if (t.lastUsed() == null || Duration.between(t.lastUsed(), now).compareTo(TOUCH_INTERVAL) >= 0) {
            users.touchToken(t.id(), now);
        }
        Role own = Role.parse(t.role());
        Role creators = Role.parse(u.get().role());
        return Optional.of(new Principal("token:" + t.name(), u.get().name(), own.covers(creators) ? creators : own,
                Principal.Kind.TOKEN, null, null));
    }

    /**
     * Lists tokens, newest first.
     *
     * @param user a creator's name, or {@code null} for everyone's
     * @return the tokens
     */
    public List<ApiToken> tokens(String user) {
        return users.tokens(user).stream().map(Access::token).toList();
    }

    /**
     * Deletes a token.
     *
     * @param id the token's id
     * @return whether there was such a token
     */
    public boolean deleteToken(String id) {
        return id != null && users.deleteToken(id);
    }

    // ------------------------------------------------------------------------------------ audit

    /**
     * Appends a row to the audit log.
     *
     * @param entry the row (id and hashes are set by the store)
     * @return the row as stored
     */
    public AuditEntry audit(AuditEntry entry) {
        return audit.append(entry);
    }

    /**
     * Lists audit rows, newest first.
     *
     * @param query filters and limit
     * @return the rows
     */
    public List<AuditEntry> auditLog(AuditQuery query) {
        return audit.query(query);
    }

    /**
     * Hands every audit row to a consumer, oldest first (for an export).
     *
     * @param consumer gets each row
     */
    public void forEachAudit(Consumer<AuditEntry> consumer) {
        long after = 0;
        while (true) {
            List<AuditEntry> page = audit.chain(after, 1000);
            if (page.isEmpty()) {
                return;
            }
            page.forEach(consumer);
            after = page.get(page.size() - 1).id();
        }
    }

    /**
     * Checks the hash chain from its beginning (or from the anchor left by pruning): each row's hash must match its
     * content and the previous row's hash, and ids must follow each other without a gap.
     *
     * @return the result, with the first edited or missing row's id when broken
     */
    public AuditVerification verifyAudit() {
        Optional<AuditAnchor> anchor = audit.anchor();
        long expectedId = anchor.map(AuditAnchor::lastPrunedId).orElse(0L) + 1;
        String prev = anchor.map(AuditAnchor::lastPrunedHash).orElse("");
        long checked = 0;
        long after = 0;
        while (true) {
            List<AuditEntry> page = audit.chain(after, 1000);
            if (page.isEmpty()) {
                return new AuditVerification(true, checked, null, prev);
            }
            for (AuditEntry e : page) {
                if (e.id() != expectedId) {
                    return new AuditVerification(false, checked, Math.min(expectedId, e.id()), prev);
                }
                checked++;
                if (!e.prevHash().equals(prev) || !MessageDigest.isEqual(e.computeHash(prev).getBytes(
                        StandardCharsets.US_ASCII), e.hash().getBytes(StandardCharsets.US_ASCII))) {
                    return new AuditVerification(false, checked, e.id(), prev);
                }
                prev = e.hash();
                expectedId++;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /**
     * Deletes the audit rows older than the retention (default {@link #DEFAULT_AUDIT_RETENTION}); the chain stays
     * verifiable from the anchor the store records.
     *
     * @return how many rows were deleted
     */
    public int pruneAudit() {
        Instant now = clock.instant();
        return audit.prune(now.minus(auditRetention), now);
    }

    /**
     * Returns the clock this instance stamps times with.
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /** Closes the store when this instance opened it ({@link #open}); idempotent. */
    @Override
    public void close() {
        if (ownStore) {
            store.close();
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("A user name must start with a letter or digit and have up to 64 "
                    + "letters, digits, '.', '_', '@' or '-'.");
        }
    }

    private static String displayName(String displayName, String name) {
        if (displayName == null || displayName.isBlank()) {
            return name;
        }
        if (displayName.strip().length() > MAX_DISPLAY_NAME) {
            throw new InvalidInputException("A display name may have at most " + MAX_DISPLAY_NAME + " characters.");
        }
        return displayName.strip();
    }

    private String secret(String prefix) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String publicId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    private static User user(UserRecord u) {
        return new User(u.name(), u.displayName(), Role.parse(u.role()), u.created(), u.lastLogin(), u.disabled());
    }

    private static Session session(SessionRecord s) {
        return new Session(s.id(), s.user(), s.created(), s.lastSeen(), expires(s), s.address(), s.userAgent());
    }

    private static ApiToken token(TokenRecord t) {
        return new ApiToken(t.id(), t.name(), t.user(), Role.parse(t.role()), t.created(), t.expires(), t.lastUsed());
    }

    /** Settings of an {@link Access}. */
    public static final class Builder {
        private Path dataDir;
        private Store store;
        private Clock clock = Clock.systemUTC();
        private int passwordIterations = DEFAULT_PASSWORD_ITERATIONS;
        private Duration auditRetention = DEFAULT_AUDIT_RETENTION;

        private Builder() {
        }

        /**
         * Opens the SQLite store of this data folder at {@link #build()} (and closes it with the instance).
         *
         * @param dataDir the data folder
         * @return this builder
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Uses a store that is already open (and leaves it open at {@link Access#close()}).
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        /**
         * Sets the clock of session times, waits and audit rows.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the PBKDF2 iterations of new password hashes. Default {@value Access#DEFAULT_PASSWORD_ITERATIONS};
         * lower it in tests only (existing hashes keep the cost they were made with).
         *
         * @param iterations 1000 or more
         * @return this builder
         */
        public Builder passwordIterations(int iterations) {
            if (iterations < 1000) {
                throw new IllegalArgumentException("passwordIterations must be 1000 or more (the default is "
                        + DEFAULT_PASSWORD_ITERATIONS + ").");
            }
            this.passwordIterations = iterations;
            return this;
        }

        /**
         * Sets how long audit rows are kept.
         *
         * @param retention at least one day
         * @return this builder
         */
        public Builder auditRetention(Duration retention) {
            if (retention == null || retention.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException("The audit retention must be at least one day.");
            }
            this.auditRetention = retention;
            return this;
        }

        /**
         * Builds the instance.
         *
         * @return the access data
         * @throws IllegalArgumentException when neither a data folder nor a store is given, or both
         */
        public Access build() {
            if ((dataDir == null) == (store == null)) {
                throw new IllegalArgumentException("Give either a data folder or a store.");
            }
            return store != null ? new Access(this, store, false) : new Access(this, SqliteStore.open(dataDir), true);
        }
    }
}
