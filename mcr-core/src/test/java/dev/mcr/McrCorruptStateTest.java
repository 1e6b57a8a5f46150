package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.crypto.LogCapture;
import dev.mcr.model.Runner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored state that cannot be read never stops mcr and is never silently replaced with defaults. */
class McrCorruptStateTest {

    @TempDir
    Path dir;

    private Mcr open() {
        return Mcr.builder().dataDir(dir).build();
    }

    @Test
    void a_truncated_state_row_is_kept_in_a_backup_and_not_replaced_by_the_demo_runners() throws Exception {
        try (Mcr mcr = open()) {
            mcr.saveState(mcr.state().withRunners(List.of(
                    Runner.builder("runner_precious").name("Precious").command("echo mine").build())));
        }
        String full = rawRow();
        byte[] truncated = Arrays.copyOf(full.getBytes(StandardCharsets.UTF_8), full.length() / 2);
        putRow(truncated);

        AtomicReference<Mcr> started = new AtomicReference<>();
        String log = LogCapture.during(() -> started.set(open()));
        Path backup;
        try (Mcr mcr = started.get()) {
            assertThat(mcr.state().runners()).as("no demo runners over the user's data: mcr goes on with the copy "
                    + "it stored itself").extracting(Runner::id).containsExactly("runner_precious");
            backup = mcr.unreadableStateBackup().orElseThrow();
            assertThat(Files.readAllBytes(backup)).isEqualTo(truncated);
            assertThat(log.lines().filter(l -> l.contains("ERROR") && l.contains(backup.toString()))).isNotEmpty();
            assertThat(rawRowBytes()).as("the row is left as it is until the user saves").isEqualTo(truncated);
        }
        String again = LogCapture.during(() -> open().close());
        assertThat(again).contains("ERROR").contains(backup.toString());
        assertThat(backups()).as("a second start reuses the backup").containsExactly(backup);

        try (Mcr mcr = open()) {
            mcr.saveRunner(Runner.builder("runner_new").name("New").command("true").build());
        }
        try (Mcr mcr = open()) {
            assertThat(mcr.unreadableStateBackup()).isEmpty();
            assertThat(mcr.state().runner("runner_new")).isPresent();
            assertThat(mcr.state().runner("runner_precious")).isPresent();
        }
        assertThat(Files.readAllBytes(backup)).isEqualTo(truncated);
    }

    @Test
    void a_state_row_with_bytes_that_are_not_utf8_is_loaded_and_its_original_bytes_are_backed_up() throws Exception {
        open().close();
        byte[] corrupt = "{\"runners\": [{\"id\": \"runner_x\", \"name\": \"caf\u00e9\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        int e = new String(corrupt, StandardCharsets.ISO_8859_1).indexOf("caf") + 3;
        corrupt[e] = (byte) 0xC3;
        corrupt[e + 1] = (byte) 0x28;
        putRow(corrupt);
        AtomicReference<Mcr> started = new AtomicReference<>();
        String log = LogCapture.during(() -> started.set(open()));
        try (Mcr mcr = started.get()) {
            assertThat(mcr.state().runner("runner_x")).isPresent();
            assertThat(mcr.unreadableStateBackup()).isEmpty();
            List<Path> backups = backups();
            assertThat(backups).hasSize(1);
            assertThat(Files.readAllBytes(backups.get(0))).isEqualTo(corrupt);
            assertThat(log.lines().filter(l -> l.contains("ERROR") && l.contains(backups.get(0).toString())
                    && l.contains("not UTF-8"))).hasSize(1);
        }
    }

    @Test
    void randomly_damaged_state_rows_never_stop_the_start_and_are_never_rewritten_by_it() throws Exception {
        long seed = Long.getLong("mcr.fuzz.seed", System.nanoTime());
        System.out.println("randomly_damaged_state_rows seed=" + seed + " (rerun with -Dmcr.fuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        try (Mcr mcr = open()) {
            mcr.saveRunner(Runner.builder("runner_a").name("A").command("echo a").onMatch("a", dev.mcr.model.CaseState.INFO, "{match}")
                    .every(java.time.Duration.ofSeconds(5)).build());
        }
        byte[] good = rawRowBytes();
        for (int i = 0; i < 200; i++) {
            byte[] damaged = damage(good, rnd);
            putRow(damaged);
            try (Mcr mcr = open()) {
                assertThat(rawRowBytes()).as("iteration %d, seed %d", i, seed).isEqualTo(damaged);
                if (mcr.unreadableStateBackup().isPresent()) {
                    assertThat(Files.readAllBytes(mcr.unreadableStateBackup().get()))
                            .as("iteration %d, seed %d", i, seed).isEqualTo(damaged);
                }
                assertThat(mcr.state()).isNotNull();
            }
        }
    }

    private static byte[] damage(byte[] good, Random rnd) {
        byte[] b = good.clone();
        switch (rnd.nextInt(5)) {
            case 0:
                return Arrays.copyOf(b, rnd.nextInt(b.length));
            case 1:
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return b;
            case 2: {
                String s = new String(b, StandardCharsets.UTF_8);
                String[] junk = {"null", "[]", "{}", "\"x\"", "-1e999", "1e400", "true", "{\"a\":", "\u0000", "]]"};
                int at = rnd.nextInt(s.length());
                return (s.substring(0, at) + junk[rnd.nextInt(junk.length)] + s.substring(at))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 3: {
                String s = new String(b, StandardCharsets.UTF_8);
                String[] values = {"null", "\"text\"", "12345678901234567890123", "-0.5", "[1,2]", "{}", "false"};
                // Replace one JSON value after a colon with a value of another type.
                int colon = s.indexOf(':', rnd.nextInt(s.length()));
                if (colon < 0) {
                    return b;
                }
                int end = colon + 1;
                while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
                return (s.substring(0, colon + 1) + " " + values[rnd.nextInt(values.length)] + s.substring(end))
                        .getBytes(StandardCharsets.UTF_8);
            }
            default:
                return new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 'x'};
        }
    }

    private List<Path> backups() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("app.db.corrupt-state-")).toList();
        }
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
    }

    private String rawRow() throws SQLException {
        return new String(rawRowBytes(), StandardCharsets.UTF_8);
    }

    private byte[] rawRowBytes() throws SQLException {
        try (Connection c = jdbc(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CAST(json AS BLOB) FROM state WHERE id=1")) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    /** Stores bytes as TEXT without any re-encoding, as a damaged file or another program could leave them. */
    private void putRow(byte[] bytes) throws SQLException {
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(
                "UPDATE state SET json = CAST(? AS TEXT) WHERE id=1")) {
            ps.setBytes(1, bytes);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
