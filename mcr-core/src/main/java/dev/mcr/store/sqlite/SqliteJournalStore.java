package dev.mcr.store.sqlite;

import dev.mcr.model.Timestamps;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.store.JournalStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The original tool's {@code notification_journal} table, written and read the way the original does. */
final class SqliteJournalStore implements JournalStore {

    private final SqliteDb db;
    private final ZoneId zone = ZoneId.systemDefault();

    SqliteJournalStore(SqliteDb db) {
        this.db = db;
    }

    @Override
    public JournalEntry append(JournalEntry e) {
        Objects.requireNonNull(e, "e");
        long id = db.write("write the notification journal", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_journal "
                    + "(ts, runner_id, profile_id, profile_name, delivery, title, message, error) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, Timestamps.format(e.ts(), zone));
                ps.setString(2, e.runnerId());
                ps.setString(3, e.profileId());
                ps.setString(4, e.profileName());
                ps.setString(5, e.delivery());
                ps.setString(6, e.title());
                ps.setString(7, e.message());
                ps.setString(8, e.error());
                ps.executeUpdate();
            }
            long newId;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
                rs.next();
                newId = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notification_journal WHERE id <= "
                    + "(SELECT id FROM notification_journal ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
                ps.setInt(1, JournalEntry.MAX_ROWS);
                ps.executeUpdate();
            }
            return newId;
        });
        return new JournalEntry(id, e.ts(), e.runnerId(), e.profileId(), e.profileName(), e.delivery(), e.title(),
                e.message(), e.error());
    }

    @Override
    public List<JournalEntry> query(JournalQuery q) {
        Objects.requireNonNull(q, "q");
        List<String> conditions = new ArrayList<>();
        List<String> params = new ArrayList<>();
        addFilter(conditions, params, "runner_id", q.runnerId());
        addFilter(conditions, params, "profile_id", q.profileId());
        addFilter(conditions, params, "delivery", q.delivery());
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        String sql = "SELECT id, ts, runner_id, profile_id, profile_name, delivery, title, message, COALESCE(error, '') "
                + "FROM notification_journal" + where + " ORDER BY id DESC LIMIT ?";
        return db.read("read the notification journal", c -> {
            List<JournalEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (String p : params) {
                    ps.setString(i++, p);
                }
                ps.setInt(i, q.limit());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant ts = Timestamps.parse(rs.getString(2));
                        String stored = rs.getString(6);
                        String delivery = JournalEntry.SUCCESS.equals(stored) || JournalEntry.SUPPRESSED.equals(stored)
                                ? stored : JournalEntry.ERROR;
                        out.add(new JournalEntry(rs.getLong(1), ts == null ? Instant.EPOCH : ts, rs.getString(3),
                                rs.getString(4), rs.getString(5), delivery, rs.getString(7), rs.getString(8),
                                rs.getString(9)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public int clear() {
        return db.write("clear the notification journal", c -> {
            try (Statement st = c.createStatement()) {
                return st.executeUpdate("DELETE FROM notification_journal");
            }
        });
    }

    private static void addFilter(List<String> conditions, List<String> params, String column, String value) {
        if (value != null && !value.strip().isEmpty()) {
            conditions.add(column + " = ?");
            params.add(value.strip());
        }
    }
}
