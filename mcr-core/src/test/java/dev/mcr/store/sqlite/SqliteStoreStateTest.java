package dev.mcr.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.crypto.CredentialCipher;
import dev.mcr.crypto.LogCapture;
import dev.mcr.crypto.PythonFernet;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.error.McrException;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.store.LastCase;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SqliteStoreStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "LSWpV9dMxXL1ggz_53x0H-Szx7GEX_1KAeU0T9bQ0-8=";

    @TempDir
    Path dir;

    private final CredentialCipher cipher = CredentialCipher.ofKey(KEY);

    private static ObjectNode stateWithProfile(String id, String userKey, String apiToken) {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode p = s.putArray("notify_profiles").addObject();
        p.put("id", id).put("name", "Pushover").put("type", "pushover").put("active", true);
        p.putObject("config").put("user_key", userKey).put("api_token", apiToken);
        s.putArray("runners");
        return s;
    }

    private static String config(JsonNode state, int profile, String key) {
        return state.get("notify_profiles").get(profile).get("config").get(key).asText();
    }

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

    @Test
    void an_empty_folder_gets_the_original_tables_and_ours_in_wal_mode_and_has_no_state() throws Exception {
        Path dataDir = dir.resolve("new-data");
        try (SqliteStore store = SqliteStore.open(dataDir, cipher)) {
            assertThat(store.loadState()).isEmpty();
        }
        assertThat(dataDir.resolve("app.db")).isRegularFile();
        assertThat(dataDir.resolve(".tmp")).isDirectory();
        assertThat(System.getProperty("org.sqlite.tmpdir")).isNotBlank();
        assertThat(tables(dataDir)).contains("state", "notification_journal", "mcr_schema_migrations", "mcr_last_case");
        try (Connection c = jdbc(dataDir); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void migrations_run_once_and_reopening_changes_nothing() throws Exception {
        SqliteStore.open(dir, cipher).close();
        SqliteStore.open(dir, cipher).close();
        assertThat(count(dir, "SELECT COUNT(*) FROM mcr_schema_migrations")).isEqualTo(SqliteStore.MIGRATIONS.size());
        assertThat(count(dir, "SELECT MAX(version) FROM mcr_schema_migrations"))
                .isEqualTo(SqliteStore.MIGRATIONS.get(SqliteStore.MIGRATIONS.size() - 1).version());
    }

    @Test
    void saved_secrets_are_encrypted_in_the_row_and_plaintext_after_loading_again() throws Exception {
        ObjectNode state = stateWithProfile("notify_a", "uSECRETuser", "tSECRETtoken");
        ((ObjectNode) state.get("notify_profiles").get(0).get("config")).put("server_url", "https://example.org");
        state.put("pushover_user_key", "uLEGACYsecret");
        ObjectNode before = state.deepCopy();
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            store.saveState(state);
        }
        assertThat(state).as("the given tree is not changed").isEqualTo(before);

        String raw = rawStateRow(dir);
        assertThat(raw).doesNotContain("uSECRETuser", "tSECRETtoken", "uLEGACYsecret").contains("enc:v1:")
                .contains("https://example.org");
        JsonNode rawTree = JSON.readTree(raw);
        assertThat(CredentialCipher.isEncrypted(config(rawTree, 0, "user_key"))).isTrue();
        assertThat(CredentialCipher.isEncrypted(rawTree.get("pushover_user_key").asText())).isTrue();

        try (SqliteStore store = SqliteStore.open(dir, CredentialCipher.ofKey(KEY))) {
            assertThat(store.loadState()).contains(before);
        }
    }

    @Test
    void the_row_is_written_with_the_separators_of_pythons_json_dumps() throws Exception {
        String python = "{\"notify_profiles\": [], \"runners\": [{\"id\": \"r\", \"cases\": [], \"n\": 1.5, "
                + "\"t\": true, \"u\": \"Grüße 🚀\", \"x\": null}], \"runner_groups\": [], \"empty\": {}}";
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            store.saveState(JSON.readTree(python));
        }
        assertThat(rawStateRow(dir)).isEqualTo(python);
    }

    @Test
    void a_data_folder_of_the_original_opens_as_is_and_its_secrets_decrypt() throws Exception {
        createOriginalDatabase(dir);
        String originalRow = resource("/original-data/state.json");
        putStateRow(dir, originalRow);
        try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO notification_journal (ts, runner_id, profile_id, profile_name, delivery, "
                    + "title, message, error) VALUES ('2025-03-11T09:15:02+01:00', 'runner1', 'notify_home', "
                    + "'Pushover Zuhause', 'success', 'Passwort-Check-Demo', 'Passwort: geheim', NULL)");
        }
        Files.writeString(dir.resolve(".credentials.key"), resource("/original-data/credentials.key.txt"));
        Files.writeString(dir.resolve("runtime_status.json"), resource("/original-data/runtime_status.json"));
        List<String> originalSchema = schemaOf(dir);

        CredentialCipher fromFolder = CredentialCipher.forDataDir(dir, null);
        Optional<JsonNode> loaded;
        String log;
        List<JournalEntry> journal;
        try (SqliteStore store = SqliteStore.open(dir, fromFolder)) {
            AtomicReference<Optional<JsonNode>> holder = new AtomicReference<>();
            log = LogCapture.during(() -> holder.set(store.loadState()));
            loaded = holder.get();
            journal = store.queryJournal(JournalQuery.newest());
            assertThat(store.loadLastCases()).containsEntry("runner1",
                    new LastCase("Passwort: geheim ✓", Instant.parse("2025-03-11T08:15:02Z")));
        }

        JsonNode s = loaded.orElseThrow();
        assertThat(config(s, 0, "user_key")).isEqualTo("uHomeUserKey0000000000000000000");
        assertThat(config(s, 0, "api_token")).isEqualTo("aHomeApiToken000000000000000000");
        assertThat(config(s, 1, "user_key")).isEqualTo("uOfficeKey äöü");
        assertThat(config(s, 1, "api_token")).isEmpty();
        assertThat(config(s, 2, "user_key")).isEqualTo("uPlainUserKey1111111111111111111");
        assertThat(s.get("runners").get(0).get("some_future_key").get("kept").asBoolean()).isTrue();
        assertThat(s.get("notify_profiles").get(0).get("sent_count").asInt()).isEqualTo(42);

        assertThat(journal).singleElement().satisfies(e -> {
            assertThat(e.ts()).isEqualTo(Instant.parse("2025-03-11T08:15:02Z"));
            assertThat(e.error()).isEmpty();
            assertThat(e.profileName()).isEqualTo("Pushover Zuhause");
        });

        JsonNode originalTree = JSON.readTree(originalRow);
        JsonNode migratedRow = JSON.readTree(rawStateRow(dir));
        assertThat(config(migratedRow, 0, "user_key")).as("values the original encrypted are kept byte for byte")
                .isEqualTo(config(originalTree, 0, "user_key"));
        assertThat(config(migratedRow, 2, "user_key")).as("plaintext is migrated").startsWith("enc:v1:");
        assertThat(fromFolder.decrypt(config(migratedRow, 2, "api_token"))).isEqualTo("aPlainApiToken11111111111111111");
        String rowWithPlaintextBack = rawStateRow(dir)
                .replace(config(migratedRow, 2, "user_key"), "uPlainUserKey1111111111111111111")
                .replace(config(migratedRow, 2, "api_token"), "aPlainApiToken11111111111111111");
        assertThat(rowWithPlaintextBack).as("apart from the migrated values, the row is byte for byte the original's")
                .isEqualTo(originalRow);
        assertThat(log).contains("Migrated 2 plaintext").doesNotContain("uPlainUserKey", "aPlainApiToken");
        assertThat(schemaOf(dir)).as("the original's tables are unchanged").containsAll(originalSchema);
    }

    @Test
    void credentials_migrated_in_java_decrypt_in_python_with_the_originals_key_file() throws Exception {
        assumeTrue(PythonFernet.available(), PythonFernet.UNAVAILABLE);
        createOriginalDatabase(dir);
        putStateRow(dir, resource("/original-data/state.json"));
        String key = resource("/original-data/credentials.key.txt");
        Files.writeString(dir.resolve(".credentials.key"), key);
        try (SqliteStore store = SqliteStore.open(dir, CredentialCipher.forDataDir(dir, null))) {
            store.loadState();
        }
        JsonNode row = JSON.readTree(rawStateRow(dir));
        List<String> tokens = List.of(config(row, 2, "user_key"), config(row, 2, "api_token")).stream()
                .map(v -> v.substring(CredentialCipher.PREFIX.length())).toList();
        assertThat(PythonFernet.decrypt(key, tokens))
                .containsExactly("uPlainUserKey1111111111111111111", "aPlainApiToken11111111111111111");
    }

    @Test
    void plaintext_secrets_are_migrated_once() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            putStateRow(dir, stateWithProfile("notify_a", "uPLAIN", "").toString());
            String first = LogCapture.during(store::loadState);
            String rowAfterFirst = rawStateRow(dir);
            String second = LogCapture.during(store::loadState);
            assertThat(first).contains("Migrated 1 plaintext");
            assertThat(second).doesNotContain("Migrated");
            assertThat(rawStateRow(dir)).isEqualTo(rowAfterFirst);
            assertThat(config(store.loadState().orElseThrow(), 0, "user_key")).isEqualTo("uPLAIN");
        }
    }

    @Test
    void a_migration_that_cannot_be_written_still_loads_the_state_and_is_retried_later() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            putStateRow(dir, stateWithProfile("notify_a", "uPLAIN", "").toString());
            try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER no_update BEFORE UPDATE ON state BEGIN SELECT RAISE(ABORT, 'read only'); END");
            }
            AtomicReference<Optional<JsonNode>> loaded = new AtomicReference<>();
            String log = LogCapture.during(() -> loaded.set(store.loadState()));
            assertThat(config(loaded.get().orElseThrow(), 0, "user_key")).isEqualTo("uPLAIN");
            assertThat(log).contains("could not be encrypted yet").doesNotContain("uPLAIN");
            assertThat(rawStateRow(dir)).contains("uPLAIN");

            try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER no_update");
            }
            store.loadState();
            assertThat(rawStateRow(dir)).doesNotContain("uPLAIN");
        }
    }

    @Test
    void a_secret_that_cannot_be_decrypted_reads_as_empty_and_stays_stored_as_it_was() throws Exception {
        String foreign = CredentialCipher.ofKey("MDgniBSXZ_yV0a04jJh578EVL2n2UNP8LOkh8_75GGc=").encrypt("uFOREIGN");
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            putStateRow(dir, stateWithProfile("notify_a", foreign, "").toString());
            String before = rawStateRow(dir);
            String[] value = new String[1];
            String log = LogCapture.during(() -> value[0] = config(store.loadState().orElseThrow(), 0, "user_key"));
            assertThat(value[0]).isEmpty();
            assertThat(log).contains("could not be decrypted").doesNotContain(foreign.substring(7, 40));
            assertThat(rawStateRow(dir)).isEqualTo(before);
        }
    }

    @Test
    void saving_the_mask_marker_keeps_the_stored_secret_and_gives_a_new_profile_an_empty_one() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            store.saveState(stateWithProfile("notify_a", "uKEEP", "tKEEP"));
            String storedToken = config(JSON.readTree(rawStateRow(dir)), 0, "user_key");

            ObjectNode masked = stateWithProfile("notify_a", SecretMasking.SECRET_SET, "tNEW");
            ((ArrayNode) masked.get("notify_profiles")).add(
                    stateWithProfile("notify_b", SecretMasking.SECRET_SET, "").get("notify_profiles").get(0));
            store.saveState(masked);

            JsonNode loaded = store.loadState().orElseThrow();
            assertThat(config(loaded, 0, "user_key")).isEqualTo("uKEEP");
            assertThat(config(loaded, 0, "api_token")).isEqualTo("tNEW");
            assertThat(config(loaded, 1, "user_key")).isEmpty();
            assertThat(config(JSON.readTree(rawStateRow(dir)), 0, "user_key")).isEqualTo(storedToken);
            assertThat(rawStateRow(dir)).doesNotContain(SecretMasking.SECRET_SET);
        }
    }

    @Test
    void a_row_that_is_not_json_is_backed_up_privately_and_reads_as_empty() throws Exception {
        String garbage = "{\"notify_profiles\": [ {\"config\": {\"user_key\": \"enc:v1:abc\"";
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            putStateRow(dir, garbage);
            AtomicReference<Optional<JsonNode>> result = new AtomicReference<>();
            String log = LogCapture.during(() -> result.set(store.loadState()));

            assertThat(result.get()).isEmpty();
            List<Path> backups;
            try (Stream<Path> files = Files.list(dir)) {
                backups = files.filter(p -> p.getFileName().toString().startsWith("app.db.corrupt-state-")).toList();
            }
            assertThat(backups).singleElement().satisfies(b -> {
                assertThat(b.getFileName().toString()).endsWith(".json");
                assertThat(Files.readString(b, StandardCharsets.UTF_8)).isEqualTo(garbage);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b))).isEqualTo("rw-------");
                assertThat(log).contains("ERROR").contains(b.toString());
            });

            store.saveState(stateWithProfile("notify_a", "uNEW", ""));
            assertThat(config(store.loadState().orElseThrow(), 0, "user_key")).isEqualTo("uNEW");
        }
    }

    @Test
    void a_row_that_is_json_but_not_an_object_is_backed_up_once_and_a_different_row_gets_its_own_backup()
            throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            putStateRow(dir, "[1, 2, 3]");
            assertThat(store.loadState()).isEmpty();
            Path first = store.corruptStateBackup().orElseThrow();
            assertThat(store.loadState()).isEmpty();
            assertThat(store.corruptStateBackup()).contains(first);
            putStateRow(dir, "[4]");
            assertThat(store.loadState()).isEmpty();
            Path second = store.corruptStateBackup().orElseThrow();
            assertThat(second).isNotEqualTo(first);
            assertThat(Files.readString(first)).isEqualTo("[1, 2, 3]");
            assertThat(Files.readString(second)).isEqualTo("[4]");
            store.saveState(stateWithProfile("notify_a", "u", ""));
            assertThat(store.loadState()).isPresent();
            assertThat(store.corruptStateBackup()).isEmpty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("app.db.corrupt-state-"))).hasSize(2);
        }
    }

    @Test
    void a_save_that_fails_inside_the_database_leaves_the_previous_state_and_the_store_usable() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            ObjectNode good = stateWithProfile("notify_a", "uGOOD", "");
            store.saveState(good);
            try (Connection c = jdbc(dir); Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER fail_save BEFORE UPDATE ON state WHEN NEW.json LIKE '%fail_me%' "
                        + "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
            }
            ObjectNode bad = stateWithProfile("notify_a", "uBAD", "");
            bad.put("marker", "fail_me");

            assertThatThrownBy(() -> store.saveState(bad))
                    .isInstanceOf(McrException.class)
                    .hasMessageStartingWith("Could not save the state")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("uBAD"));

            assertThat(store.loadState()).contains(good);
            ObjectNode next = stateWithProfile("notify_a", "uNEXT", "");
            store.saveState(next);
            assertThat(store.loadState()).contains(next);
        }
    }

    @Test
    void a_save_after_close_is_refused_and_the_previous_state_survives_a_reopen() {
        SqliteStore store = SqliteStore.open(dir, cipher);
        ObjectNode saved = stateWithProfile("notify_a", "uSAVED", "");
        store.saveState(saved);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.saveState(stateWithProfile("notify_a", "uLATE", "")))
                .isInstanceOf(McrException.class).hasMessageContaining("is closed");
        try (SqliteStore reopened = SqliteStore.open(dir, cipher)) {
            assertThat(reopened.loadState()).contains(saved);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_process_killed_while_saving_leaves_a_complete_state() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SaveLoop.class.getName(), dir.toString(), KEY)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long lastReported = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (lastReported < 30 && (line = out.readLine()) != null) {
                lastReported = Long.parseLong(line.trim());
            }
        } finally {
            // SIGKILL: no shutdown hook, no close(); whatever save is in flight is cut off.
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastReported).as("the child saved before it was killed").isGreaterThanOrEqualTo(30);

        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            JsonNode s = store.loadState().orElseThrow();
            long seq = s.get("seq").asLong();
            assertThat(seq).isGreaterThanOrEqualTo(lastReported);
            assertThat(s.get("check").asLong()).isEqualTo(seq);
            assertThat(s.get("padding").asText()).hasSize(200_000);
            assertThat(config(s, 0, "user_key")).isEqualTo("u" + seq);
        }
    }

    @Test
    void a_file_that_is_not_a_database_is_refused_with_a_sentence() throws Exception {
        Files.writeString(dir.resolve("app.db"), "this is not a database, it is a text file of some length ".repeat(40));
        assertThatThrownBy(() -> SqliteStore.open(dir, cipher))
                .isInstanceOf(McrException.class)
                .hasMessageContaining(dir.resolve("app.db").toString());
    }

    @Test
    void saving_something_else_than_an_object_is_refused_with_a_sentence() {
        try (SqliteStore store = SqliteStore.open(dir, cipher)) {
            assertThatThrownBy(() -> store.saveState(JSON.createArrayNode()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("not array.");
            assertThatThrownBy(() -> store.saveState(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("not null.");
        }
    }

    private static List<String> schemaOf(Path dataDir) throws Exception {
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
