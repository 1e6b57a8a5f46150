package dev.mcr.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: fixture files and a second, independent JDBC connection to look at what the store wrote. */
public final class StoreFixtures {

    /** The original tool's exact CREATE TABLE statements (app/main.py, StateStore.__init__). */
    static final String ORIGINAL_STATE_DDL =
            "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK(id=1), json TEXT NOT NULL)";
    static final String ORIGINAL_JOURNAL_DDL = "\n"
            + "            CREATE TABLE IF NOT EXISTS notification_journal (\n"
            + "              id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
            + "              ts TEXT NOT NULL,\n"
            + "              runner_id TEXT NOT NULL,\n"
            + "              profile_id TEXT NOT NULL,\n"
            + "              profile_name TEXT NOT NULL,\n"
            + "              delivery TEXT NOT NULL,\n"
            + "              title TEXT NOT NULL,\n"
            + "              message TEXT NOT NULL,\n"
            + "              error TEXT\n"
            + "            )\n"
            + "            ";

    private StoreFixtures() {
    }

    static String resource(String name) throws IOException {
        try (InputStream in = StoreFixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("Missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static Connection jdbc(Path dataDir) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteStore.DB_FILE_NAME));
    }

    /** Creates app.db exactly as the original does on first start. */
    public static void createOriginalDatabase(Path dataDir) throws SQLException {
        try (Connection c = jdbc(dataDir); Statement st = c.createStatement()) {
            st.execute(ORIGINAL_STATE_DDL);
            st.execute(ORIGINAL_JOURNAL_DDL);
        }
    }

    public static void putStateRow(Path dataDir, String json) throws SQLException {
        try (Connection c = jdbc(dataDir); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET json=excluded.json")) {
            ps.setString(1, json);
            ps.executeUpdate();
        }
    }

    public static String rawStateRow(Path dataDir) throws SQLException {
        try (Connection c = jdbc(dataDir); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT json FROM state WHERE id=1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static long count(Path dataDir, String sql) throws SQLException {
        try (Connection c = jdbc(dataDir); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The columns of the original's tables, for comparing schemas before and after. */
    static List<String> schemaOf(Path dataDir) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (Connection c = jdbc(dataDir); Statement st = c.createStatement()) {
            for (String table : List.of("state", "notification_journal")) {
                try (ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
                    while (rs.next()) {
                        cols.add(table + "." + rs.getString("name") + " " + rs.getString("type") + " notnull="
                                + rs.getInt("notnull") + " pk=" + rs.getInt("pk"));
                    }
                }
            }
        }
        return cols;
    }
}
