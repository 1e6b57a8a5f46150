package dev.mcr.store.sqlite;

import dev.mcr.model.CaseState;
import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import dev.mcr.store.RunRetention;
import dev.mcr.store.RunStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The table {@code mcr_runs}. The total of kept output is summed once and then kept current in memory: every write
 * of the table goes through this class under the database's lock.
 */
final class SqliteRunStore implements RunStore {

    private static final String COLUMNS = "run_id, runner_id, runner_name, group_id, run_trigger, actor, node, "
            + "started_ms, finished_ms, duration_ms, exit_code, stopped, timed_out, lost, attempt, last_case, "
            + "last_state, worst_state, output_lines, output_bytes, output_kept";
    /** What the end of a run sets, in the order {@link #bindEnd} binds them. */
    private static final List<String> END_COLUMNS = List.of("finished_ms", "duration_ms", "exit_code", "stopped",
            "timed_out", "lost", "attempt", "last_case", "last_state", "worst_state", "output_lines", "output_bytes",
            "output_kept", "actor");
    private static final String INSERT = "INSERT INTO mcr_runs (run_id, runner_id, runner_name, group_id, run_trigger, "
            + "node, started_ms, " + String.join(", ", END_COLUMNS) + ") VALUES (?, ?, ?, ?, ?, ?, ?"
            + ", ?".repeat(END_COLUMNS.size()) + ")";
    private static final String UPDATE_END = "UPDATE mcr_runs SET " + String.join(" = ?, ", END_COLUMNS)
            + " = ? WHERE run_id = ?";

    private final SqliteDb db;
    /** Bytes of output kept, or -1 before it was summed; guarded by the database's lock. */
    private long keptBytes = -1;
    /** Records per runner, counted at first use and kept current; guarded by the database's lock. */
    private final java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    /** Age retention runs at most once a minute at the end of a run (its bound is days). */
    private long nextAgePruneMs = Long.MIN_VALUE;
    private static final long AGE_PRUNE_EVERY_MS = 60_000;

    SqliteRunStore(SqliteDb db) {
        this.db = db;
    }

    @Override
    public void started(RunRecord run) {
        Objects.requireNonNull(run, "run");
        db.write("record the start of run " + run.runId(), c -> {
            int before = count(c, run.runnerId());
            if (put(c, run)) {
                counts.put(run.runnerId(), before + 1);
            }
            return null;
        });
    }

