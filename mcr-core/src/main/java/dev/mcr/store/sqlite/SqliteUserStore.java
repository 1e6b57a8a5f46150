package dev.mcr.store.sqlite;

import dev.mcr.store.LoginFailures;
import dev.mcr.store.SessionRecord;
import dev.mcr.store.TokenRecord;
import dev.mcr.store.UserRecord;
import dev.mcr.store.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Users, sessions, tokens and failed logins in {@code mcr_users}, {@code mcr_sessions}, {@code mcr_tokens}. */
final class SqliteUserStore implements UserStore {

    private static final String USER_COLUMNS = "name, display_name, role, password_hash, created_ms, last_login_ms, "
            + "disabled";
    private static final String SESSION_COLUMNS = "id, token_hash, user_name, created_ms, last_seen_ms, address, "
            + "user_agent";
    private static final String TOKEN_COLUMNS = "id, name, user_name, role, token_hash, created_ms, expires_ms, "
            + "last_used_ms";

    private final SqliteDb db;

    SqliteUserStore(SqliteDb db) {
        this.db = db;
    }

    @Override
    public int userCount() {
        return db.read("count the users", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM mcr_users");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    @Override
    public Optional<UserRecord> user(String name) {
        Objects.requireNonNull(name, "name");
        return db.read("read a user", c -> list(c, "SELECT " + USER_COLUMNS + " FROM mcr_users WHERE name = ?",
                SqliteUserStore::user, name).stream().findFirst());
    }

    @Override
    public List<UserRecord> users() {
        return db.read("read the users", c -> list(c, "SELECT " + USER_COLUMNS + " FROM mcr_users ORDER BY name",
                SqliteUserStore::user));
    }

    @Override
    public boolean insertUser(UserRecord u) {
        Objects.requireNonNull(u, "u");
        return db.write("add a user", c -> update(c, "INSERT INTO mcr_users (" + USER_COLUMNS + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING", u.name(), u.displayName(), u.role(),
                u.passwordHash(), millis(u.created()), millis(u.lastLogin()), u.disabled() ? 1 : 0) == 1);
    }

    @Override
    public boolean updateUser(UserRecord u) {
        Objects.requireNonNull(u, "u");
        return db.write("change a user", c -> update(c, "UPDATE mcr_users SET display_name = ?, role = ?, "
                + "password_hash = ?, created_ms = ?, last_login_ms = ?, disabled = ? WHERE name = ?",
                u.displayName(), u.role(), u.passwordHash(), millis(u.created()), millis(u.lastLogin()),
                u.disabled() ? 1 : 0, u.name()) == 1);
    }

    @Override
    public boolean deleteUser(String name) {
        Objects.requireNonNull(name, "name");
        return db.write("delete a user", c -> {
            update(c, "DELETE FROM mcr_sessions WHERE user_name = ?", name);
            update(c, "DELETE FROM mcr_tokens WHERE user_name = ?", name);
            return update(c, "DELETE FROM mcr_users WHERE name = ?", name) == 1;
        });
    }

    @Override
    public void insertSession(SessionRecord s) {
        Objects.requireNonNull(s, "s");
        db.write("add a session", c -> update(c, "INSERT INTO mcr_sessions (" + SESSION_COLUMNS + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?)", s.id(), s.tokenHash(), s.user(), millis(s.created()), millis(s.lastSeen()),
                s.address(), s.userAgent()));
    }

    @Override
    public Optional<SessionRecord> sessionByHash(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash");
        return db.read("read a session", c -> list(c, "SELECT " + SESSION_COLUMNS + " FROM mcr_sessions "
                + "WHERE token_hash = ?", SqliteUserStore::session, tokenHash).stream().findFirst());
    }

    @Override
    public void touchSession(String id, Instant lastSeen) {
        db.write("note a session's use", c -> update(c, "UPDATE mcr_sessions SET last_seen_ms = ? WHERE id = ?",
                millis(lastSeen), id));
    }

    @Override
    public List<SessionRecord> sessions(String user) {
        return newestOf("read the sessions", "SELECT " + SESSION_COLUMNS + " FROM mcr_sessions", user,
                SqliteUserStore::session);
    }

    /** Rows of a table with a {@code user_name}, newest first; all users' when {@code user} is {@code null}. */
    private <T> List<T> newestOf(String what, String select, String user, Row<T> row) {
        String order = " ORDER BY created_ms DESC, id";
        return db.read(what, c -> user == null ? list(c, select + order, row)
                : list(c, select + " WHERE user_name = ?" + order, row, user));
    }

    @Override
    public boolean deleteSession(String id) {
        return db.write("delete a session", c -> update(c, "DELETE FROM mcr_sessions WHERE id = ?", id) == 1);
    }

    @Override
    public int deleteSessionsOf(String user) {
        return db.write("delete a user's sessions", c -> update(c, "DELETE FROM mcr_sessions WHERE user_name = ?",
                user));
    }

    @Override
    public void insertToken(TokenRecord t) {
        Objects.requireNonNull(t, "t");
        db.write("add a token", c -> update(c, "INSERT INTO mcr_tokens (" + TOKEN_COLUMNS + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?)", t.id(), t.name(), t.user(), t.role(), t.tokenHash(), millis(t.created()),
                millis(t.expires()), millis(t.lastUsed())));
    }

