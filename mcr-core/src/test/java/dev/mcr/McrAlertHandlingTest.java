package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.InvalidInputException;
import dev.mcr.error.NothingToAcknowledgeException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.event.AlertChanged;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.model.CaseState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.store.AlertState;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
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
 * Acknowledge and snooze on the settable clock, delivered to a real local server standing in for Pushover, across
 * restarts of the instance on the same data folder.
 */
class McrAlertHandlingTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private ManualScheduler scheduler;
    private LocalPushover pushover;
    private Mcr mcr;
    private EventRecorder events;
    private Path health;
    private int markers;

    @BeforeEach
    void open() throws IOException {
        pushover = new LocalPushover();
        health = dir.resolve("health");
        start();
        mcr.saveProfile(NotifyProfile.pushover("notify_main", "Phone", "u", "t"));
        mcr.saveRunner(Runner.builder("nas").name("NAS").command("cat '" + health + "'").shell(Runner.Execution.BASH)
                .alertCooldown(Duration.ofMinutes(1)).alertEscalation(Duration.ZERO)
                .onMatch("DOWN", CaseState.DOWN, "NAS down").onMatch("UP", CaseState.UP, "NAS up")
                .notify("notify_main").build());
        // Its messages are always sent: once one is through, everything queued before it was delivered.
        mcr.saveRunner(Runner.builder("marker").command("echo MARK").shell(Runner.Execution.BASH).onMatch("MARK", CaseState.NONE, "mark")
                .notify("notify_main").build());
    }

    private void start() {
        scheduler = new ManualScheduler(clock);
        mcr = Mcr.builder().dataDir(dir.resolve("data")).seedDemo(false).clock(clock).scheduler(scheduler)
                .pushoverUrl(pushover.url()).build();
        scheduler.runDue();
        events = new EventRecorder(mcr);
    }

    private void restart() {
        events.close();
        mcr.close();
        start();
    }

    @AfterEach
    void close() {
        events.close();
        mcr.close();
        pushover.close();
    }

    /** Runs NAS with the given output and returns the messages it got delivered (none, or one). */
    private List<String> nasSays(String line) throws Exception {
        return says("nas", line);
    }

    /** Runs a runner that prints the health file with the given line in it; returns the messages delivered. */
    private List<String> says(String runnerId, String line) throws Exception {
        Files.writeString(health, line + "\n");
        int before = pushover.bodies().size();
        mcr.start(runnerId).result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return deliveredSince(before);
    }

    /** The messages delivered since {@code before} bodies, once everything queued until now is through. */
    private List<String> deliveredSince(int before) throws Exception {
        int marker = ++markers;
        mcr.start("marker").result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        events.await(NotifyProfileStatus.class, e -> e.runnerId().equals("marker")
                && markers == marker && pushover.bodies().stream().filter(b -> b.contains("message=mark")).count()
                >= marker);
        List<String> sent = pushover.bodies().subList(before, pushover.bodies().size()).stream()
                .filter(b -> !b.contains("message=mark"))
                .map(b -> (b.contains("user=boss") ? "boss: " : "") + b.replaceAll("(?s).*message=([^&]*).*", "$1"))
                .toList();
        return List.copyOf(sent);
    }

    @Test
    void an_acknowledged_down_sends_no_escalation_repeats_until_its_state_changes_even_across_a_restart()
            throws Exception {
        assertThatThrownBy(() -> mcr.acknowledge("nas", "ann")).isInstanceOf(NothingToAcknowledgeException.class)
                .hasMessage("Runner 'nas' has no DOWN or WARN to acknowledge.");
        assertThatThrownBy(() -> mcr.acknowledge("ghost", "ann")).isInstanceOf(RunnerNotFoundException.class);
        assertThat(nasSays("DOWN")).containsExactly("NAS down");
        clock.advance(Duration.ofMinutes(2));
        assertThat(nasSays("DOWN")).containsExactly("ESCALATION (DOWN): NAS down");

        clock.advance(Duration.ofSeconds(5));
        AlertState acked = mcr.acknowledge("nas", "ann");
        assertThat(acked.ackedBy()).isEqualTo("ann");
        assertThat(acked.ackedAt()).isEqualTo(clock.instant());
        assertThat(acked.ackedState()).isEqualTo("DOWN");
        AlertChanged event = events.await(AlertChanged.class, e -> "ann".equals(e.actor()));
        assertThat(event.toJson(mcr.zone())).containsEntry("type", "alert").containsEntry("runner_id", "nas")
                .containsEntry("acked_by", "ann").containsEntry("acked_state", "DOWN")
                .containsEntry("snoozed_until", null);
        assertThat(mcr.status().get("nas").toJson(mcr.zone()).keySet()).last().isEqualTo("alert");
        assertThat(mcr.status().get("marker").toJson(mcr.zone())).doesNotContainKey("alert");

        clock.advance(Duration.ofMinutes(2));
        assertThat(nasSays("DOWN")).isEmpty();
        restart();
        assertThat(mcr.status().get("nas").alert().ackedBy()).isEqualTo("ann");
        clock.advance(Duration.ofMinutes(10));
        assertThat(nasSays("DOWN")).as("the acknowledgement holds after a restart").isEmpty();

        assertThat(nasSays("UP")).containsExactly("RECOVERY: NAS up");
        assertThat(mcr.status().get("nas").alert()).isNull();
        AlertChanged ended = events.await(AlertChanged.class, e -> e.actor() == null);
        assertThat(ended.state().acknowledged()).isFalse();
        assertThat(nasSays("DOWN")).as("a new DOWN is news again").containsExactly("NAS down");
        restart();
        assertThat(mcr.status().get("nas").alert()).as("the ended acknowledgement is not restored").isNull();
    }

    @Test
    void a_snooze_mutes_notifications_with_a_journal_row_until_its_end_across_a_restart_and_0_ends_it()
            throws Exception {
        Instant until = clock.instant().plus(Duration.ofHours(1));
        AlertState snoozed = mcr.snooze("nas", Duration.ofHours(1), "bob");
        assertThat(snoozed.snoozedUntil()).isEqualTo(until);
        assertThat(events.await(AlertChanged.class, e -> "bob".equals(e.actor())).toJson(mcr.zone()))
                .containsEntry("snoozed_until", mcr.status().get("nas").toJson(mcr.zone()).get("alert") instanceof
                        java.util.Map<?, ?> m ? m.get("snoozed_until") : "missing");
        assertThat(nasSays("DOWN")).isEmpty();
        JournalEntry row = mcr.notifications(JournalQuery.newest()).stream()
                .filter(j -> j.runnerId().equals("nas")).findFirst().orElseThrow();
        assertThat(row.delivery()).isEqualTo(JournalEntry.SUPPRESSED);
        assertThat(row.message()).isEqualTo("NAS down");
        assertThat(row.error()).startsWith("Suppressed by snooze until 2026-03-11");

        restart();
        assertThat(mcr.status().get("nas").alert().snoozedUntil()).isEqualTo(until);
        assertThat(nasSays("UP")).as("still snoozed after a restart").isEmpty();
        clock.advance(Duration.ofMinutes(61));
        assertThat(mcr.status().get("nas").alert()).as("the snooze ended by itself").isNull();
        assertThat(nasSays("DOWN")).containsExactly("NAS down");

        mcr.snooze("nas", Duration.ofMinutes(30), "bob");
        mcr.snooze("nas", Duration.ZERO, "bob");
        assertThat(mcr.status().get("nas").alert()).isNull();
        assertThat(nasSays("UP")).containsExactly("RECOVERY: NAS up");
        restart();
        assertThat(mcr.status().get("nas").alert()).isNull();
    }

    @Test
    void a_snooze_outside_0_to_30_days_is_refused_and_changes_nothing() {
        assertThatThrownBy(() -> mcr.snooze("nas", Duration.ofSeconds(-1), "bob"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("0 to 2592000 seconds");
        assertThatThrownBy(() -> mcr.snooze("nas", Duration.ofDays(30).plusSeconds(1), "bob"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> mcr.snooze("ghost", Duration.ofMinutes(1), "bob"))
                .isInstanceOf(RunnerNotFoundException.class);
        assertThat(mcr.status().get("nas").alert()).isNull();
    }

    @Test
    void under_2_of_3_down_is_notified_only_once_two_of_the_last_three_runs_failed_and_recovers_the_same_way()
            throws Exception {
        // FAIL exits 1 without a case; DOWN matches the DOWN case and exits 0: both are failed runs.
        mcr.saveRunner(Runner.builder("flaky").name("Flaky").shell(Runner.Execution.BASH)
                .command("read l < '" + health + "'; echo \"$l\"; [ \"$l\" != FAIL ]")
                .alertCooldown(Duration.ofMinutes(1)).alertEscalation(Duration.ZERO).downAfter(2, 3)
                .onMatch("DOWN", CaseState.DOWN, "flaky down").onMatch("UP", CaseState.UP, "flaky up")
                .notify("notify_main").build());
        assertThat(says("flaky", "DOWN")).as("1 of 1 failed").isEmpty();
        assertThat(says("flaky", "UP")).as("1 of 2 failed, and UP is not news").isEmpty();
        assertThat(says("flaky", "DOWN")).as("2 of 3 failed").containsExactly("flaky down");
        assertThat(says("flaky", "DOWN")).as("still down, within the cooldown").isEmpty();
        assertThat(says("flaky", "UP")).as("only 1 of the last 3 succeeded").isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(says("flaky", "UP")).as("2 of 3 succeeded").containsExactly("RECOVERY: flaky up");
        assertThat(says("flaky", "FAIL")).isEmpty();
        assertThat(says("flaky", "FAIL")).as("a non-zero exit is a failure too")
                .containsExactly("At least 2 of the last 3 runs failed (exit code 1).");
        clock.advance(Duration.ofMinutes(2));
        assertThat(says("flaky", "FAIL")).as("escalation repeats go on while it holds")
                .containsExactly("ESCALATION (DOWN): At least 2 of the last 3 runs failed (exit code 1).");
        mcr.acknowledge("flaky", "ann");
        clock.advance(Duration.ofMinutes(2));
        assertThat(says("flaky", "FAIL")).as("acknowledged").isEmpty();
    }

    @Test
    void an_n_of_m_rule_goes_on_counting_after_a_restart_from_the_run_records() throws Exception {
        mcr.saveRunner(Runner.builder("flaky").name("Flaky").shell(Runner.Execution.BASH)
                .command("read l < '" + health + "'; echo \"$l\"; [ \"$l\" != FAIL ]")
                .alertCooldown(Duration.ofMinutes(1)).alertEscalation(Duration.ZERO).downAfter(2, 3)
                .onMatch("UP", CaseState.UP, "flaky up").notify("notify_main").build());
        assertThat(says("flaky", "FAIL")).as("1 of 1 failed").isEmpty();
        restart();
        assertThat(says("flaky", "FAIL")).as("the failure before the restart still counts: 2 of 2")
                .containsExactly("At least 2 of the last 3 runs failed (exit code 1).");
        restart();
        assertThat(says("flaky", "FAIL")).as("the DOWN sent before the restart is not news within the cooldown")
                .isEmpty();
        clock.advance(Duration.ofMinutes(2));
        restart();
        assertThat(says("flaky", "UP")).as("1 of the last 3 succeeded").isEmpty();
        assertThat(says("flaky", "UP")).as("the recovery is sent although the DOWN was before two restarts")
                .containsExactly("RECOVERY: flaky up");
    }

    @Test
    void after_a_restart_an_n_of_m_rule_does_not_count_runs_stopped_by_a_person() throws Exception {
        mcr.saveRunner(Runner.builder("flaky").name("Flaky").shell(Runner.Execution.BASH)
                .command("read l < '" + health + "'; echo \"$l\"; [ \"$l\" != HANG ] || sleep 60; [ \"$l\" != FAIL ]")
                .alertCooldown(Duration.ofMinutes(1)).alertEscalation(Duration.ZERO).downAfter(2, 2)
                .notify("notify_main").build());
        assertThat(says("flaky", "FAIL")).as("1 of 1 failed").isEmpty();
        Files.writeString(health, "HANG\n");
        RunHandle hanging = mcr.start("flaky");
        events.await(dev.mcr.event.OutputLine.class, e -> e.runnerId().equals("flaky") && e.text().equals("HANG\n"));
        mcr.stop("flaky");
        hanging.result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        restart();
        // Had the stop counted as a failure, the rule would already hold DOWN and this would be a silent repeat.
        assertThat(says("flaky", "FAIL")).as("2 of the last 2 counted runs failed")
                .containsExactly("At least 2 of the last 2 runs failed (exit code 1).");
    }

    @Test
    void after_a_restart_an_n_of_m_rule_counts_only_the_last_attempt_of_a_retried_run() throws Exception {
        Runner.Builder flaky = Runner.builder("flaky").name("Flaky").shell(Runner.Execution.BASH)
                .command("read l < '" + health + "'; echo \"$l\"; [ \"$l\" != FAIL ]")
                .alertCooldown(Duration.ofMinutes(1)).alertEscalation(Duration.ZERO).downAfter(2, 2)
                .notify("notify_main");
        mcr.saveRunner(flaky.retries(1, Duration.ofSeconds(1), 1).build());
        Files.writeString(health, "FAIL\n");
        mcr.start("flaky");
        events.await(dev.mcr.event.RunScheduled.class, e -> e.runnerId().equals("flaky") && e.attempt() == 2);
        scheduler.advance(Duration.ofSeconds(1));
        events.await(dev.mcr.event.RunFinished.class, e -> e.runnerId().equals("flaky") && e.attempt() == 2);
        assertThat(deliveredSince(0)).as("two attempts, one counted run: 1 of 1 failed").isEmpty();
        restart();
        mcr.saveRunner(flaky.retries(0, Duration.ZERO, 1).build());
        // Had both attempts counted, the rule would already hold DOWN and this would be a silent repeat.
        assertThat(says("flaky", "FAIL")).as("2 of the last 2 counted runs failed")
                .containsExactly("At least 2 of the last 2 runs failed (exit code 1).");
    }

    @Test
    void down_after_and_escalate_to_are_kept_when_the_original_client_saves_and_bad_values_are_refused_storing_nothing() {
        mcr.saveRunner(mcr.state().runner("nas").orElseThrow().toBuilder().downAfter(3, 5)
                .escalateTo("notify_main", Duration.ofMinutes(15)).build());
        String original = "{\"notify_profiles\":[],\"runners\":[{\"id\":\"nas\",\"name\":\"NAS 2\","
                + "\"command\":\"true\",\"logging_enabled\":true,\"schedule\":{\"hours\":0,\"minutes\":0,"
                + "\"seconds\":0},\"max_runs\":1,\"alert_cooldown_s\":300,\"alert_escalation_s\":1800,"
                + "\"failure_pause_threshold\":5,\"cases\":[],\"notify_profile_ids\":[],"
                + "\"notify_profile_updates_only\":[]}],\"runner_groups\":[],\"runner_layout\":[{\"type\":\"runner\","
                + "\"id\":\"nas\"}]}";
        mcr.saveStateJson(original.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Runner saved = mcr.state().runner("nas").orElseThrow();
        assertThat(saved.name()).isEqualTo("NAS 2");
        assertThat(saved.alerting().downAfter()).isEqualTo(new Runner.DownAfter(3, 5));
        assertThat(saved.alerting().escalateTo())
                .isEqualTo(new Runner.EscalateTo("notify_main", Duration.ofMinutes(15)));
        assertThat(mcr.clientStateJson()).contains("\"down_after\":{\"failures\":3,\"of_runs\":5},"
                + "\"escalate_to\":{\"profile_id\":\"notify_main\",\"after_s\":900}");

        // A partial object is merged onto the stored rule ("absent means keep"): {"failures": 9} makes 9 of 5.
        for (String bad : List.of("{\"failures\":4,\"of_runs\":3}", "{\"failures\":0,\"of_runs\":3}",
                "{\"failures\":2,\"of_runs\":101}", "{\"failures\":\"2\",\"of_runs\":3}",
                "{\"failures\":1.5,\"of_runs\":3}", "[2,3]", "\"2/3\"", "{\"failures\":9}")) {
            assertThatThrownBy(() -> mcr.saveStateJson(original.replace("\"cases\":[]", "\"down_after\":" + bad
                    + ",\"cases\":[]").replace("NAS 2", "NAS 3").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("Runner 'NAS 3' (nas), down_after: It must be {\"failures\": N, ");
        }
        for (String bad : List.of("{\"profile_id\":\"notify_main\",\"after_s\":0}", "{\"profile_id\":\"\","
                + "\"after_s\":60}", "{\"profile_id\":\"notify_main\",\"after_s\":\"60\"}", "\"notify_main\"",
                "{\"profile_id\":\"notify_main\",\"after_s\":2592001}")) {
            assertThatThrownBy(() -> mcr.saveStateJson(original.replace("\"cases\":[]", "\"escalate_to\":" + bad
                    + ",\"cases\":[]").replace("NAS 2", "NAS 3").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("Runner 'NAS 3' (nas), escalate_to: It must be {\"profile_id\": ");
        }
        assertThat(mcr.state().runner("nas").orElseThrow()).isEqualTo(saved);
        mcr.saveStateJson(original.replace("\"cases\":[]", "\"down_after\":null,\"cases\":[]")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(mcr.state().runner("nas").orElseThrow().alerting().downAfter()).as("null switches it off")
                .isEqualTo(Runner.DownAfter.NONE);
    }

    @Test
    void an_unacknowledged_down_escalates_once_to_the_second_service_on_time_across_a_restart_and_an_ack_stops_it()
            throws Exception {
        mcr.saveProfile(NotifyProfile.pushover("notify_boss", "Boss", "boss", "t"));
        mcr.saveRunner(mcr.state().runner("nas").orElseThrow().toBuilder()
                .escalateTo("notify_boss", Duration.ofMinutes(10)).build());
        assertThat(nasSays("DOWN")).containsExactly("NAS down");
        assertThat(mcr.status().get("nas").alert().escalationDue()).isEqualTo(clock.instant().plusSeconds(600));
        int before = pushover.bodies().size();
        scheduler.advance(Duration.ofMinutes(9));
        assertThat(deliveredSince(before)).isEmpty();

        restart();
        assertThat(mcr.status().get("nas").alert().escalationDue()).as("the deadline survives the restart")
                .isEqualTo(clock.instant().plusSeconds(60));
        scheduler.advance(Duration.ofSeconds(59));
        assertThat(deliveredSince(before)).as("not early after the restart").isEmpty();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(deliveredSince(before))
                .containsExactly("boss: ESCALATION: DOWN for 600 s without acknowledgement: NAS down");
        JournalEntry row = mcr.notifications(JournalQuery.newest()).stream()
                .filter(j -> j.profileId().equals("notify_boss")).findFirst().orElseThrow();
        assertThat(row.title()).isEqualTo("NAS (escalation)");
        assertThat(mcr.status().get("nas").alert().escalated()).isTrue();
        assertThat(mcr.status().get("nas").alert().escalationDue()).isNull();

        restart();
        assertThat(mcr.status().get("nas").alert().escalated()).as("kept across the restart").isTrue();
        before = pushover.bodies().size();
        scheduler.advance(Duration.ofHours(1));
        assertThat(nasSays("DOWN")).as("once per DOWN, and the DOWN from before the restart holds")
                .containsExactly("ESCALATION (DOWN): NAS down");
        scheduler.advance(Duration.ofHours(1));
        assertThat(deliveredSince(before)).doesNotContain("boss: ESCALATION: DOWN for 600 s without "
                + "acknowledgement: NAS down");

        assertThat(nasSays("UP")).containsExactly("RECOVERY: NAS up");
        assertThat(nasSays("DOWN")).as("a new DOWN").containsExactly("NAS down");
        mcr.acknowledge("nas", "ann");
        assertThat(mcr.status().get("nas").alert().escalationDue()).isNull();
        before = pushover.bodies().size();
        scheduler.advance(Duration.ofMinutes(11));
        assertThat(deliveredSince(before)).as("acknowledged in time").isEmpty();
    }
}
