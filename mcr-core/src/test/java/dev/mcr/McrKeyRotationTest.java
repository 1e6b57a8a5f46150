package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.macasaet.fernet.Key;
import dev.mcr.crypto.CredentialCipher;
import dev.mcr.crypto.PythonFernet;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.store.ConfigKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation through the facade: a comma-separated key list (the first encrypts, all decrypt), every stored token
 * re-encrypted in one go, and a delivery to a real local server standing in for Pushover as the proof that the new key
 * alone reads every secret afterwards.
 */
class McrKeyRotationTest {

    static final String OLD = Key.generateKey().serialise();
    static final String NEW = Key.generateKey().serialise();
    static final Pattern TOKEN = Pattern.compile("enc:v1:([A-Za-z0-9_=-]+)");

    @TempDir
    Path dir;
    LocalPushover pushover;
    List<String> bodies;

    @BeforeEach
    void startPushover() throws IOException {
        pushover = new LocalPushover();
        bodies = pushover.bodies();
    }

    @AfterEach
    void stopPushover() {
        pushover.close();
    }

    Mcr open(String secretKey) {
        return Mcr.builder().dataDir(dir).seedDemo(false).secretKey(secretKey)
                .pushoverUrl(pushover.url())
                .build();
    }

    /** Saves a service with two secrets in two versions, so that the history holds tokens too. */
    void saveService(Mcr mcr) {
        mcr.saveProfile(NotifyProfile.pushover("notify_main", "Phone", "uKEY-first-secret", "aTOKEN-first-secret"));
        mcr.saveProfile(NotifyProfile.pushover("notify_main", "Phone", "uKEY-very-secret", "aTOKEN-very-secret"));
    }

    /** Renames the service as the web UI does: a PUT of the changed field, the secrets left out. */
    static void rename(Mcr mcr, String name) {
        long version = mcr.versionedProfile("notify_main").orElseThrow().version();
        mcr.updateJson(ConfigKind.PROFILE, "notify_main",
                ("{\"name\": \"" + name + "\"}").getBytes(StandardCharsets.UTF_8), version);
    }

    /** Sends a test message and returns the form the stand-in received. */
    String deliver(Mcr mcr) {
        bodies.clear();
        assertThat(mcr.sendTest("notify_main", "hello").ok()).isTrue();
        assertThat(bodies).hasSize(1);
        return bodies.get(0);
    }

