package dev.mcr.store.sqlite;

import static dev.mcr.store.sqlite.SqliteUserStore.instant;
import static dev.mcr.store.sqlite.SqliteUserStore.list;
import static dev.mcr.store.sqlite.SqliteUserStore.update;

import dev.mcr.store.AuditAnchor;
import dev.mcr.store.AuditEntry;
import dev.mcr.store.AuditQuery;
import dev.mcr.store.AuditStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The audit log in {@code mcr_audit}, its chain's start after pruning in {@code mcr_audit_anchor}. */
final class SqliteAuditStore implements AuditStore {

    private static final String COLUMNS = "id, ts_ms, actor, address, user_agent, action, target_id, target_name, "
            + "outcome, status, summary, prev_hash, hash";

    private final SqliteDb db;

    SqliteAuditStore(SqliteDb db) {
        this.db = db;
    }

    @Override
    public AuditEntry append(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        return db.write("append to the audit log", c -> {
            List<AuditEntry> last = list(c, "SELECT " + COLUMNS + " FROM mcr_audit ORDER BY id DESC LIMIT 1",
                    SqliteAuditStore::row);
            long prevId;
            String prevHash;
            if (!last.isEmpty()) {
                prevId = last.get(0).id();
                prevHash = last.get(0).hash();
            } else {
                Optional<AuditAnchor> anchor = anchor(c);
                prevId = anchor.map(AuditAnchor::lastPrunedId).orElse(0L);
                prevHash = anchor.map(AuditAnchor::lastPrunedHash).orElse("");
            }
            AuditEntry e = entry.chained(prevId + 1, prevHash);
            update(c, "INSERT INTO mcr_audit (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    e.id(), e.ts().toEpochMilli(), e.actor(), e.address(), e.userAgent(), e.action(), e.targetId(),
                    e.targetName(), e.outcome(), e.status(), e.summary(), e.prevHash(), e.hash());
            return e;
        });
    }

    @Override
    public List<AuditEntry> query(AuditQuery q) {
        Objects.requireNonNull(q, "q");
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.actor() != null && !q.actor().isBlank()) {
            where.add("actor = ?");
            params.add(q.actor().strip());
        }
        if (q.action() != null && !q.action().isBlank()) {
            where.add("action = ?");
            params.add(q.action().strip());
        }
        if (q.target() != null && !q.target().isBlank()) {
            where.add("(target_id = ? OR target_name = ?)");
            params.add(q.target().strip());
            params.add(q.target().strip());
        }
        params.add(q.limit());
        String sql = "SELECT " + COLUMNS + " FROM mcr_audit" + (where.isEmpty() ? "" : " WHERE "
                + String.join(" AND ", where)) + " ORDER BY id DESC LIMIT ?";
        return db.read("read the audit log", c -> list(c, sql, SqliteAuditStore::row, params.toArray()));
    }

    @Override
    public List<AuditEntry> chain(long afterId, int limit) {
        return db.read("read the audit log", c -> list(c, "SELECT " + COLUMNS + " FROM mcr_audit WHERE id > ? "
                + "ORDER BY id LIMIT ?", SqliteAuditStore::row, afterId, Math.max(1, limit)));
    }

    @Override
    public Optional<AuditAnchor> anchor() {
        return db.read("read the audit log's anchor", SqliteAuditStore::anchor);
    }

    @Override
    public int prune(Instant before, Instant now) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(now, "now");
        return db.write("prune the audit log", c -> {
            List<AuditEntry> newest = list(c, "SELECT " + COLUMNS + " FROM mcr_audit WHERE ts_ms < ? "
                    + "ORDER BY id DESC LIMIT 1", SqliteAuditStore::row, before.toEpochMilli());
            if (newest.isEmpty()) {
                return 0;
            }
            AuditEntry last = newest.get(0);
            // The chain is pruned from its beginning only: a row kept never follows a gap.
            int deleted = update(c, "DELETE FROM mcr_audit WHERE id <= ?", last.id());
            update(c, "INSERT INTO mcr_audit_anchor (id, last_pruned_id, last_pruned_hash, pruned_ms) "
                    + "VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET last_pruned_id = excluded.last_pruned_id, "
                    + "last_pruned_hash = excluded.last_pruned_hash, pruned_ms = excluded.pruned_ms",
                    last.id(), last.hash(), now.toEpochMilli());
            return deleted;
        });
    }

    private static Optional<AuditAnchor> anchor(java.sql.Connection c) throws SQLException {
        return list(c, "SELECT last_pruned_id, last_pruned_hash, pruned_ms FROM mcr_audit_anchor WHERE id = 1",
                rs -> new AuditAnchor(rs.getLong(1), rs.getString(2), instant(rs, 3))).stream().findFirst();
    }

    private static AuditEntry row(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong(1), instant(rs, 2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11),
                rs.getString(12), rs.getString(13));
    }
}
