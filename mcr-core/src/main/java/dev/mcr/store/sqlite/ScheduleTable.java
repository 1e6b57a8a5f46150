package dev.mcr.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SQL of {@code mcr_schedule_state} (durable schedules), kept apart from the rest of the store. Times are Unix
 * milliseconds, so a due time keeps its precision.
 */
final class ScheduleTable {

    /** Migration 4. */
    static final String DDL = """
            CREATE TABLE IF NOT EXISTS mcr_schedule_state (
              runner_id TEXT PRIMARY KEY,
              active_since_ms INTEGER,
              next_due_ms INTEGER NOT NULL,
              run_count INTEGER NOT NULL,
              remaining INTEGER,
              consecutive_failures INTEGER NOT NULL
            )
            """;

    private ScheduleTable() {
    }

    static Map<String, ScheduleRow> load(Connection c) throws SQLException {
        Map<String, ScheduleRow> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT runner_id, active_since_ms, "
                + "next_due_ms, run_count, remaining, consecutive_failures FROM mcr_schedule_state ORDER BY runner_id")) {
            while (rs.next()) {
                long since = rs.getLong(2);
                Instant activeSince = rs.wasNull() ? null : Instant.ofEpochMilli(since);
                Instant nextDue = Instant.ofEpochMilli(rs.getLong(3));
                int runCount = rs.getInt(4);
                int remaining = rs.getInt(5);
                Integer remainingOrNull = rs.wasNull() ? null : remaining;
                out.put(rs.getString(1), new ScheduleRow(rs.getString(1), activeSince, nextDue, runCount,
                        remainingOrNull, rs.getInt(6)));
            }
        }
        return out;
    }

    static void put(Connection c, ScheduleRow row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO mcr_schedule_state (runner_id, "
                + "active_since_ms, next_due_ms, run_count, remaining, consecutive_failures) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, row.runnerId());
            if (row.activeSince() == null) {
                ps.setNull(2, Types.INTEGER);
            } else {
                ps.setLong(2, row.activeSince().toEpochMilli());
            }
            ps.setLong(3, row.nextDue().toEpochMilli());
            ps.setInt(4, row.runCount());
            if (row.remaining() == null) {
                ps.setNull(5, Types.INTEGER);
            } else {
                ps.setInt(5, row.remaining());
            }
            ps.setInt(6, row.consecutiveFailures());
            ps.executeUpdate();
        }
    }

    static void delete(Connection c, String runnerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM mcr_schedule_state WHERE runner_id=?")) {
            ps.setString(1, runnerId);
            ps.executeUpdate();
        }
    }
}
