package dev.mcr.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.McrException;
import dev.mcr.error.VersionConflictException;
import dev.mcr.model.CaseState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do, whatever keeps the data. An implementation's test extends this class and says
 * how to open its store; each test gets fresh, empty storage, and {@link #openStore()} called again opens the same
 * storage (a restart). mcr-core publishes this class in its test jar ({@code <classifier>tests</classifier>}).
 *
 * <pre>{@code
 * class PostgresStoreContractTest extends StoreContract {
 *     protected Store openStore() { return PostgresStore.open(dataSource); }
 * }
 * }</pre>
 */
public abstract class StoreContract {

    private static final Instant T0 = Instant.parse("2026-11-24T18:00:00Z");

    /** The store under test, opened before each test and closed after it. */
    protected Store store;

    /**
     * Opens the store under test on this test's storage: empty at the first call of a test, the same storage at every
     * further call.
     *
     * @return an open store
     * @throws Exception when it cannot be opened
     */
    protected abstract Store openStore() throws Exception;

    @BeforeEach
    void openTheStore() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeTheStore() {
        store.close();
    }

    /** Closes the store and opens it again on the same storage. */
    protected Store reopen() throws Exception {
        store.close();
        store = openStore();
        return store;
    }

    private static String runner(String id, String name) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}";
    }

    private static String profile(String id, int sent, int failures) {
        return "{\"id\":\"" + id + "\",\"name\":\"P\",\"type\":\"pushover\",\"active\":true,\"failure_count\":"
                + failures + ",\"sent_count\":" + sent + ",\"config\":{\"user_key\":\"enc:v1:gAAAAB-token\"}}";
    }

    private List<CommittedChange> commit(ConfigChange... changes) {
        return store.config().commit(List.of(changes));
    }

    private long version(ConfigKind kind, String id) {
        return store.config().load().find(kind, id).map(StoredObject::version).orElse(0L);
    }

    // ------------------------------------------------------------------------------------------- config

    @Test
    void a_new_store_holds_nothing_and_reports_no_foreign_document() {
        StoredConfig cfg = store.config().load();
        assertThat(cfg.isEmpty()).isTrue();
        assertThat(cfg.layout()).isNull();
        assertThat(cfg.extra()).isNull();
        assertThat(store.config().history(ConfigKind.RUNNER, "runner_a", 10)).isEmpty();
        assertThat(store.config().foreignDocument()).isEmpty();
    }

    @Test
    void versions_start_at_one_and_go_up_by_one_per_committed_change() {
        assertThat(commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0)))
                .containsExactly(new CommittedChange(ConfigKind.RUNNER, "runner_a", 1, false));
        assertThat(commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A2"), 1)))
                .containsExactly(new CommittedChange(ConfigKind.RUNNER, "runner_a", 2, false));
        commit(ConfigChange.put(ConfigKind.LAYOUT, "", "[]", 0), ConfigChange.put(ConfigKind.EXTRA, "", "{}", 0));
        commit(ConfigChange.put(ConfigKind.LAYOUT, "", "[{\"type\":\"runner\",\"id\":\"runner_a\"}]", 1));

        StoredConfig cfg = store.config().load();
        assertThat(cfg.runners()).singleElement().satisfies(o -> {
            assertThat(o.version()).isEqualTo(2);
            assertThat(o.json()).isEqualTo(runner("runner_a", "A2"));
        });
        assertThat(cfg.layout().version()).isEqualTo(2);
        assertThat(cfg.extra().version()).isEqualTo(1);
        assertThat(cfg.extra().id()).isEmpty();
    }

    @Test
    void a_change_based_on_a_stale_version_is_refused_and_nothing_of_its_commit_is_written() {
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0),
                ConfigChange.put(ConfigKind.RUNNER, "runner_b", runner("runner_b", "B"), 0));
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A2"), 1));

        assertThatThrownBy(() -> commit(
                ConfigChange.put(ConfigKind.RUNNER, "runner_b", runner("runner_b", "B changed"), 1),
                ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "stale"), 1)))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.kind()).isEqualTo("runner");
                    assertThat(e.id()).isEqualTo("runner_a");
                    assertThat(e.expectedVersion()).isEqualTo(1);
                    assertThat(e.currentVersion()).isEqualTo(2);
                });
        assertThatThrownBy(() -> commit(ConfigChange.put(ConfigKind.RUNNER, "runner_b", runner("runner_b", "x"), 0)))
                .as("0 means: must not exist yet").isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> commit(ConfigChange.delete(ConfigKind.RUNNER, "runner_a", 1)))
                .isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> commit(ConfigChange.delete(ConfigKind.RUNNER, "runner_none", 1)))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> assertThat(e.currentVersion()).isZero());
        assertThatThrownBy(() -> commit(ConfigChange.put(ConfigKind.LAYOUT, "", "[]", 3)))
                .isInstanceOf(VersionConflictException.class);

        StoredConfig cfg = store.config().load();
        assertThat(cfg.find(ConfigKind.RUNNER, "runner_b").orElseThrow().json()).isEqualTo(runner("runner_b", "B"));
        assertThat(cfg.find(ConfigKind.RUNNER, "runner_b").orElseThrow().version()).isEqualTo(1);
        assertThat(cfg.find(ConfigKind.RUNNER, "runner_a").orElseThrow().json()).isEqualTo(runner("runner_a", "A2"));
        assertThat(store.config().history(ConfigKind.RUNNER, "runner_b", 10)).hasSize(1);
        assertThat(cfg.layout()).isNull();
    }

    @Test
    void a_commit_of_several_objects_of_several_kinds_is_applied_as_a_whole() {
        List<CommittedChange> done = commit(
                ConfigChange.put(ConfigKind.PROFILE, "notify_a", profile("notify_a", 0, 0), 0),
                ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0),
                ConfigChange.put(ConfigKind.GROUP, "group_a", "{\"id\":\"group_a\",\"runner_ids\":[\"runner_a\"]}", 0),
                ConfigChange.put(ConfigKind.LAYOUT, "", "[{\"type\":\"group\",\"id\":\"group_a\"}]", 0));
        assertThat(done).extracting(CommittedChange::kind).containsExactly(ConfigKind.PROFILE, ConfigKind.RUNNER,
                ConfigKind.GROUP, ConfigKind.LAYOUT);
        StoredConfig cfg = store.config().load();
        assertThat(cfg.profiles()).hasSize(1);
        assertThat(cfg.runners()).hasSize(1);
        assertThat(cfg.groups()).hasSize(1);
        assertThat(cfg.layout().json()).isEqualTo("[{\"type\":\"group\",\"id\":\"group_a\"}]");

        List<CommittedChange> second = commit(
                ConfigChange.delete(ConfigKind.GROUP, "group_a", 1),
                ConfigChange.put(ConfigKind.RUNNER, "runner_b", runner("runner_b", "B"), 0),
                ConfigChange.put(ConfigKind.LAYOUT, "", "[]", 1));
        assertThat(second).containsExactly(new CommittedChange(ConfigKind.GROUP, "group_a", 2, true),
                new CommittedChange(ConfigKind.RUNNER, "runner_b", 1, false),
                new CommittedChange(ConfigKind.LAYOUT, "", 2, false));
        assertThat(store.config().load().groups()).isEmpty();
        assertThat(store.config().load().runners()).hasSize(2);
    }

    @Test
    void history_lists_every_version_newest_first_and_keeps_at_least_the_newest_hundred() {
        for (int v = 0; v < ConfigStore.HISTORY_LIMIT + 5; v++) {
            commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "v" + (v + 1)), v));
        }
        List<ObjectVersion> all = store.config().history(ConfigKind.RUNNER, "runner_a", 1000);
        assertThat(all).hasSizeBetween(ConfigStore.HISTORY_LIMIT, ConfigStore.HISTORY_LIMIT + 5);
        assertThat(all.get(0).version()).isEqualTo(ConfigStore.HISTORY_LIMIT + 5);
        assertThat(all.get(0).json()).isEqualTo(runner("runner_a", "v105"));
        assertThat(all.get(ConfigStore.HISTORY_LIMIT - 1).json()).isEqualTo(runner("runner_a", "v6"));
        assertThat(all).extracting(ObjectVersion::version).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(all).allSatisfy(v -> {
            assertThat(v.deleted()).isFalse();
            assertThat(v.committedAt()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
        });
        assertThat(store.config().history(ConfigKind.RUNNER, "runner_a", 3)).extracting(ObjectVersion::version)
                .containsExactly(105L, 104L, 103L);
        assertThat(store.config().history(ConfigKind.RUNNER, "runner_b", 3)).isEmpty();
    }

    @Test
    void a_deletion_leaves_a_tombstone_and_a_new_object_with_the_same_id_continues_its_versions() {
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0));
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A2"), 1));
        assertThat(commit(ConfigChange.delete(ConfigKind.RUNNER, "runner_a", 2)))
                .containsExactly(new CommittedChange(ConfigKind.RUNNER, "runner_a", 3, true));
        assertThat(store.config().load().runners()).isEmpty();
        List<ObjectVersion> history = store.config().history(ConfigKind.RUNNER, "runner_a", 10);
        assertThat(history).extracting(ObjectVersion::version).containsExactly(3L, 2L, 1L);
        assertThat(history.get(0).deleted()).isTrue();
        assertThat(history.get(0).json()).isNull();
        assertThat(history.get(1).json()).isEqualTo(runner("runner_a", "A2"));

        assertThatThrownBy(() -> commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "x"), 3)))
                .as("a deleted object does not exist").isInstanceOf(VersionConflictException.class);
        assertThat(commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "again"), 0)))
                .containsExactly(new CommittedChange(ConfigKind.RUNNER, "runner_a", 4, false));
    }

    @Test
    void each_kind_keeps_its_order_and_an_order_change_moves_objects_without_new_versions() {
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_c", runner("runner_c", "C"), 0),
                ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0),
                ConfigChange.put(ConfigKind.RUNNER, "runner_b", runner("runner_b", "B"), 0),
                ConfigChange.put(ConfigKind.GROUP, "group_z", "{\"id\":\"group_z\"}", 0),
                ConfigChange.put(ConfigKind.GROUP, "group_y", "{\"id\":\"group_y\"}", 0));
        assertThat(store.config().load().runners()).extracting(StoredObject::id)
                .containsExactly("runner_c", "runner_a", "runner_b");
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_d", runner("runner_d", "D"), 0));
        assertThat(store.config().load().runners()).as("new objects go last").extracting(StoredObject::id)
                .containsExactly("runner_c", "runner_a", "runner_b", "runner_d");

        assertThat(commit(ConfigChange.order(ConfigKind.RUNNER, List.of("runner_b", "runner_unknown", "runner_c"))))
                .isEmpty();
        StoredConfig cfg = store.config().load();
        assertThat(cfg.runners()).as("listed first, the others after in their order").extracting(StoredObject::id)
                .containsExactly("runner_b", "runner_c", "runner_a", "runner_d");
        assertThat(cfg.runners()).extracting(StoredObject::version).containsOnly(1L);
        assertThat(cfg.groups()).extracting(StoredObject::id).containsExactly("group_z", "group_y");
    }

    @Test
    void counters_are_set_in_place_without_a_new_version_and_a_put_of_a_profile_sets_them_from_its_document() {
        commit(ConfigChange.put(ConfigKind.PROFILE, "notify_a", profile("notify_a", 2, 1), 0));
        assertThat(store.config().load().counters()).containsEntry("notify_a", new ProfileCounters("notify_a", 2, 1));

        assertThat(store.config().setCounters("notify_a", 3, 0)).isTrue();
        assertThat(store.config().setCounters("notify_none", 3, 0)).isFalse();
        StoredConfig cfg = store.config().load();
        assertThat(cfg.counters()).containsEntry("notify_a", new ProfileCounters("notify_a", 3, 0));
        StoredObject p = cfg.profiles().get(0);
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.json()).as("the document carries the current counters").contains("\"sent_count\":3")
                .contains("\"failure_count\":0").contains("enc:v1:gAAAAB-token");
        assertThat(store.config().history(ConfigKind.PROFILE, "notify_a", 10)).hasSize(1);

        commit(ConfigChange.put(ConfigKind.PROFILE, "notify_a", profile("notify_a", 9, 2), 1));
        assertThat(store.config().load().counters()).containsEntry("notify_a", new ProfileCounters("notify_a", 9, 2));
    }

    @Test
    void documents_come_back_as_they_were_given() {
        String doc = "{\"id\":\"runner_a\",\"name\":\"Grüße 🚀 \\\"quoted\\\"\",\"cases\":[{\"id\":\"case_1\"}],"
                + "\"n\":1.5,\"token\":\"enc:v1:gAAAAABn-opaque\"}";
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", doc, 0));
        assertThat(store.config().load().runners().get(0).json()).isEqualTo(doc);
        assertThat(store.config().history(ConfigKind.RUNNER, "runner_a", 1).get(0).json()).isEqualTo(doc);
    }

    @Test
    void a_rewrite_of_the_documents_reaches_the_current_ones_and_their_history_without_new_versions() {
        commit(ConfigChange.put(ConfigKind.PROFILE, "notify_a", profile("notify_a", 2, 1), 0));
        commit(ConfigChange.put(ConfigKind.PROFILE, "notify_a", profile("notify_a", 3, 1).replace("\"P\"", "\"Q\""), 1));
        commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0));
        commit(ConfigChange.delete(ConfigKind.RUNNER, "runner_a", 1));
        List<String> seen = new ArrayList<>();

        int changed = store.config().rewriteDocuments((kind, id, current, json) -> {
            seen.add(kind.json() + ":" + id + ":" + current);
            return json.replace("enc:v1:gAAAAB-token", "enc:v1:gAAAAB-renewed");
        });

        assertThat(changed).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrder("profile:notify_a:true", "profile:notify_a:false",
                "profile:notify_a:false", "runner:runner_a:false");
        StoredConfig cfg = store.config().load();
        assertThat(cfg.profiles()).singleElement().satisfies(o -> {
            assertThat(o.version()).isEqualTo(2);
            assertThat(o.json()).contains("enc:v1:gAAAAB-renewed").contains("\"Q\"");
        });
        assertThat(cfg.counters()).containsEntry("notify_a", new ProfileCounters("notify_a", 3, 1));
        assertThat(store.config().history(ConfigKind.PROFILE, "notify_a", 10))
                .extracting(ObjectVersion::json).allMatch(j -> j.contains("enc:v1:gAAAAB-renewed"));
        assertThat(store.config().history(ConfigKind.RUNNER, "runner_a", 10)).hasSize(2);
        assertThat(store.config().foreignDocument()).as("the store's own whole-state document follows").isEmpty();
    }

    @Test
    void a_rewrite_that_fails_half_way_writes_nothing() {
        commit(ConfigChange.put(ConfigKind.PROFILE, "notify_a", profile("notify_a", 2, 1), 0));
        commit(ConfigChange.put(ConfigKind.PROFILE, "notify_b", profile("notify_b", 2, 1), 0));
        int[] calls = {0};
        assertThatThrownBy(() -> store.config().rewriteDocuments((kind, id, current, json) -> {
            if (++calls[0] == 2) {
                throw new IllegalStateException("the second document cannot be rewritten");
            }
            return json.replace("gAAAAB-token", "gAAAAB-renewed");
        })).hasMessageContaining("second document");
        assertThat(store.config().load().profiles()).extracting(StoredObject::json)
                .allMatch(j -> j.contains("enc:v1:gAAAAB-token"));
        assertThat(store.config().history(ConfigKind.PROFILE, "notify_a", 10)).extracting(ObjectVersion::json)
                .allMatch(j -> j.contains("enc:v1:gAAAAB-token"));
    }

    // ------------------------------------------------------------------------------------------ journal

    private static JournalEntry entry(int n, String runner, String profile, String delivery) {
        return new JournalEntry(0, T0.plusSeconds(n), runner, profile, "Profile " + profile, delivery,
                "Title " + n, "Message " + n, JournalEntry.ERROR.equals(delivery) ? "HTTP 400: bad user " + n : "");
    }

    @Test
    void the_journal_gives_increasing_ids_filters_and_lists_newest_first() {
        JournalEntry a = store.journal().append(entry(1, "runner_a", "notify_a", JournalEntry.SUCCESS));
        JournalEntry b = store.journal().append(entry(2, "runner_a", "notify_b", JournalEntry.ERROR));
        JournalEntry c = store.journal().append(entry(3, "runner_b", "notify_a", JournalEntry.ERROR));
        assertThat(b.id()).isGreaterThan(a.id());
        assertThat(c.id()).isGreaterThan(b.id());
        assertThat(store.journal().query(JournalQuery.newest())).extracting(JournalEntry::id)
                .containsExactly(c.id(), b.id(), a.id());
        assertThat(store.journal().query(JournalQuery.newest()).get(2)).isEqualTo(a);
        assertThat(store.journal().query(new JournalQuery(200, "runner_a", null, "error")))
                .extracting(JournalEntry::message).containsExactly("Message 2");
        assertThat(store.journal().query(new JournalQuery(200, null, "notify_a", null)))
                .extracting(JournalEntry::message).containsExactly("Message 3", "Message 1");
        assertThat(store.journal().query(new JournalQuery(1, null, null, null))).hasSize(1);
        assertThat(store.journal().clear()).isEqualTo(3);
        assertThat(store.journal().query(JournalQuery.newest())).isEmpty();
    }

    @Test
    void the_journal_keeps_the_newest_5000_rows() {
        for (int i = 1; i <= 3; i++) {
            store.journal().append(entry(i, "runner_old", "notify_a", JournalEntry.SUCCESS));
        }
        for (int i = 1; i <= JournalEntry.MAX_ROWS; i++) {
            store.journal().append(entry(i, "runner_new", "notify_a", JournalEntry.SUCCESS));
        }
        assertThat(store.journal().query(new JournalQuery(10, "runner_old", null, null))).isEmpty();
        List<JournalEntry> newest = store.journal().query(new JournalQuery(JournalQuery.MAX_LIMIT, null, null, null));
        assertThat(newest).hasSize(JournalQuery.MAX_LIMIT);
        assertThat(newest.get(0).message()).isEqualTo("Message " + JournalEntry.MAX_ROWS);
        assertThat(store.journal().clear()).isEqualTo(JournalEntry.MAX_ROWS);
    }

    // ------------------------------------------------------------------------------------------ runtime

    @Test
    void last_cases_are_replaced_as_a_whole() {
        Map<String, LastCase> first = new LinkedHashMap<>();
        first.put("runner_a", new LastCase("NAS is reachable ✓", Instant.parse("2026-11-24T18:00:05Z")));
        first.put("runner_b", new LastCase("(no output)", null));
        store.runtime().saveLastCases(first);
        assertThat(store.runtime().loadLastCases()).isEqualTo(first);
        store.runtime().saveLastCases(Map.of("runner_b", new LastCase("later", T0)));
        assertThat(store.runtime().loadLastCases()).containsExactly(Map.entry("runner_b", new LastCase("later", T0)));
    }

    @Test
    void live_runs_are_recorded_with_their_owner_and_forgotten_when_they_end() {
        LiveRun a = new LiveRun("run_a", "runner_a", null, 4242, Instant.parse("2026-11-24T17:00:00Z"), T0);
        LiveRun b = new LiveRun("run_b", "runner_b", 77L, 4242, null, T0.plusSeconds(1));
        store.runtime().recordLiveRun(a, List.of());
        store.runtime().recordLiveRun(b, List.of("run_unknown"));
        assertThat(store.runtime().liveRuns()).containsExactly(a, b);
        store.runtime().recordLiveRun(new LiveRun("run_c", "runner_a", null, 4242, null, T0.plusSeconds(2)),
                List.of("run_a"));
        assertThat(store.runtime().liveRuns()).extracting(LiveRun::runId).containsExactly("run_b", "run_c");
        store.runtime().removeLiveRuns(List.of("run_b", "run_c"));
        assertThat(store.runtime().liveRuns()).isEmpty();
    }

    @Test
    void schedule_states_are_put_replaced_deleted_and_loaded_in_runner_order() {
        ScheduleState b = new ScheduleState("runner_b", Instant.parse("2026-11-24T17:00:00.123Z"),
                Instant.parse("2026-11-24T18:00:02.500Z"), 7, null, 2);
        ScheduleState a = new ScheduleState("runner_a", null, Instant.parse("2026-11-24T18:00:00Z"), 0, 3, 0);
        store.runtime().putScheduleState(b);
        store.runtime().putScheduleState(a);
        assertThat(store.runtime().loadScheduleStates()).containsExactly(a, b);

        ScheduleState b2 = new ScheduleState("runner_b", b.sessionStartedAt(), b.nextDueAt().plusSeconds(2), 8, null,
                0);
        store.runtime().putScheduleState(b2);
        store.runtime().deleteScheduleState("runner_a");
        store.runtime().deleteScheduleState("runner_unknown");
        assertThat(store.runtime().loadScheduleStates()).containsExactly(b2);
    }

    @Test
    void alert_states_are_put_replaced_deleted_and_loaded_in_runner_order_with_every_part() {
        AlertState b = new AlertState("runner_b", "ann", Instant.parse("2026-11-24T17:00:00.123Z"), "DOWN",
                Instant.parse("2026-11-24T19:00:00Z"), null, null);
        AlertState a = new AlertState("runner_a", null, null, null, null, Instant.parse("2026-11-24T18:10:00Z"),
                "disk down");
        store.runtime().putAlertState(b);
        store.runtime().putAlertState(a);
        assertThat(store.runtime().loadAlertStates()).containsExactly(a, b);

        AlertState b2 = new AlertState("runner_b", null, null, null, b.snoozedUntil(), null, null, true);
        store.runtime().putAlertState(b2);
        store.runtime().deleteAlertState("runner_a");
        store.runtime().deleteAlertState("runner_unknown");
        assertThat(store.runtime().loadAlertStates()).containsExactly(b2);
    }

    // ------------------------------------------------------------------------------------------- runs

    private static String runId(int n) {
        return String.format("run_%04d", n);
    }

    private static RunRecord startedRun(int n, String runnerId, String groupId, Instant at) {
        return RunRecord.started(runId(n), runnerId, "Name of " + runnerId, groupId,
                groupId == null ? RunRecord.MANUAL : RunRecord.GROUP, null, "node-a", at, 1);
    }

    private static RunRecord endedRun(int n, String runnerId, Instant at, int exit, long bytes) {
        return startedRun(n, runnerId, null, at).ended(at.plusSeconds(2), exit, false, false, "msg " + n,
                CaseState.WARN, CaseState.DOWN, 3, bytes);
    }

    private static final RunRetention KEEP_ALL = new RunRetention(1000, Duration.ofDays(3650), 1L << 40);

    @Test
    void a_run_record_is_written_at_the_start_and_completed_at_the_end_with_every_field() throws Exception {
        RunRecord started = startedRun(1, "runner_a", "group_g", T0);
        store.runs().started(started);
        assertThat(store.runs().find(runId(1))).contains(started);
        assertThat(store.runs().find(runId(1)).orElseThrow().outcome()).isEqualTo(RunRecord.RUNNING);

        RunRecord ended = started.ended(T0.plusMillis(1500), 3, false, false, "disk full", CaseState.DOWN,
                CaseState.DOWN, 12, 345);
        assertThat(store.runs().ended(ended, KEEP_ALL, T0)).isEmpty();
        assertThat(reopen().runs().find(runId(1))).contains(ended);
        RunRecord back = store.runs().find(runId(1)).orElseThrow();
        assertThat(back.durationMs()).isEqualTo(1500);
        assertThat(back.outcome()).isEqualTo(RunRecord.FAILURE);
        assertThat(back.groupId()).isEqualTo("group_g");
        assertThat(back.attempt()).isEqualTo(1);
        assertThat(store.runs().find("run_none")).isEmpty();
    }

    @Test
    void runs_are_listed_newest_first_by_filter_and_a_cursor_page_stays_put_while_new_runs_arrive() {
        for (int n = 1; n <= 5; n++) {
            store.runs().ended(endedRun(n, n % 2 == 0 ? "runner_even" : "runner_odd", T0.plusSeconds(n), n % 3, 10),
                    KEEP_ALL, T0);
        }
        List<RunRecord> first = store.runs().query(RunQuery.newest(2));
        assertThat(first).extracting(RunRecord::runId).containsExactly(runId(5), runId(4));
        store.runs().started(startedRun(6, "runner_odd", null, T0.plusSeconds(6)));
        assertThat(store.runs().query(RunQuery.newest(2).before(runId(4)))).extracting(RunRecord::runId)
                .containsExactly(runId(3), runId(2));
        assertThat(store.runs().query(RunQuery.newest(10).runner("runner_odd"))).extracting(RunRecord::runId)
                .containsExactly(runId(6), runId(5), runId(3), runId(1));
        assertThat(store.runs().query(new RunQuery(null, null, RunRecord.SUCCESS, null, null, 10)))
                .extracting(RunRecord::runId).containsExactly(runId(3));
        assertThat(store.runs().query(new RunQuery(null, null, RunRecord.RUNNING, null, null, 10)))
                .extracting(RunRecord::runId).containsExactly(runId(6));
        assertThat(store.runs().query(new RunQuery(null, null, null, CaseState.DOWN, null, 10))).hasSize(5);
        store.runs().started(startedRun(7, "runner_x", "group_g", T0));
        assertThat(store.runs().query(new RunQuery(null, "group_g", null, null, null, 10)))
                .extracting(RunRecord::runId).containsExactly(runId(7));
        assertThat(store.runs().since("runner_even", T0.plusSeconds(3))).extracting(RunRecord::runId)
                .containsExactly(runId(4));
    }

    @Test
    void the_newest_runs_of_each_runner_are_listed_newest_first_in_the_order_of_the_runners_asked_for() {
        int n = 0;
        for (int i = 0; i < 5; i++) {
            store.runs().ended(endedRun(++n, "runner_a", T0.plusSeconds(n), 0, 1), KEEP_ALL, T0);
            store.runs().ended(endedRun(++n, "runner_b", T0.plusSeconds(n), 1, 1), KEEP_ALL, T0);
        }
        store.runs().started(startedRun(++n, "runner_b", null, T0.plusSeconds(n)));
        store.runs().ended(endedRun(++n, "runner_c", T0.plusSeconds(n), 0, 1), KEEP_ALL, T0);

        var newest = store.runs().newestPerRunner(List.of("runner_b", "runner_none", "runner_a"), 3);
        assertThat(newest.keySet()).containsExactly("runner_b", "runner_a");
        assertThat(newest.get("runner_b")).extracting(RunRecord::runId)
                .containsExactly(runId(11), runId(10), runId(8));
        assertThat(newest.get("runner_b").get(0).outcome()).isEqualTo(RunRecord.RUNNING);
        assertThat(newest.get("runner_a")).extracting(RunRecord::runId).containsExactly(runId(9), runId(7), runId(5));
        assertThat(newest.get("runner_a").get(0)).isEqualTo(store.runs().find(runId(9)).orElseThrow());
        assertThat(store.runs().newestPerRunner(List.of("runner_c"), 50).get("runner_c")).hasSize(1);
        assertThat(store.runs().newestPerRunner(List.of(), 50)).isEmpty();
    }

    @Test
    void runs_left_open_are_closed_as_lost_except_those_another_live_server_runs() throws Exception {
        store.runs().started(startedRun(1, "runner_a", null, T0));
        store.runs().started(startedRun(2, "runner_b", null, T0));
        store.runs().ended(endedRun(3, "runner_c", T0, 0, 5), KEEP_ALL, T0);
        Instant later = T0.plusSeconds(60);
        List<RunRecord> closed = reopen().runs().closeLost(List.of(runId(2)), later);
        assertThat(closed).extracting(RunRecord::runId).containsExactly(runId(1));
        RunRecord lost = store.runs().find(runId(1)).orElseThrow();
        assertThat(lost.outcome()).isEqualTo(RunRecord.LOST);
        assertThat(lost.finishedTs()).isEqualTo(later);
        assertThat(lost.exitCode()).isNull();
        assertThat(store.runs().find(runId(2)).orElseThrow().outcome()).isEqualTo(RunRecord.RUNNING);
        assertThat(store.runs().find(runId(3)).orElseThrow().outcome()).isEqualTo(RunRecord.SUCCESS);
        store.runs().outputFound(runId(1), 4, 40);
        assertThat(store.runs().find(runId(1)).orElseThrow().outputBytes()).isEqualTo(40);
    }

    @Test
    void retention_keeps_the_newest_runs_per_runner_and_deletes_the_older_ones() {
        RunRetention keepTwo = new RunRetention(2, Duration.ofDays(3650), 1L << 40);
        List<String> gone = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            gone.addAll(store.runs().ended(endedRun(n, "runner_a", T0.plusSeconds(n), 0, 10), keepTwo, T0));
        }
        gone.addAll(store.runs().ended(endedRun(5, "runner_b", T0, 0, 10), keepTwo, T0));
        assertThat(gone).containsExactly(runId(1), runId(2));
        assertThat(store.runs().query(RunQuery.newest(10))).extracting(RunRecord::runId)
                .containsExactly(runId(5), runId(4), runId(3));
        assertThat(store.runs().find(runId(1))).isEmpty();
    }

    @Test
    void retention_deletes_runs_older_than_the_age_bound() {
        RunRetention week = new RunRetention(1000, Duration.ofDays(7), 1L << 40);
        store.runs().ended(endedRun(1, "runner_a", T0.minus(Duration.ofDays(8)), 0, 10), KEEP_ALL, T0);
        store.runs().ended(endedRun(2, "runner_a", T0.minus(Duration.ofDays(6)), 0, 10), KEEP_ALL, T0);
        assertThat(store.runs().prune(week, T0)).containsExactly(runId(1));
        assertThat(store.runs().ended(endedRun(3, "runner_a", T0, 0, 10), week, T0.plusSeconds(86400 + 1)))
                .containsExactly(runId(2));
        assertThat(store.runs().query(RunQuery.newest(10))).extracting(RunRecord::runId).containsExactly(runId(3));
    }

    @Test
    void retention_drops_the_oldest_output_first_when_the_total_exceeds_the_bound_and_keeps_the_records() throws Exception {
        RunRetention small = new RunRetention(1000, Duration.ofDays(3650), 250);
        assertThat(store.runs().ended(endedRun(1, "runner_a", T0, 0, 100), small, T0)).isEmpty();
        assertThat(store.runs().ended(endedRun(2, "runner_b", T0, 0, 100), small, T0)).isEmpty();
        assertThat(store.runs().ended(endedRun(3, "runner_a", T0, 0, 100), small, T0)).containsExactly(runId(1));
        assertThat(store.runs().find(runId(1)).orElseThrow().outputKept()).isFalse();
        assertThat(store.runs().find(runId(1)).orElseThrow().outputBytes()).as("the record still says how much")
                .isEqualTo(100);
        // The total is known again after a restart.
        assertThat(reopen().runs().ended(endedRun(4, "runner_a", T0, 0, 60), small, T0)).containsExactly(runId(2));
        assertThat(store.runs().query(RunQuery.newest(10)).stream().filter(RunRecord::outputKept)
                .mapToLong(RunRecord::outputBytes).sum()).isEqualTo(160);
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Test
    void closing_twice_is_harmless_and_a_closed_store_refuses_work_with_a_sentence() {
        store.close();
        store.close();
        assertThatThrownBy(() -> store.config().load()).isInstanceOf(McrException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> commit(ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0)))
                .isInstanceOf(McrException.class);
        assertThatThrownBy(() -> store.journal().append(entry(1, "r", "p", JournalEntry.SUCCESS)))
                .isInstanceOf(McrException.class);
        assertThatThrownBy(() -> store.runtime().liveRuns()).isInstanceOf(McrException.class);
    }

    @Test
    void a_reopened_store_holds_everything_that_was_committed() throws Exception {
        commit(ConfigChange.put(ConfigKind.PROFILE, "notify_a", profile("notify_a", 0, 0), 0),
                ConfigChange.put(ConfigKind.RUNNER, "runner_b", runner("runner_b", "B"), 0),
                ConfigChange.put(ConfigKind.RUNNER, "runner_a", runner("runner_a", "A"), 0),
                ConfigChange.put(ConfigKind.LAYOUT, "", "[]", 0),
                ConfigChange.put(ConfigKind.EXTRA, "", "{\"k\":1}", 0));
        commit(ConfigChange.delete(ConfigKind.RUNNER, "runner_b", 1));
        store.config().setCounters("notify_a", 5, 1);
        JournalEntry row = store.journal().append(entry(1, "runner_a", "notify_a", JournalEntry.SUCCESS));
        store.runtime().saveLastCases(Map.of("runner_a", new LastCase("up", T0)));
        ScheduleState s = new ScheduleState("runner_a", T0, T0.plusSeconds(5), 1, null, 0);
        store.runtime().putScheduleState(s);
        StoredConfig before = store.config().load();
        List<ObjectVersion> historyBefore = new ArrayList<>(store.config().history(ConfigKind.RUNNER, "runner_b", 10));

        reopen();
        assertThat(store.config().load()).isEqualTo(before);
        assertThat(store.config().history(ConfigKind.RUNNER, "runner_b", 10)).isEqualTo(historyBefore);
        assertThat(store.journal().query(JournalQuery.newest())).containsExactly(row);
        assertThat(store.runtime().loadLastCases()).containsEntry("runner_a", new LastCase("up", T0));
        assertThat(store.runtime().loadScheduleStates()).containsExactly(s);
        assertThat(store.config().foreignDocument()).isEmpty();
        assertThat(version(ConfigKind.RUNNER, "runner_a")).isEqualTo(1);
        assertThat(commit(ConfigChange.put(ConfigKind.RUNNER, "runner_b", runner("runner_b", "B"), 0)))
                .containsExactly(new CommittedChange(ConfigKind.RUNNER, "runner_b", 3, false));
    }

    // ------------------------------------------------------------------------------------------ users

    private static UserRecord user(String name, String role) {
        return new UserRecord(name, name.toUpperCase(java.util.Locale.ROOT), role, "pbkdf2$hash-of-" + name, T0, null,
                false);
    }

    @Test
    void users_are_added_once_changed_listed_by_name_and_deleted_with_their_sessions_and_tokens() {
        UserStore users = store.users();
        assertThat(users.userCount()).isZero();
        assertThat(users.insertUser(user("zoe", "viewer"))).isTrue();
        assertThat(users.insertUser(user("ann", "admin"))).isTrue();
        assertThat(users.insertUser(user("ann", "viewer"))).as("a second user of the same name").isFalse();
        assertThat(users.user("ann")).contains(user("ann", "admin"));
        assertThat(users.users()).extracting(UserRecord::name).containsExactly("ann", "zoe");

        UserRecord changed = new UserRecord("zoe", "Zoe Z", "editor", "pbkdf2$new", T0, T0.plusSeconds(9), true);
        assertThat(users.updateUser(changed)).isTrue();
        assertThat(users.user("zoe")).contains(changed);
        assertThat(users.updateUser(user("nobody", "viewer"))).isFalse();

        users.insertSession(new SessionRecord("s1", "hash1", "zoe", T0, T0, "127.0.0.1", "ua"));
        users.insertToken(new TokenRecord("t1", "ci", "zoe", "viewer", "thash1", T0, null, null));
        assertThat(users.deleteUser("zoe")).isTrue();
        assertThat(users.deleteUser("zoe")).isFalse();
        assertThat(users.sessionByHash("hash1")).isEmpty();
        assertThat(users.tokenByHash("thash1")).isEmpty();
        assertThat(users.userCount()).isEqualTo(1);
    }

    @Test
    void sessions_are_found_by_their_hash_touched_listed_per_user_and_revoked() {
        UserStore users = store.users();
        SessionRecord a = new SessionRecord("s1", "hash1", "ann", T0, T0, "127.0.0.1", "ua");
        SessionRecord b = new SessionRecord("s2", "hash2", "ann", T0.plusSeconds(1), T0.plusSeconds(1), "::1", "");
        SessionRecord c = new SessionRecord("s3", "hash3", "bob", T0, T0, "10.0.0.1", "x");
        users.insertSession(a);
        users.insertSession(b);
        users.insertSession(c);
        assertThat(users.sessionByHash("hash2")).contains(b);
        assertThat(users.sessionByHash("s2")).as("found by the hash only, not by the public id").isEmpty();
        users.touchSession("s1", T0.plusSeconds(60));
        assertThat(users.sessionByHash("hash1").orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(60));
        assertThat(users.sessions("ann")).extracting(SessionRecord::id).containsExactly("s2", "s1");
        assertThat(users.sessions(null)).hasSize(3);
        assertThat(users.deleteSession("s2")).isTrue();
        assertThat(users.deleteSession("s2")).isFalse();
        assertThat(users.deleteSessionsOf("ann")).isEqualTo(1);
        assertThat(users.sessions(null)).containsExactly(c);
    }

    @Test
    void tokens_are_found_by_their_hash_touched_listed_and_deleted() {
        UserStore users = store.users();
        TokenRecord t = new TokenRecord("t1", "ci", "ann", "operator", "thash", T0, T0.plusSeconds(3600), null);
        users.insertToken(t);
        users.insertToken(new TokenRecord("t2", "other", "bob", "viewer", "thash2", T0.plusSeconds(1), null, null));
        assertThat(users.tokenByHash("thash")).contains(t);
        users.touchToken("t1", T0.plusSeconds(5));
        assertThat(users.tokenByHash("thash").orElseThrow().lastUsed()).isEqualTo(T0.plusSeconds(5));
        assertThat(users.tokens("ann")).extracting(TokenRecord::id).containsExactly("t1");
        assertThat(users.tokens(null)).extracting(TokenRecord::id).containsExactly("t2", "t1");
        assertThat(users.deleteToken("t1")).isTrue();
        assertThat(users.deleteToken("t1")).isFalse();
        assertThat(users.tokenByHash("thash")).isEmpty();
    }

    @Test
    void failed_logins_are_counted_per_key_replaced_and_cleared() {
        UserStore users = store.users();
        assertThat(users.loginFailures("user:ann")).isEqualTo(new LoginFailures("user:ann", 0, null));
        users.putLoginFailures(new LoginFailures("user:ann", 5, T0));
        users.putLoginFailures(new LoginFailures("addr:::1", 2, null));
        users.putLoginFailures(new LoginFailures("user:ann", 6, T0.plusSeconds(2)));
        assertThat(users.loginFailures("user:ann")).isEqualTo(new LoginFailures("user:ann", 6, T0.plusSeconds(2)));
        users.clearLoginFailures(List.of("user:ann", "addr:::1"));
        assertThat(users.loginFailures("user:ann").count()).isZero();
        assertThat(users.loginFailures("addr:::1").count()).isZero();
    }

    // ------------------------------------------------------------------------------------------ audit

    private static AuditEntry audit(Instant ts, String actor, String action, String target) {
        return AuditEntry.of(ts, actor, "127.0.0.1", "curl", action, target, target + " name", "ok", 200,
                "name: a \u2192 b");
    }

    @Test
    void audit_rows_are_chained_by_hash_and_listed_newest_first_with_filters() {
        AuditStore log = store.audit();
        AuditEntry first = log.append(audit(T0, "ann", "runner.update", "runner_a"));
        AuditEntry second = log.append(audit(T0.plusSeconds(1), "bob", "runner.run", "runner_b"));
        AuditEntry third = log.append(audit(T0.plusSeconds(2), "ann", "runner.run", "runner_a"));
        assertThat(first.id()).isEqualTo(1);
        assertThat(first.prevHash()).isEmpty();
        assertThat(first.hash()).isEqualTo(first.computeHash(""));
        assertThat(second.id()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(third.hash()).isEqualTo(third.computeHash(second.hash()));

        assertThat(log.query(new AuditQuery(10, null, null, null))).containsExactly(third, second, first);
        assertThat(log.query(new AuditQuery(10, "ann", null, null))).containsExactly(third, first);
        assertThat(log.query(new AuditQuery(10, null, "runner.run", null))).containsExactly(third, second);
        assertThat(log.query(new AuditQuery(10, null, null, "runner_b name"))).containsExactly(second);
        assertThat(log.query(new AuditQuery(1, null, null, null))).containsExactly(third);
        assertThat(log.chain(1, 10)).containsExactly(second, third);
    }

    @Test
    void pruning_deletes_old_rows_from_the_beginning_and_the_anchor_continues_the_chain() throws Exception {
        AuditStore log = store.audit();
        log.append(audit(T0, "ann", "a.one", "x"));
        AuditEntry second = log.append(audit(T0.plusSeconds(10), "ann", "a.two", "x"));
        AuditEntry third = log.append(audit(T0.plusSeconds(20), "ann", "a.three", "x"));
        assertThat(log.anchor()).isEmpty();
        assertThat(log.prune(T0.plusSeconds(15), T0.plusSeconds(30))).isEqualTo(2);
        assertThat(log.prune(T0.plusSeconds(15), T0.plusSeconds(30))).isZero();
        assertThat(log.anchor()).contains(new AuditAnchor(2, second.hash(), T0.plusSeconds(30)));
        assertThat(log.chain(0, 10)).containsExactly(third);

        log.prune(T0.plusSeconds(25), T0.plusSeconds(40));
        reopen();
        AuditEntry fourth = store.audit().append(audit(T0.plusSeconds(50), "ann", "a.four", "x"));
        assertThat(fourth.id()).as("ids continue after an emptied log").isEqualTo(4);
        assertThat(fourth.prevHash()).isEqualTo(third.hash());
    }

    @Test
    void the_audit_hash_covers_every_field_and_the_previous_hash() {
        AuditEntry e = audit(T0, "ann", "runner.update", "runner_a").chained(7, "prev");
        assertThat(e.computeHash("prev")).isEqualTo(e.hash());
        assertThat(e.computeHash("other")).isNotEqualTo(e.hash());
        AuditEntry edited = new AuditEntry(e.id(), e.ts(), "mallory", e.address(), e.userAgent(), e.action(),
                e.targetId(), e.targetName(), e.outcome(), e.status(), e.summary(), e.prevHash(), e.hash());
        assertThat(edited.computeHash("prev")).isNotEqualTo(e.hash());
        AuditEntry shifted = new AuditEntry(e.id(), e.ts(), "an", "n" + e.address(), e.userAgent(), e.action(),
                e.targetId(), e.targetName(), e.outcome(), e.status(), e.summary(), e.prevHash(), e.hash());
        assertThat(shifted.computeHash("prev")).as("moving text between fields changes the hash")
                .isNotEqualTo(e.hash());
    }
}