    @Override
    public List<String> ended(RunRecord run, RunRetention retention, Instant now) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(retention, "retention");
        return db.write("record the end of run " + run.runId(), c -> {
            long before = keptBytes(c);
            long previous;
            PreparedStatement kept = db.prepared(c,
                    "SELECT output_bytes FROM mcr_runs WHERE run_id = ? AND output_kept = 1");
            kept.setString(1, run.runId());
            try (ResultSet rs = kept.executeQuery()) {
                previous = rs.next() ? rs.getLong(1) : 0;
            }
            int records = count(c, run.runnerId());
            if (put(c, run)) {
                counts.put(run.runnerId(), ++records);
            }
            keptBytes = before - previous + (run.outputKept() ? run.outputBytes() : 0);
            List<String> gone = new ArrayList<>();
            if (records > retention.maxRunsPerRunner()) {
                gone.addAll(deleteBeyond(c, run.runnerId(), retention.maxRunsPerRunner()));
                counts.put(run.runnerId(), retention.maxRunsPerRunner());
            }
            boolean ageDue = now.toEpochMilli() >= nextAgePruneMs;
            if (ageDue) {
                nextAgePruneMs = now.toEpochMilli() + AGE_PRUNE_EVERY_MS;
            }
            gone.addAll(pruneByAgeAndBytes(c, retention, now, ageDue));
            return gone;
        });
    }

    @Override
    public List<String> prune(RunRetention retention, Instant now) {
        return db.write("apply the run history's retention", c -> {
            List<String> gone = new ArrayList<>();
            List<String> runners = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT runner_id FROM mcr_runs GROUP BY runner_id "
                    + "HAVING COUNT(*) > ?")) {
                ps.setInt(1, retention.maxRunsPerRunner());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        runners.add(rs.getString(1));
                    }
                }
            }
            for (String runnerId : runners) {
                gone.addAll(deleteBeyond(c, runnerId, retention.maxRunsPerRunner()));
            }
            gone.addAll(pruneByAgeAndBytes(c, retention, now, true));
            return gone;
        });
    }

    @Override
    public List<RunRecord> closeLost(Collection<String> stillLive, Instant now) {
        Set<String> keep = new HashSet<>(stillLive);
        return db.write("close the runs of a server that was killed", c -> {
            List<RunRecord> open = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM mcr_runs WHERE finished_ms IS NULL ORDER BY run_id")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RunRecord r = read(rs);
                        if (!keep.contains(r.runId())) {
                            open.add(r);
                        }
                    }
                }
            }
            List<RunRecord> closed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE mcr_runs SET finished_ms = ?, lost = 1 WHERE run_id = ?")) {
                for (RunRecord r : open) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setString(2, r.runId());
                    ps.executeUpdate();
                    closed.add(new RunRecord(r.runId(), r.runnerId(), r.runnerName(), r.groupId(), r.trigger(),
                            r.actor(), r.node(), r.startedTs(), now, null, null, false, false, true, r.attempt(),
                            r.lastCase(), r.lastState(), r.worstState(), r.outputLines(), r.outputBytes(),
                            r.outputKept()));
                }
            }
            return closed;
        });
    }

    @Override
    public void outputFound(String runId, long lines, long bytes) {
        db.write("record the output of run " + runId, c -> {
            long before = keptBytes(c);
            long previous = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT output_bytes FROM mcr_runs WHERE run_id = ? AND output_kept = 1")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    previous = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE mcr_runs SET output_lines = ?, output_bytes = ? WHERE run_id = ?")) {
                ps.setLong(1, lines);
                ps.setLong(2, bytes);
                ps.setString(3, runId);
                ps.executeUpdate();
            }
            keptBytes = before - previous + bytes;
            return null;
        });
    }

    @Override
    public Optional<RunRecord> find(String runId) {
        return db.read("read run " + runId, c -> {
            PreparedStatement ps = db.prepared(c, "SELECT " + COLUMNS + " FROM mcr_runs WHERE run_id = ?");
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<RunRecord> query(RunQuery q) {
        Objects.requireNonNull(q, "q");
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.runnerId() != null) {
            where.add("runner_id = ?");
            params.add(q.runnerId());
        }
        if (q.groupId() != null) {
            where.add("group_id = ?");
            params.add(q.groupId());
        }
        if (q.before() != null) {
            where.add("run_id < ?");
            params.add(q.before());
        }
        if (q.worstState() != null) {
            where.add("worst_state = ?");
            params.add(q.worstState().name());
        }
        if (q.outcome() != null) {
            where.add(switch (q.outcome()) {
                case RunRecord.LOST -> "lost = 1";
                case RunRecord.RUNNING -> "finished_ms IS NULL AND lost = 0";
                case RunRecord.MISSED -> "lost = 0 AND finished_ms IS NOT NULL AND run_trigger = 'missed'";
                case RunRecord.TIMED_OUT -> "lost = 0 AND finished_ms IS NOT NULL AND run_trigger <> 'missed' "
                        + "AND timed_out = 1";
                case RunRecord.STOPPED -> "lost = 0 AND finished_ms IS NOT NULL AND run_trigger <> 'missed' "
                        + "AND timed_out = 0 AND stopped = 1";
                case RunRecord.SUCCESS -> "lost = 0 AND finished_ms IS NOT NULL AND run_trigger <> 'missed' "
                        + "AND timed_out = 0 AND stopped = 0 AND exit_code = 0";
                default -> "lost = 0 AND finished_ms IS NOT NULL AND run_trigger <> 'missed' AND timed_out = 0 "
                        + "AND stopped = 0 AND (exit_code IS NULL OR exit_code <> 0)";
            });
        }
        String sql = "SELECT " + COLUMNS + " FROM mcr_runs" + (where.isEmpty() ? "" : " WHERE "
                + String.join(" AND ", where)) + " ORDER BY run_id DESC LIMIT ?";
        params.add(q.limit());
        return list("list runs", sql, params);
    }

    @Override
    public List<RunRecord> since(String runnerId, Instant since) {
        return list("read the runs of runner " + runnerId, "SELECT " + COLUMNS + " FROM mcr_runs WHERE runner_id = ? "
                + "AND started_ms >= ? ORDER BY run_id DESC", List.of(runnerId, since.toEpochMilli()));
    }

    /**
     * One statement for all runners: for each id the index on {@code (runner_id, run_id)} yields its newest run ids,
     * so the cost grows with what is returned, not with the history kept.
     */
    @Override
    public Map<String, List<RunRecord>> newestPerRunner(Collection<String> runnerIds, int perRunner) {
        RunQuery.newest(perRunner);
        Map<String, List<RunRecord>> out = new LinkedHashMap<>();
        for (String id : runnerIds) {
            out.put(Objects.requireNonNull(id, "runner id"), new ArrayList<>());
        }
        if (out.isEmpty()) {
            return out;
        }
        List<Object> params = new ArrayList<>(out.keySet());
        params.add(perRunner);
        List<RunRecord> rows = list("read the newest runs of each runner", "WITH ids(id) AS (VALUES "
                + String.join(", ", java.util.Collections.nCopies(out.size(), "(?)")) + ") SELECT "
                + COLUMNS.replaceAll("(^|, )", "$1r.") + " FROM ids JOIN mcr_runs r ON r.run_id IN (SELECT m.run_id "
                + "FROM mcr_runs m WHERE m.runner_id = ids.id ORDER BY m.run_id DESC LIMIT ?) ORDER BY r.run_id DESC",
                params);
        for (RunRecord r : rows) {
            out.get(r.runnerId()).add(r);
        }
        out.values().removeIf(List::isEmpty);
        return out;
    }

    private List<RunRecord> list(String what, String sql, List<Object> params) {
        return db.read(what, c -> {
            List<RunRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    private long keptBytes(Connection c) throws SQLException {
        if (keptBytes < 0) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(SUM(output_bytes), 0) FROM mcr_runs WHERE output_kept = 1");
                 ResultSet rs = ps.executeQuery()) {
                keptBytes = rs.next() ? rs.getLong(1) : 0;
            }
        }
        return keptBytes;
    }

    /** Deletes a runner's records beyond the newest {@code keep}; returns the ids whose output was kept. */
    private List<String> deleteBeyond(Connection c, String runnerId, int keep) throws SQLException {
        PreparedStatement ps = db.prepared(c, "DELETE FROM mcr_runs WHERE runner_id = ? AND run_id <= "
                + "(SELECT run_id FROM mcr_runs WHERE runner_id = ? ORDER BY run_id DESC LIMIT 1 OFFSET ?) "
                + "RETURNING run_id, output_kept, output_bytes");
        ps.setString(1, runnerId);
        ps.setString(2, runnerId);
        ps.setInt(3, keep);
        return deleted(c, ps, false);
    }

    private List<String> pruneByAgeAndBytes(Connection c, RunRetention retention, Instant now, boolean byAge)
            throws SQLException {
        List<String> gone = new ArrayList<>();
        if (byAge) {
            gone.addAll(deleteOlder(c, now.minus(retention.maxAge())));
        }
        if (keptBytes(c) <= retention.maxOutputBytes()) {
            return gone;
        }
        return dropOutput(c, retention, gone);
    }

    private List<String> deleteOlder(Connection c, Instant cut) throws SQLException {
        PreparedStatement aged = db.prepared(c, "DELETE FROM mcr_runs WHERE started_ms < ? "
                + "RETURNING run_id, output_kept, output_bytes");
        aged.setLong(1, cut.toEpochMilli());
        return deleted(c, aged, true);
    }

    /** Drops the oldest kept output until the total is within the bound; adds their ids to {@code gone}. */
    private List<String> dropOutput(Connection c, RunRetention retention, List<String> gone) throws SQLException {
        List<String> drop = new ArrayList<>();
        long over = keptBytes - retention.maxOutputBytes();
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, output_bytes FROM mcr_runs "
                + "WHERE output_kept = 1 AND output_bytes > 0 ORDER BY run_id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (over > 0 && rs.next()) {
                    drop.add(rs.getString(1));
                    over -= rs.getLong(2);
                    keptBytes -= rs.getLong(2);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE mcr_runs SET output_kept = 0 WHERE run_id = ?")) {
            for (String id : drop) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        }
        gone.addAll(drop);
        return gone;
    }

    /** Runs a DELETE … RETURNING run_id, output_kept, output_bytes and keeps the totals current. */
    private List<String> deleted(Connection c, PreparedStatement ps, boolean manyRunners) throws SQLException {
        long before = keptBytes(c);
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getInt(2) == 1) {
                    before -= rs.getLong(3);
                }
                ids.add(rs.getString(1));
            }
        }
        keptBytes = before;
        if (manyRunners && !ids.isEmpty()) {
            // Which runners lost how many is not returned; they are counted again when next used.
            counts.clear();
        }
        return ids;
    }

    /** The number of records of a runner, counted at first use. */
    private int count(Connection c, String runnerId) throws SQLException {
        Integer n = counts.get(runnerId);
        if (n == null) {
            PreparedStatement ps = db.prepared(c, "SELECT COUNT(*) FROM mcr_runs WHERE runner_id = ?");
            ps.setString(1, runnerId);
            try (ResultSet rs = ps.executeQuery()) {
                n = rs.next() ? rs.getInt(1) : 0;
            }
            counts.put(runnerId, n);
        }
        return n;
    }

    /**
     * Writes a record: the end of a run as an update of the columns an end changes (no index covers them, so only
     * the row's page is written), a new run as an insert. Returns whether the run had no record before.
     */
    private boolean put(Connection c, RunRecord r) throws SQLException {
        PreparedStatement end = db.prepared(c, UPDATE_END);
        int next = bindEnd(end, 1, r);
        end.setString(next, r.runId());
        if (end.executeUpdate() > 0) {
            return false;
        }
        PreparedStatement ps = db.prepared(c, INSERT);
        ps.setString(1, r.runId());
        ps.setString(2, r.runnerId());
        ps.setString(3, r.runnerName());
        ps.setString(4, r.groupId());
        ps.setString(5, r.trigger());
        ps.setString(6, r.node());
        ps.setLong(7, r.startedTs().toEpochMilli());
        bindEnd(ps, 8, r);
        ps.executeUpdate();
        return true;
    }

    /** Binds the values of {@link #END_COLUMNS} from position {@code first}; returns the next position. */
    private static int bindEnd(PreparedStatement ps, int first, RunRecord r) throws SQLException {
        int i = first;
        setLong(ps, i++, r.finishedTs() == null ? null : r.finishedTs().toEpochMilli());
        setLong(ps, i++, r.durationMs());
        setLong(ps, i++, r.exitCode() == null ? null : r.exitCode().longValue());
        ps.setInt(i++, r.stopped() ? 1 : 0);
        ps.setInt(i++, r.timedOut() ? 1 : 0);
        ps.setInt(i++, r.lost() ? 1 : 0);
        ps.setInt(i++, r.attempt());
        ps.setString(i++, r.lastCase());
        ps.setString(i++, r.lastState() == null ? null : r.lastState().name());
        ps.setString(i++, r.worstState() == null ? null : r.worstState().name());
        ps.setLong(i++, r.outputLines());
        ps.setLong(i++, r.outputBytes());
        ps.setInt(i++, r.outputKept() ? 1 : 0);
        ps.setString(i++, r.actor());
        return i;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }

    private static RunRecord read(ResultSet rs) throws SQLException {
        long finished = rs.getLong(9);
        Instant finishedTs = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
        long duration = rs.getLong(10);
        Long durationMs = rs.wasNull() ? null : duration;
        int exit = rs.getInt(11);
        Integer exitCode = rs.wasNull() ? null : exit;
        return new RunRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), finishedTs, durationMs,
                exitCode, rs.getInt(12) == 1, rs.getInt(13) == 1, rs.getInt(14) == 1, rs.getInt(15),
                rs.getString(16), state(rs.getString(17)), state(rs.getString(18)), rs.getLong(19), rs.getLong(20),
                rs.getInt(21) == 1);
    }

    private static CaseState state(String s) {
        return s == null ? null : CaseState.parse(s);
    }
}