    @Override
    public Optional<TokenRecord> tokenByHash(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash");
        return db.read("read a token", c -> list(c, "SELECT " + TOKEN_COLUMNS + " FROM mcr_tokens "
                + "WHERE token_hash = ?", SqliteUserStore::token, tokenHash).stream().findFirst());
    }

    @Override
    public void touchToken(String id, Instant lastUsed) {
        db.write("note a token's use", c -> update(c, "UPDATE mcr_tokens SET last_used_ms = ? WHERE id = ?",
                millis(lastUsed), id));
    }

    @Override
    public List<TokenRecord> tokens(String user) {
        return newestOf("read the tokens", "SELECT " + TOKEN_COLUMNS + " FROM mcr_tokens", user,
                SqliteUserStore::token);
    }

    @Override
    public boolean deleteToken(String id) {
        return db.write("delete a token", c -> update(c, "DELETE FROM mcr_tokens WHERE id = ?", id) == 1);
    }

    @Override
    public LoginFailures loginFailures(String key) {
        Objects.requireNonNull(key, "key");
        return db.read("read failed logins", c -> list(c, "SELECT key, failures, blocked_until_ms FROM "
                + "mcr_login_failures WHERE key = ?", rs -> new LoginFailures(rs.getString(1), rs.getInt(2),
                instant(rs, 3)), key).stream().findFirst().orElse(new LoginFailures(key, 0, null)));
    }

    @Override
    public void putLoginFailures(LoginFailures f) {
        Objects.requireNonNull(f, "f");
        db.write("record failed logins", c -> update(c, "INSERT INTO mcr_login_failures (key, failures, "
                + "blocked_until_ms) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, "
                + "blocked_until_ms = excluded.blocked_until_ms", f.key(), f.count(), millis(f.blockedUntil())));
    }

    @Override
    public void clearLoginFailures(List<String> keys) {
        db.write("forget failed logins", c -> {
            for (String key : keys) {
                update(c, "DELETE FROM mcr_login_failures WHERE key = ?", key);
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------------ rows

    private static UserRecord user(ResultSet rs) throws SQLException {
        return new UserRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
                instant(rs, 6), rs.getInt(7) != 0);
    }

    private static SessionRecord session(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5),
                rs.getString(6), rs.getString(7));
    }

    private static TokenRecord token(ResultSet rs) throws SQLException {
        return new TokenRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                instant(rs, 6), instant(rs, 7), instant(rs, 8));
    }

    // ------------------------------------------------------------------------------------ JDBC helpers

    /** Maps one row. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (p instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (p instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, p.toString());
            }
        }
    }

    static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
