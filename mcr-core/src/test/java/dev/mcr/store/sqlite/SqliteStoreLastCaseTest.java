package dev.mcr.store.sqlite;

import dev.mcr.crypto.LogCapture;
import dev.mcr.store.LastCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteStoreLastCaseTest {


    @TempDir
    Path dir;

    @Test
    void last_cases_survive_a_reopen_and_a_save_replaces_all_of_them() {
        Map<String, LastCase> first = new LinkedHashMap<>();
        first.put("runner_a", new LastCase("NAS is reachable ✓", Instant.parse("2026-11-24T18:00:05Z")));
        first.put("runner_b", new LastCase("(no output)", null));
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.runtime().loadLastCases()).isEmpty();
            store.runtime().saveLastCases(first);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.runtime().loadLastCases()).isEqualTo(first);
            store.runtime().saveLastCases(Map.of("runner_b", new LastCase("later", Instant.parse("2026-11-24T18:10:00Z"))));
            assertThat(store.runtime().loadLastCases())
                    .containsOnlyKeys("runner_b")
                    .containsEntry("runner_b", new LastCase("later", Instant.parse("2026-11-24T18:10:00Z")));
        }
    }

    @Test
    void the_originals_runtime_status_file_is_read_and_our_table_wins_for_the_same_runner() throws Exception {
        Files.writeString(dir.resolve("runtime_status.json"), StoreFixtures.resource("/original-data/runtime_status.json"));
        try (SqliteStore store = SqliteStore.open(dir)) {
            Map<String, LastCase> fromFile = store.runtime().loadLastCases();
            assertThat(fromFile).containsEntry("runner1",
                    new LastCase("Passwort: geheim ✓", Instant.parse("2025-03-11T08:15:02Z")));
            assertThat(fromFile).containsEntry("runner_no_ts", new LastCase("x", null));
            assertThat(fromFile).containsKey("runner_gone");

            store.runtime().saveLastCases(Map.of("runner1", new LastCase("newer", Instant.parse("2026-01-01T00:00:00Z"))));
            assertThat(store.runtime().loadLastCases())
                    .containsEntry("runner1", new LastCase("newer", Instant.parse("2026-01-01T00:00:00Z")))
                    .containsKey("runner_gone");
        }
    }

    @Test
    void an_unreadable_runtime_status_file_is_logged_and_ignored() throws Exception {
        Files.writeString(dir.resolve("runtime_status.json"), "{\"runner1\": {\"last_case\": ");
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.runtime().saveLastCases(Map.of("runner_a", new LastCase("ok", null)));
            AtomicReference<Map<String, LastCase>> result = new AtomicReference<>();
            String log = LogCapture.during(() -> result.set(store.runtime().loadLastCases()));
            assertThat(result.get()).containsOnlyKeys("runner_a");
            assertThat(log).contains("WARN").contains("runtime_status.json");
        }
    }
}
