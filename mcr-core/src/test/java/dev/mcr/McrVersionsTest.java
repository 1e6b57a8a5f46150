package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.VersionConflictException;
import dev.mcr.event.McrEvent;
import dev.mcr.event.NotifyProfileAutoDisabled;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.event.StateChanged;
import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.StateJson;
import dev.mcr.model.Versioned;
import dev.mcr.store.ConfigKind;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Versions, conflicts, the legacy save that never clobbers, and state_changed, all through the facade. */
class McrVersionsTest extends McrTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What a browser tab holds after loading the state: the document the original client read. */
    private String tabCopy() {
        return StateJson.write(mcr.maskedState());
    }

    private static ObjectNode runnerIn(ObjectNode doc, String id) {
        for (JsonNode r : doc.get("runners")) {
            if (r.get("id").asText().equals(id)) {
                return (ObjectNode) r;
            }
        }
        throw new AssertionError("no runner " + id + " in " + doc);
    }

    private String rawStateRow() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT json FROM state WHERE id=1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void saveTwoRunners() {
        mcr.saveRunner(Runner.builder("runner_a").name("Disk check").command("df -h").build());
        mcr.saveRunner(Runner.builder("runner_b").name("Flaky").command("echo old").build());
    }

    @Test
    void two_clients_racing_on_the_versioned_update_of_one_runner_get_one_success_and_one_conflict_and_lose_nothing()
            throws Exception {
        saveTwoRunners();
        long seen = mcr.versionedRunner("runner_b").orElseThrow().version();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> renames = pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                try {
                    return mcr.updateJson(ConfigKind.RUNNER, "runner_b",
                            utf8("{\"name\": \"Flaky (renamed)\", \"version\": " + seen + "}"), null);
                } catch (VersionConflictException e) {
                    return e;
                }
            });
            Future<Object> edits = pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                try {
                    return mcr.updateJson(ConfigKind.RUNNER, "runner_b", utf8("{\"command\": \"echo new\"}"), seen);
                } catch (VersionConflictException e) {
                    return e;
                }
            });
            List<Object> results = List.of(renames.get(20, TimeUnit.SECONDS), edits.get(20, TimeUnit.SECONDS));
            assertThat(results).filteredOn(VersionConflictException.class::isInstance).hasSize(1);
            assertThat(results).filteredOn(String.class::isInstance).singleElement()
                    .satisfies(ok -> assertThat(JSON.readTree((String) ok).get("version").asLong()).isEqualTo(seen + 1));
            VersionConflictException conflict = (VersionConflictException) results.stream()
                    .filter(VersionConflictException.class::isInstance).findFirst().orElseThrow();
            assertThat(conflict.kind()).isEqualTo("runner");
            assertThat(conflict.id()).isEqualTo("runner_b");
            assertThat(conflict.expectedVersion()).isEqualTo(seen);
            assertThat(conflict.currentVersion()).isEqualTo(seen + 1);
            JsonNode theirs = JSON.readTree(conflict.currentJson());
            assertThat(theirs.get("version").asLong()).isEqualTo(seen + 1);

            // The loser applies its change to the current version: both edits are kept.
            boolean loserRenamed = results.get(0) instanceof VersionConflictException;
            String retry = loserRenamed ? "{\"name\": \"Flaky (renamed)\"}" : "{\"command\": \"echo new\"}";
            mcr.updateJson(ConfigKind.RUNNER, "runner_b", utf8(retry), conflict.currentVersion());
        } finally {
            pool.shutdownNow();
        }
        Versioned<Runner> b = mcr.versionedRunner("runner_b").orElseThrow();
        assertThat(b.value().name()).isEqualTo("Flaky (renamed)");
        assertThat(b.value().execution().command()).isEqualTo("echo new");
        assertThat(b.version()).isEqualTo(seen + 2);
    }

    @Test
    void a_legacy_save_with_a_stale_copy_of_runner_a_and_a_real_edit_of_runner_b_keeps_a_and_changes_b()
            throws Exception {
        saveTwoRunners();
        String tabA = tabCopy();
        // Tab B changes Flaky's command and saves its whole state.
        ObjectNode tabB = (ObjectNode) JSON.readTree(tabCopy());
        runnerIn(tabB, "runner_b").put("command", "echo fixed");
        mcr.saveStateJson(utf8(tabB.toString()));
        long flakyVersion = mcr.versionedRunner("runner_b").orElseThrow().version();
        long diskVersion = mcr.versionedRunner("runner_a").orElseThrow().version();

        // Tab A, which never saw that change, renames Disk check and saves its whole (stale) state.
        ObjectNode edited = (ObjectNode) JSON.readTree(tabA);
        runnerIn(edited, "runner_a").put("name", "Disk check (renamed)");
        mcr.saveStateJson(utf8(edited.toString()));

        assertThat(mcr.state().runner("runner_b").orElseThrow().execution().command()).as("the stale copy does not undo it")
                .isEqualTo("echo fixed");
        assertThat(mcr.versionedRunner("runner_b").orElseThrow().version()).isEqualTo(flakyVersion);
        assertThat(mcr.state().runner("runner_a").orElseThrow().name()).isEqualTo("Disk check (renamed)");
        assertThat(mcr.versionedRunner("runner_a").orElseThrow().version()).isEqualTo(diskVersion + 1);
    }

    @Test
    void a_client_that_sends_back_the_versions_it_loaded_can_undo_its_own_change_and_one_without_versions_cannot()
            throws Exception {
        mcr.saveProfile(NotifyProfile.pushover("notify_a", "Phone", "u", "t"));
        // Like our UI: every save is built from the state it reloaded, versions included.
        ObjectNode off = (ObjectNode) JSON.readTree(mcr.clientStateJson());
        ((ObjectNode) off.get("notify_profiles").get(0)).put("active", false);
        mcr.saveStateJson(utf8(off.toString()));
        assertThat(mcr.state().profile("notify_a").orElseThrow().active()).isFalse();
        ObjectNode on = (ObjectNode) JSON.readTree(mcr.clientStateJson());
        ((ObjectNode) on.get("notify_profiles").get(0)).put("active", true);
        mcr.saveStateJson(utf8(on.toString()));
        assertThat(mcr.state().profile("notify_a").orElseThrow().active()).as("based on the current version")
                .isTrue();
        assertThat(mcr.versionedProfile("notify_a").orElseThrow().version()).isEqualTo(3);

        // The same return without versions (the original client) looks like a stale copy of version 2.
        ObjectNode offAgain = (ObjectNode) JSON.readTree(tabCopy());
        ((ObjectNode) offAgain.get("notify_profiles").get(0)).put("active", false);
        mcr.saveStateJson(utf8(offAgain.toString()));
        assertThat(mcr.state().profile("notify_a").orElseThrow().active()).isTrue();
        assertThat(mcr.versionedProfile("notify_a").orElseThrow().version()).isEqualTo(3);

        // A stale version sent back does not make a stale copy an edit.
        ((ObjectNode) off.get("notify_profiles").get(0)).put("version", 2);
        mcr.saveStateJson(utf8(off.toString()));
        assertThat(mcr.state().profile("notify_a").orElseThrow().active()).isTrue();
    }

    @Test
    void keys_a_client_leaves_out_keep_their_stored_values_at_the_top_in_the_schedule_and_in_a_case()
            throws Exception {
        mcr.saveStateJson(utf8("{\"runners\": [{\"id\": \"runner_a\", \"name\": \"A\", \"command\": \"echo a\", "
                + "\"alert_cooldown_s\": 42, \"future_setting\": {\"kept\": true}, "
                + "\"schedule\": {\"hours\": 1, \"minutes\": 2, \"seconds\": 3}, "
                + "\"cases\": [{\"id\": \"case_1\", \"pattern\": \"old\", \"message_template\": \"{match}!\", "
                + "\"state\": \"DOWN\"}, {\"id\": \"case_2\", \"pattern\": \"gone\"}]}]}"));

        // A client that knows fewer keys: no cooldown, no future_setting, minutes only, a case without template.
        mcr.saveStateJson(utf8("{\"runners\": [{\"id\": \"runner_a\", \"name\": \"A2\", "
                + "\"schedule\": {\"minutes\": 5}, \"cases\": [{\"id\": \"case_1\", \"pattern\": \"new\"}]}]}"));

        Runner a = mcr.state().runner("runner_a").orElseThrow();
        assertThat(a.name()).isEqualTo("A2");
        assertThat(a.execution().command()).isEqualTo("echo a");
        assertThat(a.alerting().cooldown()).isEqualTo(java.time.Duration.ofSeconds(42));
        assertThat(a.extra()).containsEntry("future_setting", java.util.Map.of("kept", true));
        dev.mcr.model.Schedule.FixedDelay delay = (dev.mcr.model.Schedule.FixedDelay) a.timing().schedule();
        assertThat(delay.hours()).isEqualTo(1);
        assertThat(delay.minutes()).isEqualTo(5);
        assertThat(delay.seconds()).isEqualTo(3);
        assertThat(a.cases()).as("the list sent is the new membership").singleElement().satisfies(c -> {
            assertThat(c.pattern()).isEqualTo("new");
            assertThat(c.messageTemplate()).isEqualTo("{match}!");
            assertThat(c.state()).isEqualTo(CaseState.DOWN);
        });

        // The same rule for one object through the versioned JSON entry point.
        long v = mcr.versionedRunner("runner_a").orElseThrow().version();
        String back = mcr.updateJson(ConfigKind.RUNNER, "runner_a", utf8("{\"schedule\": {\"seconds\": 9}}"), v);
        JsonNode schedule = JSON.readTree(back).get("schedule");
        assertThat(schedule.get("hours").asInt()).isEqualTo(1);
        assertThat(schedule.get("minutes").asInt()).isEqualTo(5);
        assertThat(schedule.get("seconds").asInt()).isEqualTo(9);
    }

    @Test
    void a_deleted_runner_is_not_brought_back_by_a_stale_document() throws Exception {
        saveTwoRunners();
        String stale = tabCopy();
        long b = mcr.versionedRunner("runner_b").orElseThrow().version();
        mcr.deleteRunner("runner_b", b);

        mcr.saveStateJson(utf8(stale));
        assertThat(mcr.state().runner("runner_b")).isEmpty();
        assertThat(mcr.state().runner("runner_a")).isPresent();

        // Changed content is an edit, and so brings it back.
        ObjectNode edited = (ObjectNode) JSON.readTree(stale);
        runnerIn(edited, "runner_b").put("command", "echo brought back on purpose");
        mcr.saveStateJson(utf8(edited.toString()));
        assertThat(mcr.versionedRunner("runner_b").orElseThrow().version()).as("versions go on after the tombstone")
                .isEqualTo(b + 2);
    }

    @Test
    void state_changed_is_published_for_each_kind_and_for_deletions() throws Exception {
        Versioned<Runner> r = mcr.createRunner(Runner.builder("runner_a").command("true").build());
        mcr.createRunner(Runner.builder("runner_c").command("true").build());
        mcr.createProfile(NotifyProfile.pushover("notify_a", "Phone", "u", "t"));
        mcr.createGroup(RunnerGroup.of("group_a", "G", List.of("runner_a")));
        long layout = mcr.layout().version();
        assertThat(mcr.layout().value()).containsExactly(LayoutItem.runner("runner_c"), LayoutItem.group("group_a"));
        mcr.updateLayout(List.of(LayoutItem.group("group_a"), LayoutItem.runner("runner_c")), layout);
        mcr.deleteRunner("runner_a", mcr.versionedRunner("runner_a").orElseThrow().version());

        StateChanged runner = events.await(StateChanged.class, e -> e.kind() == ConfigKind.RUNNER && !e.deleted());
        assertThat(runner.version()).isEqualTo(r.version());
        assertThat(runner.toJson(mcr.zone())).containsExactly(java.util.Map.entry("type", "state_changed"),
                java.util.Map.entry("kind", "runner"), java.util.Map.entry("id", "runner_a"),
                java.util.Map.entry("version", r.version()), java.util.Map.entry("deleted", false));
        events.await(StateChanged.class, e -> e.kind() == ConfigKind.PROFILE && e.id().equals("notify_a"));
        events.await(StateChanged.class, e -> e.kind() == ConfigKind.GROUP && e.id().equals("group_a"));
        StateChanged lay = events.await(StateChanged.class, e -> e.kind() == ConfigKind.LAYOUT
                && e.version() == layout + 1 && e.id().isEmpty());
        assertThat(lay.toJson(mcr.zone())).containsEntry("kind", "layout").containsEntry("id", "");
        StateChanged deleted = events.await(StateChanged.class, StateChanged::deleted);
        assertThat(deleted.id()).isEqualTo("runner_a");
        assertThat(deleted.kind()).isEqualTo(ConfigKind.RUNNER);
        assertThat(deleted.version()).isEqualTo(r.version() + 1);
        events.await(StateChanged.class, e -> e.kind() == ConfigKind.GROUP && e.version() == 2,
                Duration.ofSeconds(5));
    }

    @Test
    void a_profile_disabled_by_failed_deliveries_is_a_new_version_with_state_changed_and_counters_are_in_place()
            throws Exception {
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/1/messages.json", ex -> {
            byte[] body = utf8("{\"status\":0,\"errors\":[\"user key is invalid\"]}");
            ex.sendResponseHeaders(400, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        failing.start();
        close();
        mcr = Mcr.builder().dataDir(dir).seedDemo(false)
                .pushoverUrl(URI.create("http://127.0.0.1:" + failing.getAddress().getPort() + "/1/messages.json"))
                .build();
        events = new EventRecorder(mcr);
        try {
            Versioned<NotifyProfile> p = mcr.createProfile(NotifyProfile.pushover("notify_a", "Phone", "u", "t"));
            // Real deliveries (a test send never counts towards the auto-disable): a case without state sends at
            // every match.
            mcr.saveRunner(Runner.builder("runner_n").name("Notifier").command("echo ALERT disk")
                    .cases(List.of(CaseRule.of("ALERT (\\w+)", "Alert {g1}", CaseState.NONE))).notify("notify_a")
                    .build());
            String rowBefore = rawStateRow();
            deliverFailing(1);
            deliverFailing(2);
            Versioned<NotifyProfile> afterTwo = mcr.versionedProfile("notify_a").orElseThrow();
            assertThat(afterTwo.value().failureCount()).isEqualTo(2);
            assertThat(afterTwo.version()).as("counters are no new version").isEqualTo(p.version());
            assertThat(rawStateRow()).as("nor a rewrite of the state row").isEqualTo(rowBefore);

            deliverFailing(3);
            events.await(NotifyProfileAutoDisabled.class, e -> e.profileId().equals("notify_a"));
            Versioned<NotifyProfile> disabled = mcr.versionedProfile("notify_a").orElseThrow();
            assertThat(disabled.value().active()).isFalse();
            assertThat(disabled.version()).isEqualTo(p.version() + 1);
            StateChanged changed = events.await(StateChanged.class, e -> e.kind() == ConfigKind.PROFILE
                    && e.version() == p.version() + 1);
            assertThat(changed.id()).isEqualTo("notify_a");
            assertThat(rawStateRow()).contains("\"active\": false").contains("\"failure_count\": 3");
        } finally {
            failing.stop(0);
        }
        close();
        open();
        assertThat(mcr.versionedProfile("notify_a").orElseThrow().value().failureCount()).isEqualTo(3);
    }

    @Test
    void a_command_with_a_nul_character_is_refused_on_save_and_nothing_is_stored() {
        assertThatThrownBy(() -> mcr.saveRunner(Runner.builder("runner_nul").name("Nul").command("echo a\0b").build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Runner 'Nul' (runner_nul), command: it contains a NUL character, which no shell can "
                        + "receive.");
        assertThat(mcr.versionedRunner("runner_nul")).isEmpty();
    }

    /** Runs runner_n once and waits for its delivery to notify_a to fail as the n-th failure in a row. */
    private void deliverFailing(int n) throws Exception {
        mcr.start("runner_n").result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        events.await(NotifyProfileStatus.class, e -> e.profileId().equals("notify_a") && e.failureCount() == n);
    }

    @Test
    void the_client_state_has_a_version_in_every_object_and_is_otherwise_the_original_document() throws Exception {
        mcr.saveProfile(NotifyProfile.pushover("notify_a", "Phone", "uSECRET", "tSECRET"));
        saveTwoRunners();
        mcr.saveGroup(RunnerGroup.of("group_a", "G", List.of("runner_a")));
        mcr.saveRunner(Runner.builder("runner_b").name("Flaky 2").command("echo old").build());

        String client = mcr.clientStateJson();
        assertThat(client).doesNotContain("SECRET\"");
        String withoutVersions = client.replaceAll(",\"version\":\\d+}", "}").replaceAll(",\"layout_version\":\\d+}$", "}");
        assertThat(withoutVersions).isEqualTo(StateJson.write(mcr.maskedState()));
        JsonNode doc = JSON.readTree(client);
        assertThat(doc.get("runners").get(1).get("version").asLong()).isEqualTo(2);
        assertThat(doc.get("runners").get(0).get("version").asLong()).isEqualTo(1);
        assertThat(doc.get("runner_groups").get(0).get("version").asLong()).isEqualTo(1);
        assertThat(doc.get("notify_profiles").get(0).get("version").asLong()).isEqualTo(1);
        assertThat(doc.get("layout_version").asLong()).isEqualTo(mcr.layout().version()).isGreaterThan(1);

        // Sent back as it is (versions included), the document changes nothing.
        long layout = mcr.layout().version();
        mcr.saveStateJson(utf8(client));
        assertThat(mcr.clientStateJson()).isEqualTo(client);
        assertThat(mcr.layout().version()).isEqualTo(layout);
        assertThat(mcr.state().runner("runner_a").orElseThrow().extra()).doesNotContainKey("version");
    }

    @Test
    void a_second_process_on_the_same_store_is_refused_a_stale_change_and_then_works_from_the_stored_state()
            throws Exception {
        mcr.createRunner(Runner.builder("runner_a").name("A").command("echo 1").build());
        try (Mcr other = Mcr.builder().dataDir(dir).seedDemo(false).build()) {
            mcr.updateRunner(Runner.builder("runner_a").name("A by the first").command("echo 2").build(), 1);

            Runner mine = Runner.builder("runner_a").name("A by the second").command("echo 3").build();
            assertThatThrownBy(() -> other.saveRunner(mine))
                    .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                        assertThat(e.currentVersion()).isEqualTo(2);
                        assertThat(e.currentJson()).contains("A by the first");
                    });
            assertThat(other.state().runner("runner_a").orElseThrow().name()).as("it now holds the stored state")
                    .isEqualTo("A by the first");
            other.saveRunner(mine);
            assertThat(other.versionedRunner("runner_a").orElseThrow().version()).isEqualTo(3);
        }
    }

    @Test
    void a_store_given_to_the_builder_is_used_and_left_open_for_its_owner() throws Exception {
        java.nio.file.Path other = dir.resolve("elsewhere");
        try (dev.mcr.store.sqlite.SqliteStore store = dev.mcr.store.sqlite.SqliteStore.open(other)) {
            try (Mcr embedded = Mcr.builder().dataDir(dir.resolve("logs-and-key")).seedDemo(false).store(store)
                    .build()) {
                embedded.createRunner(Runner.builder("runner_x").command("true").build());
            }
            assertThat(store.config().load().runners()).extracting(dev.mcr.store.StoredObject::id)
                    .containsExactly("runner_x");
            assertThat(java.nio.file.Files.exists(dir.resolve("logs-and-key").resolve("app.db")))
                    .as("no second database").isFalse();
        }
    }

    @Test
    void json_entry_points_create_read_update_and_delete_and_a_stale_one_carries_the_current_object()
            throws Exception {
        String created = mcr.createJson(ConfigKind.RUNNER, utf8("{\"name\": \"New\", \"command\": \"true\", "
                + "\"version\": 99}"));
        JsonNode c = JSON.readTree(created);
        String id = c.get("id").asText();
        assertThat(id).startsWith("runner_");
        assertThat(c.get("version").asLong()).isEqualTo(1);
        assertThat(mcr.objectJson(ConfigKind.RUNNER, id)).isEqualTo(created);
        assertThatThrownBy(() -> mcr.createJson(ConfigKind.RUNNER, utf8("{\"id\": \"" + id + "\"}")))
                .isInstanceOf(VersionConflictException.class);

        String profile = mcr.createJson(ConfigKind.PROFILE, utf8("{\"id\": \"notify_a\", \"name\": \"P\", "
                + "\"config\": {\"user_key\": \"uSECRET\", \"api_token\": \"tSECRET\"}}"));
        assertThat(profile).contains("__SECRET_SET__").doesNotContain("SECRET\"");
        String renamed = mcr.updateJson(ConfigKind.PROFILE, "notify_a",
                utf8("{\"name\": \"Q\", \"config\": {\"user_key\": \"__SECRET_SET__\"}, \"version\": 1}"), null);
        assertThat(JSON.readTree(renamed).get("version").asLong()).isEqualTo(2);
        assertThat(mcr.state().profile("notify_a").orElseThrow().configValue("user_key")).isEqualTo("uSECRET");
        assertThat(mcr.state().profile("notify_a").orElseThrow().configValue("api_token")).isEqualTo("tSECRET");

        assertThatThrownBy(() -> mcr.updateJson(ConfigKind.PROFILE, "notify_a", utf8("{\"name\": \"R\"}"), 1L))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.currentVersion()).isEqualTo(2);
                    assertThat(e.currentJson()).isEqualTo(mcr.objectJson(ConfigKind.PROFILE, "notify_a"));
                    assertThat(e.currentJson()).doesNotContain("SECRET\"");
                });
        assertThatThrownBy(() -> mcr.updateJson(ConfigKind.RUNNER, id, utf8("{\"name\": \"x\"}"), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> mcr.updateJson(ConfigKind.RUNNER, "runner_none", utf8("{\"version\": 1}"), null))
                .isInstanceOf(RunnerNotFoundException.class);

        mcr.createJson(ConfigKind.RUNNER, utf8("{\"id\": \"runner_second\"}"));
        String layout = mcr.objectJson(ConfigKind.LAYOUT, "");
        long lv = JSON.readTree(layout).get("version").asLong();
        assertThat(JSON.readTree(layout).get("runner_layout").get(0).get("id").asText()).isEqualTo(id);
        ArrayNode items = JSON.createArrayNode();
        items.addObject().put("type", "runner").put("id", "runner_second");
        String newLayout = mcr.updateJson(ConfigKind.LAYOUT, "", utf8(items.toString()), lv);
        assertThat(JSON.readTree(newLayout).get("version").asLong()).isEqualTo(lv + 1);

        assertThat(mcr.delete(ConfigKind.RUNNER, id, 1)).as("the version of the tombstone").isEqualTo(2);
        assertThatThrownBy(() -> mcr.delete(ConfigKind.RUNNER, id, 1))
                .as("deleted already: a conflict, not unknown").isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> mcr.objectJson(ConfigKind.RUNNER, id)).isInstanceOf(RunnerNotFoundException.class);
        List<McrEvent> all = new ArrayList<>(events.events());
        assertThat(all).filteredOn(StateChanged.class::isInstance).isNotEmpty();
    }

    @Test
    void profiles_are_ordered_without_a_new_version_or_an_event_and_unknown_ids_are_ignored() throws Exception {
        for (String id : List.of("notify_a", "notify_b", "notify_c")) {
            mcr.createJson(ConfigKind.PROFILE, utf8("{\"id\": \"" + id + "\"}"));
        }
        int before = events.events().size();
        assertThat(mcr.orderProfiles(List.of("notify_c", "notify_gone", "notify_a")))
                .containsExactly("notify_c", "notify_a", "notify_b");

        assertThat(mcr.state().notifyProfiles()).extracting(NotifyProfile::id)
                .containsExactly("notify_c", "notify_a", "notify_b");
        assertThat(mcr.versionedState().versions().profile("notify_c")).isEqualTo(1);
        List<McrEvent> after = events.events();
        assertThat(after.subList(before, after.size())).noneMatch(StateChanged.class::isInstance);
        mcr.close();
        try (Mcr reopened = Mcr.builder().dataDir(dir).seedDemo(false).build()) {
            assertThat(reopened.state().notifyProfiles()).extracting(NotifyProfile::id)
                    .as("the order is stored").containsExactly("notify_c", "notify_a", "notify_b");
        }
    }
}
