package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunPaused;
import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.event.RunStopped;
import dev.mcr.model.Runner;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules survive a restart (close, then a new instance on the same folder): time is a settable clock and
 * scheduling a manual scheduler, so "nothing starts before its due time" and "it starts once" are facts.
 */
class McrDurableScheduleTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private ManualScheduler scheduler;
    private Mcr mcr;
    private EventRecorder events;

    @BeforeEach
    void open() {
        scheduler = new ManualScheduler(clock);
        mcr = Mcr.builder().dataDir(dir).clock(clock).scheduler(scheduler).build();
        events = new EventRecorder(mcr);
    }

    @AfterEach
    void close() {
        events.close();
        mcr.close();
    }

    /** Closes this instance (stopping what runs), lets time pass, and opens a new one on the same folder. */
    private void restart(Duration down) {
        close();
        clock.advance(down);
        open();
    }

    private long count(Class<?> type, String runnerId) throws InterruptedException {
        return events.events().stream().filter(type::isInstance)
                .filter(e -> ((dev.mcr.event.RunnerStatusEvent) e).runnerId().equals(runnerId)).count();
    }

    @Test
    void a_scheduled_runner_resumes_at_its_due_time_with_its_run_count_remaining_runs_and_session_start()
            throws Exception {
        mcr.saveRunner(Runner.builder("tick").command("echo tick").every(Duration.ofMinutes(1)).runs(5).build());
        mcr.start("tick");
        assertThat(events.await(RunScheduled.class, e -> true).inS()).isEqualTo(60);
        RunnerStatus before = mcr.status().get("tick");

        restart(Duration.ofSeconds(20));
        assertThat(mcr.status().get("tick").scheduled()).as("resumed on the scheduler, not yet").isFalse();
        scheduler.runDue();

        assertThat(events.await(RunScheduled.class, e -> true).inS()).as("due 60 s after the run, 20 s passed")
                .isEqualTo(40);
        RunnerStatus resumed = mcr.status().get("tick");
        assertThat(resumed.scheduled()).isTrue();
        assertThat(resumed.runCount()).isEqualTo(1);
        assertThat(resumed.remaining()).isEqualTo(4);
        assertThat(resumed.activeTs()).isEqualTo(before.activeTs());
        scheduler.advance(Duration.ofSeconds(39));
        assertThat(count(RunStarted.class, "tick")).isZero();

        scheduler.advance(Duration.ofSeconds(1));

        RunStarted second = events.await(RunStarted.class, e -> true);
        assertThat(second.ts()).isEqualTo(Instant.parse("2026-03-11T12:01:00Z"));
        assertThat(second.runCount()).isEqualTo(2);
        assertThat(second.remaining()).isEqualTo(3);
        assertThat(second.activeTs()).isEqualTo(before.activeTs());
        events.await(RunScheduled.class, e -> e.inS() == 60);
    }

    @Test
    void an_overdue_runner_starts_once_at_start_up_and_its_failures_carry_on_to_the_pause() throws Exception {
        mcr.saveRunner(Runner.builder("flaky").command("echo bad; exit 1").every(Duration.ofMinutes(1))
                .unlimitedRuns().pauseAfterFailures(3).build());
        mcr.start("flaky");
        assertThat(events.await(RunFinished.class, e -> true).consecutiveFailures()).isEqualTo(1);
        events.await(RunScheduled.class, e -> true);

        restart(Duration.ofHours(1));
        scheduler.runDue();

        assertThat(events.await(RunScheduled.class, e -> true).inS()).as("overdue").isZero();
        RunStarted resumed = events.await(RunStarted.class, e -> true);
        assertThat(resumed.runCount()).isEqualTo(2);
        assertThat(events.await(RunFinished.class, e -> true).consecutiveFailures()).isEqualTo(2);
        events.await(RunScheduled.class, e -> e.inS() == 60);
        assertThat(count(RunStarted.class, "flaky")).as("once, not once per missed interval").isEqualTo(1);

        scheduler.advance(Duration.ofMinutes(1));
        RunPaused paused = events.await(RunPaused.class, e -> true);
        assertThat(paused.consecutiveFailures()).isEqualTo(3);

        restart(Duration.ofHours(1));
        scheduler.advance(Duration.ofHours(1));
        assertThat(events.events()).as("a paused runner stays paused").isEmpty();
        assertThat(mcr.status().get("flaky").scheduled()).isFalse();
    }

    @Test
    void a_run_cut_short_by_a_shutdown_is_made_again_after_the_restart_as_the_same_run_of_its_session()
            throws Exception {
        mcr.saveRunner(Runner.builder("slow").command("echo up; sleep 30").every(Duration.ofMinutes(1)).runs(3)
                .build());
        mcr.start("slow");
        RunStarted first = events.await(RunStarted.class, e -> true);
        events.await(OutputLine.class, e -> e.text().equals("up\n"));

        restart(Duration.ofSeconds(5));
        scheduler.runDue();

        assertThat(events.await(RunScheduled.class, e -> true).inS()).isZero();
        RunStarted again = events.await(RunStarted.class, e -> true);
        assertThat(again.runCount()).isEqualTo(first.runCount()).isEqualTo(1);
        assertThat(again.remaining()).isEqualTo(first.remaining()).isEqualTo(2);
        assertThat(again.activeTs()).isEqualTo(first.activeTs());
        assertThat(again.runId()).isNotEqualTo(first.runId());
        mcr.stop("slow");
        events.await(RunFinished.class, e -> true);
    }

    @Test
    void a_runner_the_user_stopped_stays_stopped_after_a_restart() throws Exception {
        mcr.saveRunner(Runner.builder("tick").command("echo tick").every(Duration.ofMinutes(1)).unlimitedRuns()
                .build());
        mcr.start("tick");
        events.await(RunScheduled.class, e -> true);
        mcr.stop("tick");
        events.await(RunStopped.class, e -> true);

        restart(Duration.ofMinutes(5));
        scheduler.advance(Duration.ofHours(1));

        assertThat(events.events()).isEmpty();
        assertThat(mcr.status().get("tick").scheduled()).isFalse();
    }

    @Test
    void a_one_shot_run_cut_short_and_a_session_that_ended_are_not_started_again() throws Exception {
        mcr.saveRunner(Runner.builder("once").command("echo up; sleep 30").build());
        mcr.saveRunner(Runner.builder("twice").command("echo tick").every(Duration.ofSeconds(10)).runs(2).build());
        mcr.start("twice");
        events.await(RunScheduled.class, e -> true);
        scheduler.advance(Duration.ofSeconds(10));
        events.await(RunFinished.class, e -> e.runnerId().equals("twice") && countFinished("twice") == 2);
        mcr.start("once");
        events.await(OutputLine.class, e -> e.runnerId().equals("once"));

        restart(Duration.ofMinutes(1));
        scheduler.advance(Duration.ofHours(1));

        assertThat(events.events()).isEmpty();
    }

    private long countFinished(String runnerId) {
        try {
            return events.all(RunFinished.class).stream().filter(f -> f.runnerId().equals(runnerId)).count();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
