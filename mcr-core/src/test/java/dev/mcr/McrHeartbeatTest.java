package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.InvalidInputException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.event.GroupStatus;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.RunnerGroup;
import dev.mcr.store.ConfigKind;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeat runners on the settable clock: pings are runs, silence past period + grace is a missed run that notifies
 * DOWN through the real dispatcher to a real local Pushover stand-in, the next ping recovers, and the deadline is kept
 * across instances on the same SQLite file.
 */
class McrHeartbeatTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private ManualScheduler scheduler;
    private LocalPushover pushover;
    private Mcr mcr;
    private EventRecorder events;
    private int markers;

    @BeforeEach
    void open() throws java.io.IOException {
        pushover = new LocalPushover();
        start();
        mcr.saveProfile(NotifyProfile.pushover("notify_main", "Phone", "u", "t"));
        mcr.saveRunner(Runner.builder("backup").name("Backup").heartbeat(Duration.ofSeconds(60), Duration.ofSeconds(30))
                .alertCooldown(Duration.ofMinutes(10)).alertEscalation(Duration.ZERO)
                .onMatch("ERROR", CaseState.DOWN, "Backup logged an error").notify("notify_main").build());
        mcr.saveRunner(Runner.builder("marker").command("echo MARK").shell(Runner.Execution.BASH)
                .onMatch("MARK", CaseState.NONE, "mark").notify("notify_main").build());
    }

    private void start() {
        scheduler = new ManualScheduler(clock);
        mcr = Mcr.builder().dataDir(dir.resolve("data")).seedDemo(false).clock(clock).scheduler(scheduler)
                .pushoverUrl(pushover.url()).build();
        scheduler.runDue();
        events = new EventRecorder(mcr);
    }

    private void stop() {
        events.close();
        mcr.close();
    }

    @AfterEach
    void close() {
        stop();
        pushover.close();
    }

    private String token() {
        return mcr.heartbeat("backup").orElseThrow().pingToken();
    }

    /** The messages delivered since {@code before} bodies, once everything queued until now is through. */
    private List<String> deliveredSince(int before) throws Exception {
        int marker = ++markers;
        mcr.start("marker").result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        events.await(NotifyProfileStatus.class, e -> e.runnerId().equals("marker")
                && pushover.bodies().stream().filter(b -> b.contains("message=mark")).count() >= marker);
        return pushover.bodies().subList(before, pushover.bodies().size()).stream()
                .filter(b -> !b.contains("message=mark"))
                .map(b -> java.net.URLDecoder.decode(b.replaceAll("(?s).*message=([^&]*).*", "$1"),
                        StandardCharsets.UTF_8))
                .toList();
    }

    private List<String> deliveredAfter(Runnable action) throws Exception {
        int before = pushover.bodies().size();
        action.run();
        return deliveredSince(before);
    }

    private List<RunRecord> backupRuns() {
        return mcr.runs(new RunQuery("backup", null, null, null, null, 50)).items();
    }

    @Test
    void a_heartbeat_runner_goes_down_after_period_plus_grace_without_pings_and_recovers_on_the_next_ping()
            throws Exception {
        assertThat(token()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(mcr.heartbeat("backup").orElseThrow().nextExpectedBy())
                .isEqualTo(Instant.parse("2026-03-11T12:01:30Z"));
        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(89)))).isEmpty();
        assertThat(backupRuns()).isEmpty();

        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(1))))
                .containsExactly("Backup sent no ping by 2026-03-11T12:01:30Z.");
        RunRecord missed = backupRuns().get(0);
        assertThat(missed.trigger()).isEqualTo(RunRecord.MISSED);
        assertThat(missed.outcome()).isEqualTo(RunRecord.MISSED);
        assertThat(missed.exitCode()).isEqualTo(1);

        List<String> recovered = deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.SUCCESS, ""));
        assertThat(recovered).containsExactly("RECOVERY: Backup sent its ping again.");
        RunRecord ping = backupRuns().get(0);
        assertThat(ping.trigger()).isEqualTo(RunRecord.HEARTBEAT);
        assertThat(ping.outcome()).isEqualTo(RunRecord.SUCCESS);
        assertThat(mcr.heartbeat("backup").orElseThrow().lastPing()).isEqualTo(clock.instant());
        assertThat(mcr.heartbeat("backup").orElseThrow().nextExpectedBy())
                .isEqualTo(clock.instant().plusSeconds(90));
    }

    @Test
    void a_silent_job_keeps_failing_once_per_period_and_grace_without_a_second_alerting_path() throws Exception {
        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(90)))).hasSize(1);
        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(90)))).as("inside the cooldown").isEmpty();
        assertThat(backupRuns()).extracting(RunRecord::outcome).containsExactly("missed", "missed");
        assertThat(mcr.status().get("backup").consecutiveFailures()).as("a heartbeat never pauses").isEqualTo(2);
        scheduler.advance(Duration.ofSeconds(90 * 4));
        assertThat(mcr.status().get("backup").paused()).isFalse();
    }

    @Test
    void a_fail_ping_notifies_down_and_a_body_goes_through_the_cases_as_output() throws Exception {
        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.FAIL, "rsync: exit 23\n")))
                .containsExactly("Backup reported a failure.");
        assertThat(backupRuns().get(0).exitCode()).isEqualTo(1);
        assertThat(backupRuns().get(0).outcome()).isEqualTo(RunRecord.FAILURE);
        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.SUCCESS, "done\r\nall good\n")))
                .containsExactly("RECOVERY: Backup sent its ping again.");
        assertThat(backupRuns().get(0).outputLines()).isEqualTo(2);
        try (LogContent out = mcr.runOutput(backupRuns().get(0).runId(), 0)) {
            assertThat(new String(out.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("done\nall good\n");
        }

        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.SUCCESS, "copied 3 files\nERROR disk full")))
                .as("a ping whose body matches a DOWN case is a failed run").containsExactly("Backup logged an error");
        assertThat(backupRuns().get(0).worstState()).isEqualTo(CaseState.DOWN);
    }

    @Test
    void n_of_m_counts_pings_like_runs() throws Exception {
        Runner r = mcr.state().runner("backup").orElseThrow();
        mcr.saveRunner(r.toBuilder().downAfter(2, 3).build());
        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.FAIL, ""))).isEmpty();
        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.SUCCESS, ""))).isEmpty();
        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.FAIL, "")))
                .containsExactly("Backup reported a failure.");
        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.SUCCESS, "")))
                .as("2 of the last 3 succeeded").containsExactly("RECOVERY: Backup sent its ping again.");
    }

    @Test
    void a_start_and_its_ping_make_one_run_with_a_duration_and_a_start_without_a_ping_times_out() throws Exception {
        String runId = mcr.ping(token(), HeartbeatPing.START, "");
        assertThat(mcr.status().get("backup").running()).isTrue();
        scheduler.advance(Duration.ofSeconds(42));
        assertThat(mcr.ping(token(), HeartbeatPing.SUCCESS, "")).isEqualTo(runId);
        RunRecord run = mcr.run(runId).orElseThrow();
        assertThat(run.durationMs()).isEqualTo(42_000);
        assertThat(run.trigger()).isEqualTo(RunRecord.HEARTBEAT);
        assertThat(run.outcome()).isEqualTo(RunRecord.SUCCESS);

        String open = mcr.ping(token(), HeartbeatPing.START, "");
        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(90)))).singleElement().asString()
                .contains("Backup started at").contains("but sent no ping by");
        assertThat(mcr.run(open).orElseThrow().outcome()).isEqualTo(RunRecord.TIMED_OUT);
        assertThat(mcr.status().get("backup").running()).isFalse();
    }

    @Test
    void the_deadline_survives_a_restart_inside_the_window_without_firing_early() throws Exception {
        mcr.ping(token(), HeartbeatPing.SUCCESS, "");
        scheduler.advance(Duration.ofSeconds(60));
        stop();
        start();
        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(29)))).isEmpty();
        assertThat(mcr.heartbeat("backup").orElseThrow().nextExpectedBy())
                .isEqualTo(Instant.parse("2026-03-11T12:01:30Z"));
        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(1))))
                .containsExactly("Backup sent no ping since 2026-03-11T12:00:00Z; it was expected by "
                        + "2026-03-11T12:01:30Z.");
    }

    @Test
    void a_down_of_a_missed_ping_recovers_on_the_first_ping_after_a_restart() throws Exception {
        assertThat(deliveredAfter(() -> scheduler.advance(Duration.ofSeconds(90)))).hasSize(1);
        stop();
        clock.advance(Duration.ofSeconds(10));
        start();
        assertThat(deliveredAfter(() -> mcr.ping(token(), HeartbeatPing.SUCCESS, "")))
                .containsExactly("RECOVERY: Backup sent its ping again.");
    }

    @Test
    void a_restart_after_the_deadline_fires_the_missed_run_once_at_start() throws Exception {
        stop();
        clock.advance(Duration.ofHours(5));
        int before = pushover.bodies().size();
        start();
        assertThat(deliveredSince(before)).containsExactly("Backup sent no ping by 2026-03-11T12:01:30Z.");
        assertThat(backupRuns()).extracting(RunRecord::outcome).containsExactly("missed");
        assertThat(mcr.heartbeat("backup").orElseThrow().nextExpectedBy()).isEqualTo(clock.instant().plusSeconds(90));
    }

    @Test
    void a_heartbeat_runner_refuses_a_start_by_hand_and_a_group_passes_it_by() throws Exception {
        assertThatThrownBy(() -> mcr.start("backup")).isInstanceOf(InvalidInputException.class)
                .hasMessage("Runner 'Backup' is a heartbeat check: it runs no command. Its runs are the pings a job "
                        + "sends to its ping URL.");

        AppState s = mcr.state();
        mcr.saveState(s.withGroupsAndLayout(List.of(new RunnerGroup("group_nightly", "Nightly",
                List.of("backup", "marker"), List.of(), java.util.Map.of())), s.runnerLayout()));
        mcr.startGroup("group_nightly");
        GroupStatus fin = events.await(GroupStatus.class, g -> g.status().equals("finished"));
        assertThat(fin.totalCount()).isEqualTo(2);
        assertThat(events.all(dev.mcr.event.RunStarted.class)).extracting(e -> e.runnerId()).containsExactly("marker");
        assertThat(backupRuns()).isEmpty();
    }

    @Test
    void regenerating_the_token_invalidates_the_old_one_at_once() {
        String old = token();
        HeartbeatInfo info = mcr.regenerateHeartbeatToken("backup");
        assertThat(info.pingToken()).isNotEqualTo(old).isEqualTo(token());
        assertThatThrownBy(() -> mcr.ping(old, HeartbeatPing.SUCCESS, "")).isInstanceOf(RunnerNotFoundException.class);
        assertThat(mcr.ping(info.pingToken(), HeartbeatPing.SUCCESS, "")).startsWith("run_");
        assertThatThrownBy(() -> mcr.regenerateHeartbeatToken("marker")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> mcr.ping("not-a-token", HeartbeatPing.SUCCESS, ""))
                .isInstanceOf(RunnerNotFoundException.class);
    }

    @Test
    void a_client_can_neither_set_nor_read_the_token_through_the_state_and_an_original_save_keeps_the_heartbeat() {
        String token = token();
        String state = mcr.clientStateJson();
        assertThat(state).doesNotContain(token).contains("\"kind\":\"heartbeat\"")
                .contains("\"ping_token\":\"__SECRET_SET__\"");
        String stored = mcr.objectJson(ConfigKind.RUNNER, "backup");
        long version = Long.parseLong(stored.replaceAll("(?s).*\"version\":(\\d+).*", "$1"));
        mcr.updateJson(ConfigKind.RUNNER, "backup", ("{\"version\":" + version + ",\"heartbeat\":{\"ping_token\":"
                + "\"chosen-by-client\",\"period_s\":120,\"grace_s\":0}}").getBytes(StandardCharsets.UTF_8), null);
        assertThat(token()).isEqualTo(token);
        assertThat(mcr.state().runner("backup").orElseThrow().heartbeat().period()).isEqualTo(Duration.ofSeconds(120));

        // The original client saves the whole state without kind and heartbeat: both are kept.
        String original = "{\"notify_profiles\":[{\"id\":\"notify_main\",\"name\":\"Phone\",\"type\":\"pushover\","
                + "\"config\":{\"user_key\":\"__SECRET_SET__\",\"api_token\":\"__SECRET_SET__\"},\"active\":true}],"
                + "\"runners\":[{\"id\":\"backup\",\"name\":\"Backup\",\"command\":\"\",\"logging_enabled\":true,"
                + "\"schedule\":{\"hours\":0,\"minutes\":0,\"seconds\":0},\"max_runs\":1,\"alert_cooldown_s\":600,"
                + "\"alert_escalation_s\":0,\"failure_pause_threshold\":5,\"cases\":[],"
                + "\"notify_profile_ids\":[\"notify_main\"],\"notify_profile_updates_only\":[]},"
                + "{\"id\":\"marker\",\"name\":\"marker\",\"command\":\"echo MARK\",\"logging_enabled\":true,"
                + "\"schedule\":{\"hours\":0,\"minutes\":0,\"seconds\":0},\"max_runs\":1,\"cases\":[],"
                + "\"notify_profile_ids\":[\"notify_main\"],\"notify_profile_updates_only\":[]}],"
                + "\"runner_groups\":[],\"runner_layout\":[]}";
        mcr.saveStateJson(original.getBytes(StandardCharsets.UTF_8));
        Runner kept = mcr.state().runner("backup").orElseThrow();
        assertThat(kept.isHeartbeat()).isTrue();
        assertThat(kept.heartbeat().pingToken()).isEqualTo(token);
        assertThat(kept.heartbeat().period()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void the_token_is_encrypted_at_rest_and_read_back_after_a_restart() throws Exception {
        String token = token();
        mcr.regenerateHeartbeatToken("backup");
        String fresh = token();
        stop();
        try (var files = java.nio.file.Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String bytes = new String(java.nio.file.Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(f.toString()).doesNotContain(token).doesNotContain(fresh);
            }
        }
        start();
        assertThat(token()).isEqualTo(fresh);
        assertThat(mcr.ping(fresh, HeartbeatPing.SUCCESS, "")).startsWith("run_");
    }

    @Test
    void a_clone_gets_its_own_token_and_its_own_deadline() {
        String id = mcr.cloneRunner("backup").clonedId();
        String cloneToken = mcr.heartbeat(id).orElseThrow().pingToken();
        assertThat(cloneToken).isNotEmpty().isNotEqualTo(token());
        assertThat(mcr.heartbeat(id).orElseThrow().nextExpectedBy()).isEqualTo(clock.instant().plusSeconds(90));
        mcr.ping(cloneToken, HeartbeatPing.SUCCESS, "");
        assertThat(backupRuns()).as("the original's history").isEmpty();
        assertThat(mcr.runs(new RunQuery(id, null, null, null, null, 5)).items()).hasSize(1);
    }

    @Test
    void a_save_refuses_bad_heartbeat_settings_naming_the_runner_and_the_field() {
        String stored = mcr.objectJson(ConfigKind.RUNNER, "backup");
        long version = Long.parseLong(stored.replaceAll("(?s).*\"version\":(\\d+).*", "$1"));
        for (String[] bad : new String[][] {
                {"\"heartbeat\":{\"period_s\":5,\"grace_s\":0}", "heartbeat.period_s"},
                {"\"heartbeat\":{\"period_s\":0,\"grace_s\":0}", "heartbeat.period_s"},
                {"\"heartbeat\":{\"period_s\":60,\"grace_s\":2592001}", "heartbeat:"},
                {"\"heartbeat\":{\"period_s\":\"60\",\"grace_s\":0}", "heartbeat:"},
                {"\"heartbeat\":[]", "heartbeat:"},
                {"\"kind\":\"ping\"", "kind:"}}) {
            assertThatThrownBy(() -> mcr.updateJson(ConfigKind.RUNNER, "backup", ("{\"version\":" + version + ","
                    + bad[0] + "}").getBytes(StandardCharsets.UTF_8), null))
                    .as(bad[0]).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("Runner 'Backup' (backup), " + bad[1]);
        }
        assertThat(mcr.objectJson(ConfigKind.RUNNER, "backup")).isEqualTo(stored);
    }
}
