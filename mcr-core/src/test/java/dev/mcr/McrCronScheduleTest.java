package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.InvalidInputException;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.event.ScheduleSkipped;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cron schedules in the engine: armed without a start request, misfires across a restart, overlaps, switching off, and
 * the original client's saves. Time is a settable clock and scheduling a manual scheduler: "nothing starts before its
 * due time" is a fact, not a wait.
 */
class McrCronScheduleTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private ManualScheduler scheduler;
    private Mcr mcr;
    private EventRecorder events;

    @BeforeEach
    void open() {
        scheduler = new ManualScheduler(clock);
        mcr = Mcr.builder().dataDir(dir).clock(clock.withZone(ZoneOffset.UTC)).scheduler(scheduler).build();
        events = new EventRecorder(mcr);
        scheduler.runDue();
    }

    @AfterEach
    void close() {
        events.close();
        mcr.close();
    }

    private void restart(Duration down) {
        close();
        clock.advance(down);
        open();
    }

    private static Runner everyMinute(String id, String command, Schedule.Misfire misfire, Schedule.Overlap overlap) {
        Schedule.Cron cron = Schedule.cron("* * * * *", ZoneOffset.UTC).with(misfire, overlap);
        return Runner.builder(id).command(command).schedule(cron).build();
    }

    private long started(String runnerId) throws InterruptedException {
        return events.all(RunStarted.class).stream().filter(e -> e.runnerId().equals(runnerId)).count();
    }

    @Test
    void a_cron_runner_is_armed_when_saved_and_runs_at_each_due_time_without_a_start_request() throws Exception {
        mcr.saveRunner(everyMinute("tick", "echo tick", Schedule.Misfire.RUN_ONCE, Schedule.Overlap.SKIP));

        RunScheduled armed = events.await(RunScheduled.class, e -> true);
        assertThat(armed.due()).isEqualTo(Instant.parse("2026-03-11T12:01:00Z"));
        assertThat(armed.inS()).isEqualTo(60);
        assertThat(armed.toJson(ZoneOffset.UTC)).containsEntry("next_run_ts", "2026-03-11T12:01:00+00:00");
        RunnerStatus status = mcr.status().get("tick");
        assertThat(status.scheduled()).isTrue();
        assertThat(status.nextRunTs()).isEqualTo(Instant.parse("2026-03-11T12:01:00Z"));
        scheduler.advance(Duration.ofSeconds(59));
        assertThat(started("tick")).isZero();

        scheduler.advance(Duration.ofSeconds(1));
        RunStarted first = events.await(RunStarted.class, e -> true);
        assertThat(first.ts()).isEqualTo(Instant.parse("2026-03-11T12:01:00Z"));
        events.await(RunFinished.class, e -> e.runId().equals(first.runId()));
        events.await(RunScheduled.class, e -> Instant.parse("2026-03-11T12:02:00Z").equals(e.due()));

        scheduler.advance(Duration.ofMinutes(1));
        RunStarted second = events.await(RunStarted.class, e -> !e.runId().equals(first.runId()));
        assertThat(second.ts()).isEqualTo(Instant.parse("2026-03-11T12:02:00Z"));
    }

    @Test
    void switching_the_schedule_off_disarms_it_and_on_again_arms_it() throws Exception {
        Runner r = everyMinute("tick", "echo tick", Schedule.Misfire.RUN_ONCE, Schedule.Overlap.SKIP);
        mcr.saveRunner(r);
        events.await(RunScheduled.class, e -> true);

        mcr.saveRunner(r.withSchedule(((Schedule.Cron) r.timing().schedule()).withEnabled(false), 1));
        scheduler.advance(Duration.ofMinutes(5));

        assertThat(started("tick")).isZero();
        assertThat(mcr.status().get("tick").scheduled()).isFalse();
        assertThat(mcr.status().get("tick").nextRunTs()).isNull();

        mcr.saveRunner(r);
        scheduler.advance(Duration.ofMinutes(1));
        events.await(RunStarted.class, e -> e.ts().equals(Instant.parse("2026-03-11T12:06:00Z")));
    }

    @Test
    void misfire_run_once_makes_one_catch_up_run_at_start_up_however_many_due_times_passed() throws Exception {
        mcr.saveRunner(everyMinute("once", "echo once", Schedule.Misfire.RUN_ONCE, Schedule.Overlap.SKIP));
        events.await(RunScheduled.class, e -> true);

        restart(Duration.ofMinutes(10));
        scheduler.runDue();

        RunStarted catchUp = events.await(RunStarted.class, e -> true);
        assertThat(catchUp.ts()).as("at start-up").isEqualTo(Instant.parse("2026-03-11T12:10:00Z"));
        events.await(RunFinished.class, e -> true);
        events.await(RunScheduled.class, e -> Instant.parse("2026-03-11T12:11:00Z").equals(e.due()));
        assertThat(started("once")).as("one run for ten missed due times").isEqualTo(1);
        assertThat(events.all(ScheduleSkipped.class)).isEmpty();
    }

    @Test
    void misfire_skip_announces_the_missed_due_time_and_waits_for_the_next_one() throws Exception {
        mcr.saveRunner(everyMinute("skip", "echo skip", Schedule.Misfire.SKIP, Schedule.Overlap.SKIP));
        events.await(RunScheduled.class, e -> true);

        restart(Duration.ofSeconds(150));
        scheduler.runDue();

        ScheduleSkipped skipped = events.await(ScheduleSkipped.class, e -> true);
        assertThat(skipped.reason()).isEqualTo("misfire");
        assertThat(skipped.due()).isEqualTo(Instant.parse("2026-03-11T12:01:00Z"));
        assertThat(events.await(RunScheduled.class, e -> true).due()).isEqualTo(Instant.parse("2026-03-11T12:03:00Z"));
        assertThat(started("skip")).isZero();

        scheduler.advance(Duration.ofSeconds(30));
        assertThat(events.await(RunStarted.class, e -> true).ts()).isEqualTo(Instant.parse("2026-03-11T12:03:00Z"));
    }

    @Test
    void a_due_time_while_the_previous_run_runs_is_skipped_and_announced() throws Exception {
        mcr.saveRunner(everyMinute("slow", "echo go; sleep 30", Schedule.Misfire.RUN_ONCE, Schedule.Overlap.SKIP));
        scheduler.advance(Duration.ofMinutes(1));
        RunStarted first = events.await(RunStarted.class, e -> true);

        scheduler.advance(Duration.ofMinutes(2));

        assertThat(events.all(ScheduleSkipped.class)).extracting(ScheduleSkipped::due, ScheduleSkipped::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-03-11T12:02:00Z"), "overlap"),
                        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-03-11T12:03:00Z"), "overlap"));
        assertThat(started("slow")).isEqualTo(1);
        mcr.stop("slow");
        events.await(RunFinished.class, e -> e.runId().equals(first.runId()));
        assertThat(mcr.status().get("slow").scheduled()).as("a stop ends the run, not the schedule").isTrue();
    }

    @Test
    void with_overlap_queue_one_due_time_waits_for_the_run_and_further_ones_are_skipped() throws Exception {
        mcr.saveRunner(everyMinute("queue", "echo go; sleep 30", Schedule.Misfire.RUN_ONCE, Schedule.Overlap.QUEUE));
        scheduler.advance(Duration.ofMinutes(1));
        RunStarted first = events.await(RunStarted.class, e -> true);

        scheduler.advance(Duration.ofMinutes(2));
        assertThat(events.all(ScheduleSkipped.class)).extracting(ScheduleSkipped::due)
                .as("12:02 waits, 12:03 finds the queue full").containsExactly(Instant.parse("2026-03-11T12:03:00Z"));
        assertThat(started("queue")).isEqualTo(1);

        mcr.stop("queue");
        events.await(RunFinished.class, e -> e.runId().equals(first.runId()));
        RunStarted queued = events.await(RunStarted.class, e -> !e.runId().equals(first.runId()));
        assertThat(queued.ts()).as("as soon as the previous run ended").isEqualTo(clock.instant());
        mcr.stop("queue");
    }

    @Test
    void a_stop_of_a_waiting_cron_runner_ends_nothing_but_says_it_still_waits() throws Exception {
        mcr.saveRunner(everyMinute("tick", "echo tick", Schedule.Misfire.RUN_ONCE, Schedule.Overlap.SKIP));
        events.await(RunScheduled.class, e -> true);

        mcr.stop("tick");

        events.await(dev.mcr.event.RunStopped.class, e -> true);
        assertThat(events.all(RunScheduled.class)).as("armed, then announced again after the stop").hasSize(2);
        assertThat(mcr.status().get("tick").scheduled()).isTrue();
        scheduler.advance(Duration.ofMinutes(1));
        events.await(RunStarted.class, e -> e.ts().equals(Instant.parse("2026-03-11T12:01:00Z")));
    }

    @Test
    void a_due_time_queued_while_a_run_fails_waits_through_its_retry_and_starts_after_the_last_attempt()
            throws Exception {
        Path release = dir.resolve("release");
        Schedule.Cron cron = Schedule.cron("* * * * *", ZoneOffset.UTC).with(Schedule.Misfire.RUN_ONCE,
                Schedule.Overlap.QUEUE);
        mcr.saveRunner(Runner.builder("flaky").command("while [ ! -e '" + release + "' ]; do sleep 0.05; done; exit 1")
                .schedule(cron).retries(1, Duration.ofSeconds(90), 2).build());
        scheduler.advance(Duration.ofMinutes(1));
        events.await(RunStarted.class, e -> e.attempt() == 1);
        scheduler.advance(Duration.ofMinutes(1));
        java.nio.file.Files.createFile(release);
        events.await(RunFinished.class, e -> e.attempt() == 1);
        assertThat(events.await(RunScheduled.class, e -> e.attempt() == 2).inS()).isEqualTo(90);

        scheduler.advance(Duration.ofSeconds(90));
        events.await(RunFinished.class, e -> e.attempt() == 2);

        RunStarted queued = events.await(RunStarted.class, e -> e.attempt() == 1
                && e.ts().equals(Instant.parse("2026-03-11T12:03:30Z")));
        assertThat(events.all(RunStarted.class)).extracting(RunStarted::attempt).containsExactly(1, 2, 1);
        assertThat(events.all(ScheduleSkipped.class)).extracting(ScheduleSkipped::due)
                .as("12:02 waited; 12:03 found the queue full").containsExactly(Instant.parse("2026-03-11T12:03:00Z"));
        assertThat(queued.runId()).isNotNull();
    }

    @Test
    void a_save_of_the_original_clients_document_keeps_the_cron_schedule_and_the_new_keys() throws Exception {
        Runner r = Runner.builder("nightly").name("Nightly").command("echo night")
                .cron("30 2 * * *", java.time.ZoneId.of("Europe/Berlin")).timeout(Duration.ofSeconds(90))
                .retries(2, Duration.ofSeconds(5), 3).env("MODE", "full").secretEnv("TOKEN", "s3cr3t-value")
                .shell(Runner.Execution.BASH).workingDirectory(dir).build();
        mcr.saveRunner(r);
        // What the original web client's collectState() sends: its own keys only, the schedule without cron.
        String original = "{\"notify_profiles\":[],\"runners\":[{\"id\":\"nightly\",\"name\":\"Nightly 2\","
                + "\"command\":\"echo night\",\"logging_enabled\":true,\"schedule\":{\"hours\":0,\"minutes\":0,"
                + "\"seconds\":0},\"max_runs\":1,\"alert_cooldown_s\":300,\"alert_escalation_s\":1800,"
                + "\"failure_pause_threshold\":5,\"cases\":[],\"notify_profile_ids\":[],"
                + "\"notify_profile_updates_only\":[]}],\"runner_groups\":[],\"runner_layout\":[{\"type\":\"runner\","
                + "\"id\":\"nightly\"}]}";

        mcr.saveStateJson(original.getBytes(StandardCharsets.UTF_8));

        Runner saved = mcr.state().runner("nightly").orElseThrow();
        assertThat(saved.name()).isEqualTo("Nightly 2");
        assertThat(saved.timing().schedule()).isEqualTo(r.timing().schedule());
        assertThat(saved.execution()).isEqualTo(r.execution());
        assertThat(saved.timing().retry()).isEqualTo(r.timing().retry());
    }

    @Test
    void a_save_with_a_bad_expression_zone_directory_or_variable_name_is_refused_naming_runner_and_field() {
        Map<String, String> cases = Map.of(
                "{\"cron\":\"61 * * * *\"}", "Runner 'Bad' (bad), schedule.cron: '61 * * * *' is not a valid cron",
                "{\"cron\":\"0 3 * * *\",\"time_zone\":\"Mars/Base\"}",
                "Runner 'Bad' (bad), schedule.time_zone: 'Mars/Base' is not a known time zone");
        cases.forEach((schedule, message) -> assertThatThrownBy(() -> mcr.saveStateJson(("{\"runners\":[{\"id\":\"bad\","
                + "\"name\":\"Bad\",\"command\":\"true\",\"schedule\":" + schedule + "}]}")
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(message));
        assertThatThrownBy(() -> mcr.saveRunner(Runner.builder("bad").name("Bad").command("true")
                .workingDirectory(dir.resolve("missing")).build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Runner 'Bad' (bad), working_dir: '" + dir.resolve("missing") + "' does not exist or is "
                        + "not a directory; leave it empty for the server's directory.");
        assertThatThrownBy(() -> mcr.saveStateJson(("{\"runners\":[{\"id\":\"bad\",\"name\":\"Bad\",\"command\":"
                + "\"true\",\"env\":[{\"name\":\"1X\",\"value\":\"v\"}]}]}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Runner 'Bad' (bad), env: '1X' is not a valid environment variable name");
        assertThatThrownBy(() -> mcr.saveStateJson(("{\"runners\":[{\"id\":\"bad\",\"name\":\"Bad\",\"command\":"
                + "\"true\",\"env\":[{\"name\":\"MCR_RUN_ID\",\"value\":\"v\"}]}]}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is reserved");
        assertThat(mcr.state().runner("bad")).as("nothing was saved").isEmpty();
    }

    @Test
    void the_preview_lists_the_next_due_times_as_the_engine_arms_them() {
        assertThat(mcr.cronPreview("0 3 * * *", "Europe/Berlin", 3)).containsExactly(
                Instant.parse("2026-03-12T02:00:00Z"), Instant.parse("2026-03-13T02:00:00Z"),
                Instant.parse("2026-03-14T02:00:00Z"));
        assertThatThrownBy(() -> mcr.cronPreview("nope", "", 5)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has 1 field.");
        assertThatThrownBy(() -> mcr.cronPreview("@daily", "", 51)).isInstanceOf(InvalidInputException.class);
    }
}