    /** Every token in every table of app.db: current objects, their history and the original's state row. */
    List<String> storedTokens() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement()) {
            for (String sql : List.of("SELECT json FROM mcr_profiles", "SELECT json FROM mcr_config_history WHERE json IS NOT NULL",
                    "SELECT json FROM state")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        Matcher m = TOKEN.matcher(rs.getString(1));
                        while (m.find()) {
                            out.add(m.group());
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void old_and_new_key_rotate_every_token_and_afterwards_the_new_key_alone_delivers() throws Exception {
        try (Mcr mcr = open(OLD)) {
            saveService(mcr);
        }
        long version;
        try (Mcr mcr = open(NEW + "," + OLD)) {
            version = mcr.versionedProfile("notify_main").orElseThrow().version();
            assertThat(deliver(mcr)).contains("user=uKEY-very-secret", "token=aTOKEN-very-secret");

            KeyRotation done = mcr.rotateKeys();

            assertThat(done.reencrypted()).isEqualTo(2);
            assertThat(done.current()).isZero();
            assertThat(done.complete()).isTrue();
            assertThat(mcr.versionedProfile("notify_main").orElseThrow().version()).isEqualTo(version);
            assertThat(deliver(mcr)).contains("user=uKEY-very-secret", "token=aTOKEN-very-secret");
            // A save of the service after the rotation (the UI's PUT, secrets not sent) must not bring an old
            // token back.
            rename(mcr, "Phone 2");
            KeyRotation again = mcr.rotateKeys();
            assertThat(again.reencrypted()).isZero();
            assertThat(again.current()).isEqualTo(2);
        }
        CredentialCipher oldOnly = CredentialCipher.ofKey(OLD);
        CredentialCipher newOnly = CredentialCipher.ofKey(NEW);
        List<String> tokens = storedTokens();
        // two secrets in: the state row, the current document, and three versions in the history
        assertThat(tokens).hasSizeGreaterThanOrEqualTo(10);
        for (String t : tokens) {
            assertThat(newOnly.reencrypt(t)).as("readable with the new key").contains(t);
            assertThat(oldOnly.reencrypt(t)).as("no longer readable with the old key").isEmpty();
        }
        try (Mcr mcr = open(NEW)) {
            assertThat(mcr.versionedProfile("notify_main").orElseThrow().version()).isEqualTo(version + 1);
            assertThat(deliver(mcr)).contains("user=uKEY-very-secret", "token=aTOKEN-very-secret");
        }
    }

    @Test
    void the_original_tool_reads_the_rotated_state_row_with_the_new_key() throws Exception {
        assumeTrue(PythonFernet.available(), PythonFernet.UNAVAILABLE);
        try (Mcr mcr = open(OLD)) {
            saveService(mcr);
        }
        try (Mcr mcr = open(NEW + "," + OLD)) {
            mcr.rotateKeys();
        }
        List<String> rowTokens = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT json FROM state")) {
            assertThat(rs.next()).isTrue();
            Matcher m = TOKEN.matcher(rs.getString(1));
            while (m.find()) {
                rowTokens.add(m.group(1));
            }
        }
        assertThat(PythonFernet.decrypt(NEW, rowTokens))
                .containsExactlyInAnyOrder("uKEY-very-secret", "aTOKEN-very-secret");
    }

    @Test
    void a_secret_no_key_reads_is_reported_by_its_owner_kept_by_a_save_and_readable_again_with_its_key()
            throws Exception {
        try (Mcr mcr = open(OLD)) {
            saveService(mcr);
        }
        try (Mcr mcr = open(NEW)) {
            KeyRotation done = mcr.rotateKeys();
            assertThat(done.reencrypted()).isZero();
            assertThat(done.unreadable()).containsExactlyInAnyOrder(
                    "service \"Phone\" (notify_main): config.user_key",
                    "service \"Phone\" (notify_main): config.api_token");
            assertThat(done.toString()).doesNotContain("enc:v1:", "secret");
            // The original web client saves the whole masked state back, with a changed runner-free layout.
            mcr.saveStateJson(mcr.clientStateJson().getBytes(StandardCharsets.UTF_8));
            rename(mcr, "Phone renamed");
        }
        try (Mcr mcr = open(OLD)) {
            assertThat(mcr.state().profile("notify_main").orElseThrow().name()).isEqualTo("Phone renamed");
            assertThat(deliver(mcr)).contains("user=uKEY-very-secret", "token=aTOKEN-very-secret");
        }
    }

    @Test
    void the_static_rotation_for_the_command_line_resumes_no_schedule_and_leaves_the_folder_readable_with_the_new_key()
            throws Exception {
        try (Mcr mcr = open(OLD)) {
            saveService(mcr);
            mcr.saveRunner(Runner.builder("runner_tick").name("Tick").command("echo tick").logging(true)
                    .every(java.time.Duration.ofHours(1)).unlimitedRuns().build());
            mcr.start("runner_tick").result().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        String before = scheduleRow();
        assertThat(before).contains("runner_tick");

        KeyRotation done = Mcr.rotateKeys(dir, NEW + "," + OLD);

        assertThat(done.reencrypted()).isEqualTo(2);
        assertThat(scheduleRow()).isEqualTo(before);
        try (Mcr mcr = open(NEW)) {
            assertThat(deliver(mcr)).contains("user=uKEY-very-secret", "token=aTOKEN-very-secret");
        }
    }

    /** The persisted schedule of the runner, which a resume would rewrite. */
    String scheduleRow() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT runner_id, session_started_ms, next_due_ms, run_count, remaining "
                     + "FROM mcr_schedule_state")) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= 5; i++) {
                    sb.append(rs.getString(i)).append('|');
                }
            }
            return sb.toString();
        }
    }
}
