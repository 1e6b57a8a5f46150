package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.crypto.CredentialCipher;
import dev.mcr.crypto.LogCapture;
import dev.mcr.crypto.PythonFernet;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.model.NotifyProfile;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.store.sqlite.StoreFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials at rest through the facade, on data folders of the original tool: the store keeps tokens only, the
 * facade encrypts before a put and decrypts after a load, and the original's state row stays readable by it.
 */
class McrOriginalDataFolderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "LSWpV9dMxXL1ggz_53x0H-Szx7GEX_1KAeU0T9bQ0-8=";
    @TempDir
    Path dir;

    static String resource(String name) throws IOException {
        try (InputStream in = McrOriginalDataFolderTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("Missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String config(JsonNode state, int profile, String key) {
        return state.get("notify_profiles").get(profile).get("config").get(key).asText();
    }

    private static String profileRow(Path dataDir) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = StoreFixtures.jdbc(dataDir); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT json FROM mcr_profiles")) {
            while (rs.next()) {
                sb.append(rs.getString(1));
            }
        }
        return sb.toString();
    }

    private Mcr open() {
        return Mcr.builder().dataDir(dir).seedDemo(false).build();
    }

    private void originalFolder() throws Exception {
        StoreFixtures.createOriginalDatabase(dir);
        StoreFixtures.putStateRow(dir, resource("/original-data/state.json"));
        Files.writeString(dir.resolve(".credentials.key"), resource("/original-data/credentials.key.txt"));
    }

    @Test
    void a_data_folder_of_the_original_opens_as_is_its_secrets_decrypt_and_only_plaintext_is_rewritten()
            throws Exception {
        originalFolder();
        String originalRow = resource("/original-data/state.json");
        try (Connection c = StoreFixtures.jdbc(dir); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO notification_journal (ts, runner_id, profile_id, profile_name, delivery, "
                    + "title, message, error) VALUES ('2025-03-11T09:15:02+01:00', 'runner1', 'notify_home', "
                    + "'Pushover Zuhause', 'success', 'Passwort-Check-Demo', 'Passwort: geheim', NULL)");
        }
        Files.writeString(dir.resolve("runtime_status.json"), resource("/original-data/runtime_status.json"));

        AtomicReference<Mcr> started = new AtomicReference<>();
        String log = LogCapture.during(() -> started.set(open()));
        try (Mcr mcr = started.get()) {
            NotifyProfile home = mcr.state().profile("notify_home").orElseThrow();
            assertThat(home.configValue("user_key")).isEqualTo("uHomeUserKey0000000000000000000");
            assertThat(home.configValue("api_token")).isEqualTo("aHomeApiToken000000000000000000");
            assertThat(home.sentCount()).isEqualTo(42);
            assertThat(mcr.state().profile("notify_buero").orElseThrow().configValue("user_key"))
                    .isEqualTo("uOfficeKey äöü");
            assertThat(mcr.state().profile("notify_legacy").orElseThrow().configValue("user_key"))
                    .isEqualTo("uPlainUserKey1111111111111111111");
            assertThat(mcr.state().runner("runner1").orElseThrow().extra()).containsKey("some_future_key");
            assertThat(mcr.versionedRunner("runner1").orElseThrow().version()).isEqualTo(1);
            assertThat(mcr.notifications(JournalQuery.newest())).singleElement().satisfies(e -> {
                assertThat(e.ts()).isEqualTo(Instant.parse("2025-03-11T08:15:02Z"));
                assertThat(e.profileName()).isEqualTo("Pushover Zuhause");
                assertThat(e.delivery()).isEqualTo(JournalEntry.SUCCESS);
            });
            assertThat(mcr.status().get("runner1").lastCase()).isEqualTo("Passwort: geheim ✓");
        }

        JsonNode originalTree = JSON.readTree(originalRow);
        JsonNode migratedRow = JSON.readTree(StoreFixtures.rawStateRow(dir));
        assertThat(config(migratedRow, 0, "user_key")).as("values the original encrypted are kept byte for byte")
                .isEqualTo(config(originalTree, 0, "user_key"));
        assertThat(config(migratedRow, 2, "user_key")).as("plaintext is migrated").startsWith("enc:v1:");
        CredentialCipher fromFolder = CredentialCipher.forDataDir(dir, null);
        assertThat(fromFolder.decrypt(config(migratedRow, 2, "api_token"))).isEqualTo("aPlainApiToken11111111111111111");
        String rowWithPlaintextBack = StoreFixtures.rawStateRow(dir)
                .replace(config(migratedRow, 2, "user_key"), "uPlainUserKey1111111111111111111")
                .replace(config(migratedRow, 2, "api_token"), "aPlainApiToken11111111111111111");
        assertThat(rowWithPlaintextBack).as("apart from the migrated values, the row is byte for byte the original's")
                .isEqualTo(originalRow);
        assertThat(log).contains("Migrated 2 plaintext").contains("took over")
                .doesNotContain("uPlainUserKey", "aPlainApiToken");
        assertThat(profileRow(dir)).as("our tables hold tokens only").contains("enc:v1:")
                .doesNotContain("uPlainUserKey", "uHomeUserKey", "uOfficeKey");

        String again = LogCapture.during(() -> open().close());
        assertThat(again).as("the takeover and the migration happen once").doesNotContain("Migrated", "took over");
    }

    @Test
    void credentials_migrated_in_java_decrypt_in_python_with_the_originals_key_file() throws Exception {
        assumeTrue(PythonFernet.available(), PythonFernet.UNAVAILABLE);
        originalFolder();
        open().close();
        JsonNode row = JSON.readTree(StoreFixtures.rawStateRow(dir));
        List<String> tokens = List.of(config(row, 2, "user_key"), config(row, 2, "api_token")).stream()
                .map(v -> v.substring(CredentialCipher.PREFIX.length())).toList();
        assertThat(PythonFernet.decrypt(resource("/original-data/credentials.key.txt"), tokens))
                .containsExactly("uPlainUserKey1111111111111111111", "aPlainApiToken11111111111111111");
    }

    @Test
    void plaintext_that_cannot_be_encrypted_at_start_still_loads_and_the_next_save_encrypts_it() throws Exception {
        open().close();
        StoreFixtures.putStateRow(dir, "{\"notify_profiles\": [{\"id\": \"notify_a\", \"config\": {\"user_key\": \"uPLAIN\"}}]}");
        try (Connection c = StoreFixtures.jdbc(dir); Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER no_update BEFORE UPDATE ON state BEGIN SELECT RAISE(ABORT, 'read only'); END");
        }
        AtomicReference<Mcr> started = new AtomicReference<>();
        String log = LogCapture.during(() -> started.set(open()));
        try (Mcr mcr = started.get()) {
            assertThat(mcr.state().profile("notify_a").orElseThrow().configValue("user_key")).isEqualTo("uPLAIN");
            assertThat(log).contains("could not be encrypted yet").doesNotContain("uPLAIN");
            assertThat(StoreFixtures.rawStateRow(dir)).contains("uPLAIN");
            assertThat(profileRow(dir)).doesNotContain("uPLAIN");

            try (Connection c = StoreFixtures.jdbc(dir); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER no_update");
            }
            mcr.saveProfile(mcr.state().profile("notify_a").orElseThrow().withConfig(java.util.Map.of("user_key", "uPLAIN", "api_token", "tNEW")));
            assertThat(StoreFixtures.rawStateRow(dir)).doesNotContain("uPLAIN", "tNEW").contains("enc:v1:");
        }
    }

    @Test
    void a_secret_that_cannot_be_decrypted_reads_as_empty_and_stays_stored_as_it_was() throws Exception {
        open().close();
        String foreign = CredentialCipher.ofKey("MDgniBSXZ_yV0a04jJh578EVL2n2UNP8LOkh8_75GGc=").encrypt("uFOREIGN");
        StoreFixtures.putStateRow(dir, "{\"notify_profiles\": [{\"id\": \"notify_a\", \"config\": {\"user_key\": \"" + foreign
                + "\"}}]}");
        String before = StoreFixtures.rawStateRow(dir);
        AtomicReference<Mcr> started = new AtomicReference<>();
        String log = LogCapture.during(() -> started.set(open()));
        try (Mcr mcr = started.get()) {
            assertThat(mcr.state().profile("notify_a").orElseThrow().configValue("user_key")).isEmpty();
            assertThat(log).contains("could not be decrypted").doesNotContain(foreign.substring(7, 40));
        }
        assertThat(StoreFixtures.rawStateRow(dir)).isEqualTo(before);
        assertThat(profileRow(dir)).as("the token is kept, not replaced by the empty value").contains(foreign);
    }

    @Test
    void saved_secrets_are_tokens_at_rest_plaintext_after_reopening_and_the_mask_marker_keeps_them() throws Exception {
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).secretKey(KEY).build()) {
            mcr.saveProfile(NotifyProfile.builder("notify_a").pushover("uSECRETuser", "tSECRETtoken")
                    .config("server_url", "https://example.org").build());
            String row = StoreFixtures.rawStateRow(dir);
            assertThat(row).doesNotContain("uSECRETuser", "tSECRETtoken").contains("enc:v1:")
                    .contains("https://example.org");
            assertThat(profileRow(dir)).doesNotContain("uSECRETuser", "tSECRETtoken");

            // A client sends the masked profile back with a new token and a new profile with the marker.
            mcr.saveStateJson(("{\"notify_profiles\": [{\"id\": \"notify_a\", \"config\": {\"user_key\": \""
                    + SecretMasking.SECRET_SET + "\", \"api_token\": \"tNEW\"}}, {\"id\": \"notify_b\", \"config\": "
                    + "{\"user_key\": \"" + SecretMasking.SECRET_SET + "\"}}]}").getBytes(StandardCharsets.UTF_8));
            String userToken = config(JSON.readTree(row), 0, "user_key");
            assertThat(config(JSON.readTree(StoreFixtures.rawStateRow(dir)), 0, "user_key"))
                    .as("an unchanged secret keeps its token").isEqualTo(userToken);
            assertThat(StoreFixtures.rawStateRow(dir)).doesNotContain(SecretMasking.SECRET_SET, "tNEW");
        }
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).secretKey(KEY).build()) {
            assertThat(mcr.state().profile("notify_a").orElseThrow().configValue("user_key")).isEqualTo("uSECRETuser");
            assertThat(mcr.state().profile("notify_a").orElseThrow().configValue("api_token")).isEqualTo("tNEW");
            assertThat(mcr.state().profile("notify_a").orElseThrow().configValue("server_url"))
                    .isEqualTo("https://example.org");
            assertThat(mcr.state().profile("notify_b").orElseThrow().configValue("user_key")).isEmpty();
        }
    }
}
