package dev.mcr.store.sqlite;

import dev.mcr.error.McrException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection to {@code app.db} under one lock: reads run under the lock, writes also in one
 * {@code BEGIN IMMEDIATE} transaction each, so a failed or interrupted write leaves the previous content.
 */
final class SqliteDb {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDb.class);

    /** Work on the connection; runs under the lock. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    final Path dataDir;
    final Path dbFile;
    private final Connection conn;
    private final ReentrantLock lock = new ReentrantLock();
    /** Statements run often, prepared once; guarded by the lock, closed with the connection. */
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private boolean closed;

    SqliteDb(Path dataDir, Path dbFile, Connection conn) {
        this.dataDir = dataDir;
        this.dbFile = dbFile;
        this.conn = conn;
    }

    <T> T read(String what, SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return work.run(conn);
        } catch (SQLException e) {
            throw new McrException("Could not " + what + " in " + dbFile + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    <T> T write(String what, SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            prepared(conn, "BEGIN IMMEDIATE").execute();
            boolean committed = false;
            try {
                T result = work.run(conn);
                prepared(conn, "COMMIT").execute();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly();
                }
            }
        } catch (SQLException e) {
            throw new McrException("Could not " + what + " in " + dbFile + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** A statement prepared once per connection; call only under the lock. */
    PreparedStatement prepared(Connection c, String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            conn.close();
        } catch (SQLException e) {
            LOG.warn("Closing the database {} failed: {}", dbFile, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void rollbackQuietly() {
        try (Statement st = conn.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back on its own (for example after a full disk).
            LOG.debug("Rollback after a failed write in {}: {}", dbFile, e.getMessage());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new McrException("The database " + dbFile + " is closed.");
        }
    }
}
