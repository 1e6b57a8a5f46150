package dev.mcr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.crypto.CredentialCipher;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule states of durable schedules, in a real SQLite file. */
class SqliteScheduleStatesTest {

    private static final CredentialCipher CIPHER = CredentialCipher.ofKey("LSWpV9dMxXL1ggz_53x0H-Szx7GEX_1KAeU0T9bQ0-8=");

    @TempDir
    Path dir;

    @Test
    void states_survive_a_reopen_with_millisecond_due_times_and_unlimited_runs_and_can_be_replaced_and_deleted() {
        ScheduleRow limited = new ScheduleRow("runner_a", Instant.parse("2026-11-24T18:00:05.123Z"),
                Instant.parse("2026-11-24T18:05:05.456Z"), 3, 7, 2);
        ScheduleRow unlimited = new ScheduleRow("runner_b", null, Instant.parse("2026-11-24T18:00:00Z"), 0, null, 0);
        try (SqliteStore store = SqliteStore.open(dir, CIPHER)) {
            assertThat(store.loadScheduleStates()).isEmpty();
            store.putScheduleState(limited);
            store.putScheduleState(unlimited);
        }
        try (SqliteStore store = SqliteStore.open(dir, CIPHER)) {
            assertThat(store.loadScheduleStates()).containsOnlyKeys("runner_a", "runner_b")
                    .containsEntry("runner_a", limited).containsEntry("runner_b", unlimited);
            ScheduleRow later = new ScheduleRow("runner_a", limited.activeSince(),
                    Instant.parse("2026-11-24T18:10:05.456Z"), 4, 6, 0);
            store.putScheduleState(later);
            store.deleteScheduleState("runner_b");
            store.deleteScheduleState("never-stored");
            assertThat(store.loadScheduleStates()).containsOnlyKeys("runner_a").containsEntry("runner_a", later);
        }
    }

    @Test
    void a_folder_with_the_first_three_migrations_gets_the_table_at_the_next_open() throws Exception {
        SqliteStore.open(dir, CIPHER).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement()) {
            st.execute("DROP TABLE mcr_schedule_state");
            st.execute("DELETE FROM mcr_schema_migrations WHERE version = 4");
        }
        try (SqliteStore store = SqliteStore.open(dir, CIPHER)) {
            store.putScheduleState(new ScheduleRow("r", null, Instant.EPOCH, 0, null, 0));
            assertThat(store.loadScheduleStates()).containsOnlyKeys("r");
        }
    }
}
