package dev.mcr.store.sqlite;

import dev.mcr.crypto.LogCapture;
import dev.mcr.error.McrException;
import dev.mcr.store.ConfigChange;
import dev.mcr.store.ConfigKind;
import dev.mcr.store.ForeignDocument;
import dev.mcr.store.JournalQuery;
import dev.mcr.store.LastCase;
import dev.mcr.store.StoredConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static dev.mcr.store.sqlite.StoreFixtures.count;
import static dev.mcr.store.sqlite.StoreFixtures.createOriginalDatabase;
import static dev.mcr.store.sqlite.StoreFixtures.jdbc;
import static dev.mcr.store.sqlite.StoreFixtures.putStateRow;
import static dev.mcr.store.sqlite.StoreFixtures.rawStateRow;
import static dev.mcr.store.sqlite.StoreFixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What is particular to the SQLite store beyond the contract: its tables and migrations (also on data folders from
 * before Flyway), the original's {@code state} row it keeps current, unreadable rows, failures and crashes.
 */
class SqliteStoreStateTest {

    /** The number of migrations in src/main/resources/db/migration/sqlite. */
    private static final int MIGRATIONS = SqliteStore.LATEST_MIGRATION;

    @TempDir
    Path dir;

    private static List<String> tables(Path dataDir) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = jdbc(dataDir); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static void commitRunner(SqliteStore store, String id, String json, long base) {
        store.config().commit(List.of(ConfigChange.put(ConfigKind.RUNNER, id, json, base)));
    }

