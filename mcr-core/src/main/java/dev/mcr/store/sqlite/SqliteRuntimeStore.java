package dev.mcr.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.json.StateTrees;
import dev.mcr.model.Timestamps;
import dev.mcr.store.AlertState;
import dev.mcr.store.LastCase;
import dev.mcr.store.LiveRun;
import dev.mcr.store.RuntimeStore;
import dev.mcr.store.ScheduleState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime values in SQLite: {@code mcr_last_case} (and the original's {@code runtime_status.json}, read only),
 * {@code mcr_live_runs}, {@code mcr_schedule_state} and {@code mcr_alert_state}.
 */
final class SqliteRuntimeStore implements RuntimeStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteRuntimeStore.class);

    private final SqliteDb db;

    SqliteRuntimeStore(SqliteDb db) {
        this.db = db;
    }

    // ---------------------------------------------------------------- last case

    /**
     * {@inheritDoc}
     *
     * <p>Also reads the original's {@code DATA_DIR/runtime_status.json} when it exists; the table wins for the same
     * runner. An unreadable file is only logged.
     */
    @Override
    public Map<String, LastCase> loadLastCases() {
        Map<String, LastCase> result = new LinkedHashMap<>(readRuntimeStatusFile());
        result.putAll(db.read("read the last cases", c -> {
            Map<String, LastCase> rows = new LinkedHashMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT runner_id, message, ts FROM mcr_last_case ORDER BY runner_id")) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new LastCase(rs.getString(2), Timestamps.parse(rs.getString(3))));
                }
            }
            return rows;
        }));
        return Collections.unmodifiableMap(result);
    }

    @Override
    public void saveLastCases(Map<String, LastCase> all) {
        Objects.requireNonNull(all, "all");
        Map<String, LastCase> copy = new LinkedHashMap<>(all);
        db.write("save the last cases", c -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM mcr_last_case");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO mcr_last_case (runner_id, message, ts) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, LastCase> e : copy.entrySet()) {
                    if (e.getKey() == null || e.getValue() == null) {
                        continue;
                    }
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue().message());
                    Instant ts = e.getValue().ts();
                    ps.setString(3, ts == null ? "" : Timestamps.format(ts, ZoneOffset.UTC));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private Map<String, LastCase> readRuntimeStatusFile() {
        Path file = db.dataDir.resolve(SqliteStore.RUNTIME_STATUS_FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Map<String, LastCase> out = new LinkedHashMap<>();
        try {
            JsonNode root = StateTrees.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(root instanceof ObjectNode)) {
                LOG.warn("{} is not a JSON object; its last cases are ignored.", file);
                return Map.of();
            }
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                JsonNode v = e.getValue();
                if (v instanceof ObjectNode) {
                    out.put(e.getKey(), new LastCase(text(v.get("last_case")),
                            Timestamps.parse(text(v.get("last_case_ts")))));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the last cases from {}: {}", file, e.getMessage());
            return Map.of();
        }
        return out;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.asText();
    }

    // ---------------------------------------------------------------- live runs

    @Override
    public void recordLiveRun(LiveRun run, Collection<String> ended) {
        Objects.requireNonNull(run, "run");
        List<String> endedIds = List.copyOf(Objects.requireNonNull(ended, "ended"));
        db.write("record a started run", c -> {
            deleteLiveRuns(c, endedIds);
            PreparedStatement ps = db.prepared(c, "INSERT OR REPLACE INTO mcr_live_runs "
                    + "(run_id, runner_id, pid, owner_pid, owner_started_ms, started_at) VALUES (?, ?, ?, ?, ?, ?)");
            ps.setString(1, run.runId());
            ps.setString(2, run.runnerId());
            if (run.pid() == null) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setLong(3, run.pid());
            }
            ps.setLong(4, run.ownerPid());
            if (run.ownerStarted() == null) {
                ps.setNull(5, Types.INTEGER);
            } else {
                ps.setLong(5, run.ownerStarted().toEpochMilli());
            }
            ps.setString(6, Timestamps.format(run.startedAt(), ZoneOffset.UTC));
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public void removeLiveRuns(Collection<String> runIds) {
        Objects.requireNonNull(runIds, "runIds");
        List<String> ids = List.copyOf(runIds);
        if (ids.isEmpty()) {
            return;
        }
        db.write("forget ended runs", c -> {
            deleteLiveRuns(c, ids);
            return null;
        });
    }

    private void deleteLiveRuns(Connection c, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        PreparedStatement ps = db.prepared(c, "DELETE FROM mcr_live_runs WHERE run_id=?");
        try {
            for (String id : ids) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        } finally {
            ps.clearBatch();
        }
    }

    @Override
    public List<LiveRun> liveRuns() {
        return db.read("read the started runs", c -> {
            List<LiveRun> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT run_id, runner_id, pid, "
                    + "owner_pid, owner_started_ms, started_at FROM mcr_live_runs ORDER BY started_at, run_id")) {
                while (rs.next()) {
                    long pid = rs.getLong(3);
                    Long pidOrNull = rs.wasNull() ? null : pid;
                    long ownerStarted = rs.getLong(5);
                    Instant ownerStartedOrNull = rs.wasNull() ? null : Instant.ofEpochMilli(ownerStarted);
                    Instant startedAt = Timestamps.parse(rs.getString(6));
                    out.add(new LiveRun(rs.getString(1), rs.getString(2), pidOrNull, rs.getLong(4),
                            ownerStartedOrNull, startedAt == null ? Instant.EPOCH : startedAt));
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- schedule states

    @Override
    public void putScheduleState(ScheduleState s) {
        Objects.requireNonNull(s, "s");
        db.write("save the schedule of a runner", c -> {
            PreparedStatement ps = db.prepared(c, "INSERT OR REPLACE INTO mcr_schedule_state (runner_id, "
                    + "session_started_ms, next_due_ms, run_count, remaining, consecutive_failures) "
                    + "VALUES (?, ?, ?, ?, ?, ?)");
            ps.setString(1, s.runnerId());
            setMillis(ps, 2, s.sessionStartedAt());
            setMillis(ps, 3, s.nextDueAt());
            ps.setInt(4, s.runCount());
            if (s.remaining() == null) {
                ps.setNull(5, Types.INTEGER);
            } else {
                ps.setInt(5, s.remaining());
            }
            ps.setInt(6, s.consecutiveFailures());
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public void deleteScheduleState(String runnerId) {
        Objects.requireNonNull(runnerId, "runnerId");
        db.write("forget the schedule of a runner", c -> {
            PreparedStatement ps = db.prepared(c, "DELETE FROM mcr_schedule_state WHERE runner_id=?");
            ps.setString(1, runnerId);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public List<ScheduleState> loadScheduleStates() {
        return db.read("read the schedules", c -> {
            List<ScheduleState> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT runner_id, "
                    + "session_started_ms, next_due_ms, run_count, remaining, consecutive_failures "
                    + "FROM mcr_schedule_state ORDER BY runner_id")) {
                while (rs.next()) {
                    Instant session = millis(rs, 2);
                    Instant due = millis(rs, 3);
                    int runCount = rs.getInt(4);
                    int remaining = rs.getInt(5);
                    Integer remainingOrNull = rs.wasNull() ? null : Math.max(0, remaining);
                    out.add(new ScheduleState(rs.getString(1), session, due, Math.max(0, runCount), remainingOrNull,
                            Math.max(0, rs.getInt(6))));
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- alert states

    @Override
    public void putAlertState(AlertState a) {
        Objects.requireNonNull(a, "a");
        db.write("save the alert state of a runner", c -> {
            PreparedStatement ps = db.prepared(c, "INSERT OR REPLACE INTO mcr_alert_state (runner_id, acked_by, "
                    + "acked_ms, acked_state, snoozed_until_ms, escalation_due_ms, escalation_message, escalated) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            ps.setString(1, a.runnerId());
            ps.setString(2, a.ackedBy());
            setMillis(ps, 3, a.ackedAt());
            ps.setString(4, a.ackedState());
            setMillis(ps, 5, a.snoozedUntil());
            setMillis(ps, 6, a.escalationDue());
            ps.setString(7, a.escalationMessage());
            ps.setInt(8, a.escalated() ? 1 : 0);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public void deleteAlertState(String runnerId) {
        Objects.requireNonNull(runnerId, "runnerId");
        db.write("forget the alert state of a runner", c -> {
            PreparedStatement ps = db.prepared(c, "DELETE FROM mcr_alert_state WHERE runner_id=?");
            ps.setString(1, runnerId);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public List<AlertState> loadAlertStates() {
        return db.read("read the alert states", c -> {
            List<AlertState> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT runner_id, acked_by, "
                    + "acked_ms, acked_state, snoozed_until_ms, escalation_due_ms, escalation_message, escalated "
                    + "FROM mcr_alert_state ORDER BY runner_id")) {
                while (rs.next()) {
                    String by = rs.getString(2);
                    Instant at = millis(rs, 3);
                    String state = rs.getString(4);
                    boolean acked = by != null && at != null && state != null;
                    out.add(new AlertState(rs.getString(1), acked ? by : null, acked ? at : null,
                            acked ? state : null, millis(rs, 5), millis(rs, 6), rs.getString(7), rs.getInt(8) != 0));
                }
            }
            return out;
        });
    }

    private static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    private static Instant millis(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
