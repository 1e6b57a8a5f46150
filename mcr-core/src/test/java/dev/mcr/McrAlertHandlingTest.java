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
        mcr = Mcr.builder().dataDir(dir.resolve("data")).seedDemo(false).clock(clock).pushoverUrl(pushover.url())
                .build();
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
        Files.writeString(health, line + "\n");
        int before = pushover.bodies().size();
        mcr.start("nas").result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        int marker = ++markers;
        mcr.start("marker").result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        events.await(NotifyProfileStatus.class, e -> e.runnerId().equals("marker")
                && markers == marker && pushover.bodies().stream().filter(b -> b.contains("message=mark")).count()
                >= marker);
        List<String> sent = pushover.bodies().subList(before, pushover.bodies().size()).stream()
                .filter(b -> !b.contains("message=mark")).map(b -> b.replaceAll("(?s).*message=([^&]*).*", "$1"))
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
}
