package dev.mcr.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.store.ConfigChange;
import dev.mcr.store.ConfigKind;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.mcr.store.sqlite.StoreFixtures.count;
import static dev.mcr.store.sqlite.StoreFixtures.jdbc;
import static org.assertj.core.api.Assertions.assertThat;

class SqliteStoreJournalTest {

    private static final Instant T0 = Instant.parse("2026-11-24T18:00:00Z");

    @TempDir
    Path dir;

    private SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static JournalEntry entry(int n, String runner, String profile, String delivery) {
        return new JournalEntry(0, T0.plusSeconds(n), runner, profile, "Profile " + profile, delivery,
                "Title " + n, "Message " + n, JournalEntry.ERROR.equals(delivery) ? "HTTP 400: bad user " + n : "");
    }

    @Test
    void appended_rows_get_increasing_ids_and_come_back_newest_first_with_every_field() {
        JournalEntry a = store.journal().append(entry(1, "runner_a", "notify_a", JournalEntry.SUCCESS));
        JournalEntry b = store.journal().append(new JournalEntry(0, T0.plusMillis(2500), "runner_b", "notify_b",
                "Büro ✓", JournalEntry.ERROR, "Titel äöü", "Nachricht 🚀\nzweite Zeile", "Network error: timed out"));
        assertThat(b.id()).isGreaterThan(a.id()).isPositive();

        List<JournalEntry> rows = store.journal().query(JournalQuery.newest());
        assertThat(rows).extracting(JournalEntry::id).containsExactly(b.id(), a.id());
        JournalEntry back = rows.get(0);
        assertThat(back.ts()).as("stored to the second, like the original").isEqualTo(T0.plusSeconds(2));
        assertThat(back).usingRecursiveComparison().ignoringFields("ts").isEqualTo(b);
        assertThat(rows.get(1)).isEqualTo(a);
    }

    @Test
    void times_are_stored_in_the_originals_text_format() throws Exception {
        store.journal().append(entry(1, "runner_a", "notify_a", JournalEntry.SUCCESS));
        try (Connection c = jdbc(dir); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ts, error FROM notification_journal")) {
            rs.next();
            assertThat(rs.getString(1)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d");
            assertThat(rs.getString(2)).isEmpty();
        }
    }

    @Test
    void filters_by_runner_profile_and_delivery_combine_and_limit_counts_from_the_newest() {
        store.journal().append(entry(1, "runner_a", "notify_a", JournalEntry.SUCCESS));
        store.journal().append(entry(2, "runner_a", "notify_b", JournalEntry.ERROR));
        store.journal().append(entry(3, "runner_b", "notify_a", JournalEntry.ERROR));
        store.journal().append(entry(4, "runner_a", "notify_a", JournalEntry.ERROR));
        store.journal().append(entry(5, JournalEntry.MANUAL_TEST_RUNNER_ID, "notify_a", JournalEntry.SUCCESS));

        assertThat(messages(new JournalQuery(200, "runner_a", null, null))).containsExactly("Message 4", "Message 2", "Message 1");
        assertThat(messages(new JournalQuery(200, null, "notify_a", null))).containsExactly("Message 5", "Message 4", "Message 3", "Message 1");
        assertThat(messages(new JournalQuery(200, null, null, "error"))).containsExactly("Message 4", "Message 3", "Message 2");
        assertThat(messages(new JournalQuery(200, "runner_a", "notify_a", "error"))).containsExactly("Message 4");
        assertThat(messages(new JournalQuery(200, " runner_b ", null, null))).as("filters are trimmed").containsExactly("Message 3");
        assertThat(messages(new JournalQuery(2, null, null, null))).containsExactly("Message 5", "Message 4");
        assertThat(messages(new JournalQuery(200, "runner_none", null, null))).isEmpty();
        assertThat(messages(new JournalQuery(200, "x' OR '1'='1", null, null))).as("filters are parameters").isEmpty();
    }

    @Test
    void the_journal_keeps_only_the_newest_5000_rows() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= JournalEntry.MAX_ROWS + 3; i++) {
            ids.add(store.journal().append(entry(i, "runner_a", "notify_a", JournalEntry.SUCCESS)).id());
        }
        assertThat(count(dir, "SELECT COUNT(*) FROM notification_journal")).isEqualTo(JournalEntry.MAX_ROWS);
        assertThat(count(dir, "SELECT MIN(id) FROM notification_journal")).isEqualTo(ids.get(3));
        assertThat(count(dir, "SELECT MAX(id) FROM notification_journal")).isEqualTo(ids.get(ids.size() - 1));

        List<JournalEntry> newest = store.journal().query(new JournalQuery(JournalQuery.MAX_LIMIT, null, null, null));
        assertThat(newest).hasSize(JournalQuery.MAX_LIMIT);
        assertThat(newest.get(0).message()).isEqualTo("Message " + (JournalEntry.MAX_ROWS + 3));
        assertThat(newest).extracting(JournalEntry::id).isSortedAccordingTo((x, y) -> Long.compare(y, x));
    }

    @Test
    void clearing_returns_how_many_rows_were_deleted() {
        assertThat(store.journal().clear()).isZero();
        store.journal().append(entry(1, "runner_a", "notify_a", JournalEntry.SUCCESS));
        store.journal().append(entry(2, "runner_a", "notify_a", JournalEntry.ERROR));
        store.journal().append(entry(3, "runner_a", "notify_a", JournalEntry.ERROR));
        assertThat(store.journal().clear()).isEqualTo(3);
        assertThat(store.journal().query(JournalQuery.newest())).isEmpty();
        assertThat(store.journal().clear()).isZero();
    }

    @Test
    void writers_on_several_threads_are_serialized_without_losing_a_row() throws Exception {
        int threads = 4;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "test-journal-writer"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    long version = 0;
                    for (int i = 0; i < perThread; i++) {
                        store.journal().append(entry(i, "runner_" + id, "notify_a", JournalEntry.SUCCESS));
                        if (i % 10 == 0) {
                            // Each writer owns one runner, so its versions are its own to count.
                            ObjectNode s = new ObjectMapper().createObjectNode().put("id", "runner_" + id).put("i", i);
                            version = store.config().commit(List.of(ConfigChange.put(ConfigKind.RUNNER,
                                    "runner_" + id, s.toString(), version))).get(0).version();
                            store.config().load();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(dir, "SELECT COUNT(*) FROM notification_journal")).isEqualTo(threads * perThread);
        assertThat(count(dir, "SELECT COUNT(DISTINCT id) FROM notification_journal")).isEqualTo(threads * perThread);
        assertThat(store.config().load().runners()).hasSize(threads)
                .allSatisfy(r -> assertThat(r.version()).isEqualTo(perThread / 10));
    }

    private List<String> messages(JournalQuery q) {
        return store.journal().query(q).stream().map(JournalEntry::message).toList();
    }
}