    @Test
    void an_empty_folder_gets_the_original_tables_and_ours_in_wal_mode_and_holds_nothing() throws Exception {
        Path dataDir = dir.resolve("new-data");
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.config().load().isEmpty()).isTrue();
            assertThat(store.config().foreignDocument()).isEmpty();
        }
        assertThat(dataDir.resolve("app.db")).isRegularFile();
        assertThat(dataDir.resolve(".tmp")).isDirectory();
        assertThat(System.getProperty("org.sqlite.tmpdir")).isNotBlank();
        assertThat(tables(dataDir)).contains("state", "notification_journal", "mcr_schema_history", "mcr_last_case",
                "mcr_live_runs", "mcr_runners", "mcr_groups", "mcr_profiles", "mcr_layout", "mcr_extra",
                "mcr_config_history", "mcr_meta", "mcr_schedule_state");
        assertThat(rawStateRow(dataDir)).as("nothing is written before the first commit").isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("app.db"))))
                .isEqualTo("rw-------");
        try (Connection c = jdbc(dataDir); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void migrations_run_once_and_reopening_changes_nothing() throws Exception {
        SqliteStore.open(dir).close();
        long applied = count(dir, "SELECT COUNT(*) FROM mcr_schema_history WHERE success = 1");
        SqliteStore.open(dir).close();
        assertThat(applied).isEqualTo(MIGRATIONS);
        assertThat(count(dir, "SELECT COUNT(*) FROM mcr_schema_history")).isEqualTo(MIGRATIONS);
        assertThat(count(dir, "SELECT MAX(CAST(version AS INTEGER)) FROM mcr_schema_history")).isEqualTo(MIGRATIONS);
    }

    @Test
    void flyway_is_handed_every_migration_file_in_order_and_the_newest_lets_an_up_to_date_folder_skip_it() throws Exception {
        Path folder = Path.of(SqliteStore.class.getResource("/" + SqliteStore.MIGRATIONS).toURI());
        List<String> names;
        try (Stream<Path> files = Files.list(folder)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertThat(MigrationFiles.FILES).as("Flyway is handed every file of the folder").hasSameElementsAs(names);
        List<Integer> versions = MigrationFiles.FILES.stream()
                .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).toList();
        assertThat(versions).as("numbered 1, 2, 3, ... without gaps")
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, versions.size()).boxed().toList());
        assertThat(versions.get(versions.size() - 1)).isEqualTo(SqliteStore.LATEST_MIGRATION);
    }

    @Test
    void a_folder_that_misses_the_newest_migration_gets_it_at_the_next_open() throws Exception {
        SqliteStore.open(dir).close();
        // What the newest migration creates (tables, or columns it adds), read from its file, so that the test
        // follows each new migration; it is undone here as if the folder came from the release before.
        String newest = MigrationFiles.FILES.get(MigrationFiles.FILES.size() - 1);
        String sql = resource("/" + SqliteStore.MIGRATIONS + "/" + newest);
        List<String> created = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("CREATE TABLE IF NOT EXISTS (\\w+)").matcher(sql);
        while (m.find()) {
            created.add(m.group(1));
        }
        List<String[]> added = new java.util.ArrayList<>();
        m = java.util.regex.Pattern.compile("ALTER TABLE (\\w+) ADD COLUMN (\\w+)").matcher(sql);
        while (m.find()) {
            added.add(new String[] {m.group(1), m.group(2)});
        }
        assertThat(created.size() + added.size()).as("tables or columns of " + newest).isPositive();
        try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
            for (String table : created) {
                st.execute("DROP TABLE " + table);
            }
            for (String[] column : added) {
                st.execute("ALTER TABLE " + column[0] + " DROP COLUMN " + column[1]);
            }
            st.execute("DELETE FROM mcr_schema_history WHERE version = '" + SqliteStore.LATEST_MIGRATION + "'");
        }
        SqliteStore.open(dir).close();
        assertThat(tables(dir)).containsAll(created);
        for (String[] column : added) {
            assertThat(count(dir, "SELECT COUNT(*) FROM pragma_table_info('" + column[0] + "') WHERE name = '"
                    + column[1] + "'")).as(column[0] + "." + column[1]).isEqualTo(1);
        }
        assertThat(count(dir, "SELECT COUNT(*) FROM mcr_schema_history WHERE success = 1")).isEqualTo(MIGRATIONS);
    }

    @Test
    void a_data_folder_of_the_original_tool_is_baselined_and_keeps_its_rows_and_schema() throws Exception {
        createOriginalDatabase(dir);
        String originalRow = resource("/original-data/state.json");
        putStateRow(dir, originalRow);
        try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO notification_journal (ts, runner_id, profile_id, profile_name, delivery, "
                    + "title, message, error) VALUES ('2025-03-11T09:15:02+01:00', 'runner1', 'notify_home', "
                    + "'Pushover Zuhause', 'success', 'Passwort-Check-Demo', 'Passwort: geheim', NULL)");
        }
        List<String> originalSchema = StoreFixtures.schemaOf(dir);

        try (SqliteStore store = SqliteStore.open(dir)) {
            ForeignDocument foreign = store.config().foreignDocument().orElseThrow();
            assertThat(foreign.json()).as("the row is offered as it is").isEqualTo(originalRow);
            assertThat(store.journal().query(JournalQuery.newest())).singleElement()
                    .satisfies(e -> assertThat(e.ts()).isEqualTo(Instant.parse("2025-03-11T08:15:02Z")));
        }
        assertThat(count(dir, "SELECT COUNT(*) FROM mcr_schema_history WHERE version = '0' AND type = 'BASELINE'"))
                .isEqualTo(1);
        assertThat(count(dir, "SELECT COUNT(*) FROM mcr_schema_history WHERE success = 1 AND type = 'SQL'"))
                .isEqualTo(MIGRATIONS);
        assertThat(rawStateRow(dir)).isEqualTo(originalRow);
        assertThat(StoreFixtures.schemaOf(dir)).as("the original's tables are unchanged")
                .containsExactlyElementsOf(originalSchema);
    }

    @Test
    void a_data_folder_of_mcr_before_flyway_is_baselined_and_keeps_its_last_cases_live_runs_and_row() throws Exception {
        // What mcr wrote before Flyway, statement for statement: its three numbered migrations and their record.
        createOriginalDatabase(dir);
        try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS mcr_schema_migrations (version INTEGER PRIMARY KEY, "
                    + "description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS mcr_last_case (runner_id TEXT PRIMARY KEY, message TEXT NOT NULL, "
                    + "ts TEXT NOT NULL DEFAULT '')");
            st.execute("CREATE TABLE IF NOT EXISTS mcr_live_runs (run_id TEXT PRIMARY KEY, runner_id TEXT NOT NULL, "
                    + "pid INTEGER, owner_pid INTEGER NOT NULL, owner_started_ms INTEGER, started_at TEXT NOT NULL)");
            st.executeUpdate("INSERT INTO mcr_schema_migrations VALUES (1, 'tables of the original tool', "
                    + "'2026-11-01T10:00:00Z'), (2, 'last case per runner', '2026-11-01T10:00:00Z'), "
                    + "(3, 'runs started and not yet ended', '2026-11-01T10:00:00Z')");
            st.executeUpdate("INSERT INTO mcr_last_case VALUES ('runner_a', 'NAS is up', '2026-11-24T18:00:05Z')");
            st.executeUpdate("INSERT INTO mcr_live_runs VALUES ('run_x', 'runner_a', NULL, 1, NULL, "
                    + "'2026-11-24T18:00:00Z')");
        }
        String row = "{\"notify_profiles\": [], \"runners\": [{\"id\": \"runner_a\", \"name\": \"A\"}], "
                + "\"runner_groups\": [], \"runner_layout\": [{\"type\": \"runner\", \"id\": \"runner_a\"}]}";
        putStateRow(dir, row);

        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.runtime().loadLastCases()).containsEntry("runner_a",
                    new LastCase("NAS is up", Instant.parse("2026-11-24T18:00:05Z")));
            assertThat(store.runtime().liveRuns()).singleElement()
                    .satisfies(r -> assertThat(r.runId()).isEqualTo("run_x"));
            assertThat(store.config().foreignDocument()).map(ForeignDocument::json).contains(row);
            assertThat(store.config().load().isEmpty()).as("the objects are taken over by the layer above").isTrue();
        }
        assertThat(count(dir, "SELECT COUNT(*) FROM mcr_schema_migrations")).as("the old record is left alone")
                .isEqualTo(3);
        assertThat(count(dir, "SELECT COUNT(*) FROM mcr_schema_history WHERE success = 1 AND type = 'SQL'"))
                .isEqualTo(MIGRATIONS);
    }

    @Test
    void every_commit_rewrites_the_state_row_with_the_separators_of_pythons_json_dumps() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.config().commit(List.of(
                    ConfigChange.put(ConfigKind.PROFILE, "notify_a", "{\"id\":\"notify_a\",\"name\":\"P\",\"active\":"
                            + "true,\"failure_count\":0,\"sent_count\":0,\"config\":{\"user_key\":\"enc:v1:abc\"}}", 0),
                    ConfigChange.put(ConfigKind.RUNNER, "r", "{\"id\":\"r\",\"cases\":[],\"n\":1.5,\"t\":true,"
                            + "\"u\":\"Grüße 🚀\",\"x\":null}", 0),
                    ConfigChange.put(ConfigKind.LAYOUT, "", "[{\"type\":\"runner\",\"id\":\"r\"}]", 0),
                    ConfigChange.put(ConfigKind.EXTRA, "", "{\"empty\":{}}", 0)));
            assertThat(rawStateRow(dir)).isEqualTo("{\"notify_profiles\": [{\"id\": \"notify_a\", \"name\": \"P\", "
                    + "\"active\": true, \"failure_count\": 0, \"sent_count\": 0, \"config\": {\"user_key\": "
                    + "\"enc:v1:abc\"}}], \"runners\": [{\"id\": \"r\", \"cases\": [], \"n\": 1.5, \"t\": true, "
                    + "\"u\": \"Grüße 🚀\", \"x\": null}], \"runner_groups\": [], \"runner_layout\": [{\"type\": "
                    + "\"runner\", \"id\": \"r\"}], \"empty\": {}}");
            assertThat(store.config().foreignDocument()).as("what mcr wrote is its own").isEmpty();

            store.config().setCounters("notify_a", 7, 1);
            assertThat(rawStateRow(dir)).as("counters alone do not rewrite the row").contains("\"sent_count\": 0");
            commitRunner(store, "r", "{\"id\":\"r\"}", 1);
            assertThat(rawStateRow(dir)).as("the next commit writes them")
                    .contains("\"failure_count\": 1, \"sent_count\": 7").contains("{\"id\": \"r\"}");
        }
    }

    @Test
    void a_row_written_by_another_program_is_reported_once_and_adopting_it_keeps_or_rewrites_it() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            commitRunner(store, "r", "{\"id\":\"r\"}", 0);
            String theirs = "{\"runners\": [{\"id\": \"r\", \"name\": \"changed by the original\"}]}";
            putStateRow(dir, theirs);
            ForeignDocument foreign = store.config().foreignDocument().orElseThrow();
            assertThat(foreign.json()).isEqualTo(theirs);
            assertThat(foreign.backup()).isNull();

            store.config().adopt(List.of(ConfigChange.put(ConfigKind.RUNNER, "r",
                    "{\"id\":\"r\",\"name\":\"changed by the original\"}", 1)), foreign, null);
            assertThat(rawStateRow(dir)).as("adopting leaves the row as the other program wrote it").isEqualTo(theirs);
            assertThat(store.config().foreignDocument()).isEmpty();
            assertThat(store.config().load().runners()).singleElement()
                    .satisfies(o -> assertThat(o.version()).isEqualTo(2));

            putStateRow(dir, "{\"runners\": []}");
            ForeignDocument second = store.config().foreignDocument().orElseThrow();
            store.config().adopt(List.of(), second, "{\"runners\": [], \"rewritten\": true}");
            assertThat(rawStateRow(dir)).isEqualTo("{\"runners\": [], \"rewritten\": true}");
            assertThat(store.config().foreignDocument()).isEmpty();
        }
    }

    @Test
    void a_row_that_is_not_json_is_backed_up_privately_and_left_alone_until_the_next_commit() throws Exception {
        String garbage = "{\"notify_profiles\": [ {\"config\": {\"user_key\": \"enc:v1:abc\"";
        try (SqliteStore store = SqliteStore.open(dir)) {
            putStateRow(dir, garbage);
            AtomicReference<Optional<ForeignDocument>> result = new AtomicReference<>();
            String log = LogCapture.during(() -> result.set(store.config().foreignDocument()));

            ForeignDocument foreign = result.get().orElseThrow();
            assertThat(foreign.readable()).isFalse();
            Path backup = foreign.backup();
            assertThat(backups()).containsExactly(backup);
            assertThat(backup.getFileName().toString()).endsWith(".json");
            assertThat(Files.readString(backup, StandardCharsets.UTF_8)).isEqualTo(garbage);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
            assertThat(log).contains("ERROR").contains(backup.toString());
            assertThat(rawStateRow(dir)).isEqualTo(garbage);

            assertThat(store.config().foreignDocument()).map(ForeignDocument::backup).as("the backup is reused")
                    .contains(backup);
            assertThat(backups()).hasSize(1);

            commitRunner(store, "r", "{\"id\":\"r\"}", 0);
            assertThat(rawStateRow(dir)).startsWith("{\"notify_profiles\": [], \"runners\": [{\"id\": \"r\"}]");
            assertThat(store.config().foreignDocument()).isEmpty();
        }
    }

    @Test
    void a_row_that_is_json_but_not_an_object_is_backed_up_once_and_a_different_row_gets_its_own_backup()
            throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            putStateRow(dir, "[1, 2, 3]");
            Path first = store.config().foreignDocument().orElseThrow().backup();
            assertThat(store.config().foreignDocument().orElseThrow().backup()).isEqualTo(first);
            putStateRow(dir, "[4]");
            Path second = store.config().foreignDocument().orElseThrow().backup();
            assertThat(second).isNotEqualTo(first);
            assertThat(Files.readString(first)).isEqualTo("[1, 2, 3]");
            assertThat(Files.readString(second)).isEqualTo("[4]");
        }
        assertThat(backups()).hasSize(2);
    }

    @Test
    void a_row_with_bytes_that_are_not_utf8_is_offered_leniently_and_its_bytes_are_backed_up() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            byte[] bytes = "{\"runners\": [{\"id\": \"runner_x\", \"name\": \"caf\u00e9\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            bytes[bytes.length - 6] = (byte) 0xC3;
            bytes[bytes.length - 5] = (byte) 0x28;
            try (Connection c = jdbc(dir); java.sql.PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO state (id, json) VALUES (1, CAST(? AS TEXT))")) {
                ps.setBytes(1, bytes);
                ps.executeUpdate();
            }
            ForeignDocument foreign = store.config().foreignDocument().orElseThrow();
            assertThat(foreign.readable()).isTrue();
            assertThat(foreign.json()).contains("runner_x").contains("\uFFFD");
            assertThat(Files.readAllBytes(foreign.backup())).isEqualTo(bytes);
        }
    }

    @Test
    void a_commit_that_fails_inside_the_database_writes_nothing_and_the_store_stays_usable() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            commitRunner(store, "r", "{\"id\":\"r\",\"name\":\"good\"}", 0);
            String goodRow = rawStateRow(dir);
            try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER fail_save BEFORE UPDATE ON state WHEN NEW.json LIKE '%fail_me%' "
                        + "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
            }
            assertThatThrownBy(() -> store.config().commit(List.of(
                    ConfigChange.put(ConfigKind.RUNNER, "r", "{\"id\":\"r\",\"name\":\"fail_me\"}", 1),
                    ConfigChange.put(ConfigKind.RUNNER, "s", "{\"id\":\"s\"}", 0))))
                    .isInstanceOf(McrException.class)
                    .hasMessageStartingWith("Could not save the configuration");

            StoredConfig after = store.config().load();
            assertThat(after.runners()).singleElement().satisfies(o -> {
                assertThat(o.json()).contains("good");
                assertThat(o.version()).isEqualTo(1);
            });
            assertThat(store.config().history(ConfigKind.RUNNER, "r", 10)).hasSize(1);
            assertThat(rawStateRow(dir)).isEqualTo(goodRow);

            commitRunner(store, "r", "{\"id\":\"r\",\"name\":\"next\"}", 1);
            assertThat(store.config().load().runners().get(0).version()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_process_killed_while_committing_leaves_a_complete_commit() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SaveLoop.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long lastReported = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (lastReported < 30 && (line = out.readLine()) != null) {
                lastReported = Long.parseLong(line.trim());
            }
        } finally {
            // SIGKILL: no shutdown hook, no close(); whatever commit is in flight is cut off.
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastReported).as("the child committed before it was killed").isGreaterThanOrEqualTo(30);

        try (SqliteStore store = SqliteStore.open(dir)) {
            StoredConfig cfg = store.config().load();
            long seq = cfg.runners().get(0).version();
            assertThat(seq).isGreaterThanOrEqualTo(lastReported);
            assertThat(cfg.runners()).extracting(o -> o.version()).containsOnly(seq);
            assertThat(cfg.runners().get(1).json()).contains("\"seq\":" + seq);
            assertThat(rawStateRow(dir)).as("the row belongs to the same commit")
                    .contains("\"seq\": " + seq + ", \"check\": " + seq).hasSizeGreaterThan(200_000);
        }
    }

    @Test
    void a_file_that_is_not_a_database_is_refused_with_a_sentence() throws Exception {
        Files.writeString(dir.resolve("app.db"), "this is not a database, it is a text file of some length ".repeat(40));
        assertThatThrownBy(() -> SqliteStore.open(dir))
                .isInstanceOf(McrException.class)
                .hasMessageContaining(dir.resolve("app.db").toString());
    }

    @Test
    void a_put_or_delete_with_the_wrong_kind_of_id_is_refused_before_the_store_sees_it() {
        assertThatThrownBy(() -> ConfigChange.put(ConfigKind.LAYOUT, "x", "[]", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id \"\"");
        assertThatThrownBy(() -> ConfigChange.put(ConfigKind.RUNNER, "", "{}", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty id");
        assertThatThrownBy(() -> ConfigChange.delete(ConfigKind.LAYOUT, "", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be deleted");
        assertThatThrownBy(() -> ConfigChange.delete(ConfigKind.RUNNER, "r", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version of 1 or more");
    }

    private List<Path> backups() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("app.db.corrupt-state-")).toList();
        }
    }
}
