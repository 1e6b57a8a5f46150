package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.InvalidInputException;
import dev.mcr.error.McrException;
import dev.mcr.error.RunnerBusyException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.event.CaseError;
import dev.mcr.event.CaseMatched;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunPaused;
import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.event.RunStopped;
import dev.mcr.event.RunStopping;
import dev.mcr.event.RunnerStatusEvent;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import dev.mcr.model.Ids;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import dev.mcr.store.sqlite.StoreFixtures;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine through the facade, with real processes. Scheduling runs on a {@link ManualScheduler} with a settable
 * clock: a scheduled start happens when the test moves the clock to it, so "nothing else starts" is checked by
 * moving the clock far ahead, not by sleeping.
 */
class McrEngineTest extends McrTestBase {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @Override
    Mcr.Builder configure(Mcr.Builder builder) {
        return builder.clock(clock).scheduler(scheduler);
    }

    private long count(Class<? extends RunnerStatusEvent> type, String runnerId) {
        try {
            return events.all(type).stream().filter(e -> e.runnerId().equals(runnerId)).count();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String uid() {
        return Ids.newId("runner");
    }

    private Runner save(Runner r) {
        return mcr.saveRunner(r);
    }

    @Test
    void a_run_publishes_started_output_in_order_and_finished_and_updates_the_status() throws Exception {
        Runner r = save(Runner.builder(uid()).command("for i in 1 2 3; do echo line$i; done; exit 3").build());
        mcr.start(r.id());
        RunFinished fin = events.await(RunFinished.class, e -> e.runnerId().equals(r.id()));
        assertThat(fin.exitCode()).isEqualTo(3);
        assertThat(fin.stopped()).isFalse();
        assertThat(fin.consecutiveFailures()).isEqualTo(1);
        List<String> lines = events.all(OutputLine.class).stream().map(OutputLine::text).toList();
        assertThat(lines).containsExactly("line1\n", "line2\n", "line3\n");
        RunStarted st = events.all(RunStarted.class).get(0);
        assertThat(st.runCount()).isEqualTo(1);
        assertThat(st.remaining()).isEqualTo(0);
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.running()).isFalse();
        assertThat(s.lastExitCode()).isEqualTo(3);
        assertThat(s.tail()).isEqualTo("line1\nline2\nline3\n");
        assertThat(s.lastFinishTs()).isNotNull();
        assertThat(s.activeTs()).isNull();
    }

    @Test
    void a_second_manual_start_while_running_is_refused_as_busy() throws Exception {
        Runner r = save(Runner.builder(uid()).command("sleep 20").build());
        mcr.start(r.id());
        assertThatThrownBy(() -> mcr.start(r.id())).isInstanceOf(RunnerBusyException.class)
                .hasMessage("Runner '" + r.id() + "' is already running; stop it or wait until it finishes.")
                .satisfies(e -> assertThat(((RunnerBusyException) e).runnerId()).isEqualTo(r.id()));
        mcr.stop(r.id());
        RunFinished fin = events.await(RunFinished.class, e -> e.runnerId().equals(r.id()));
        assertThat(fin.stopped()).isTrue();
        assertThat(fin.consecutiveFailures()).isZero();
    }

    @Test
    void an_unknown_runner_cannot_be_started() {
        assertThatThrownBy(() -> mcr.start("nope")).isInstanceOf(RunnerNotFoundException.class)
                .hasMessage("There is no runner with the id 'nope'.")
                .satisfies(e -> assertThat(((RunnerNotFoundException) e).runnerId()).isEqualTo("nope"));
    }

    @Test
    void a_runner_with_interval_1s_and_max_runs_3_runs_exactly_3_times() throws Exception {
        Runner r = save(Runner.builder(uid()).command("echo run").every(Duration.ofSeconds(1)).runs(3).build());
        mcr.start(r.id());
        events.await(RunScheduled.class, e -> count(RunScheduled.class, r.id()) == 1);
        scheduler.advance(Duration.ofMillis(999));
        assertThat(count(RunStarted.class, r.id())).as("not before its interval").isEqualTo(1);
        scheduler.advance(Duration.ofMillis(1));
        events.await(RunScheduled.class, e -> count(RunScheduled.class, r.id()) == 2);
        scheduler.advance(Duration.ofSeconds(1));
        events.await(RunFinished.class, e -> count(RunFinished.class, r.id()) == 3);
        // The session is over: however far the clock moves, nothing else starts.
        scheduler.advance(Duration.ofHours(1));
        List<RunStarted> starts = events.all(RunStarted.class);
        assertThat(starts).extracting(RunStarted::runCount).containsExactly(1, 2, 3);
        assertThat(starts).extracting(RunStarted::remaining).containsExactly(2, 1, 0);
        assertThat(starts).extracting(RunStarted::activeTs).containsOnly(starts.get(0).activeTs());
        assertThat(events.all(RunScheduled.class)).hasSize(2).allMatch(s -> s.inS() == 1);
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.scheduled()).isFalse();
        assertThat(s.runCount()).isEqualTo(3);
        assertThat(s.activeTs()).isNull();
    }

    @Test
    void a_failing_runner_is_paused_after_its_threshold_and_not_scheduled_again() throws Exception {
        Runner r = save(Runner.builder(uid()).command("echo bad; exit 2").every(Duration.ofSeconds(1))
                .unlimitedRuns().pauseAfterFailures(2).build());
        mcr.start(r.id());
        events.await(RunScheduled.class, e -> e.runnerId().equals(r.id()));
        scheduler.advance(Duration.ofSeconds(1));
        RunPaused p = events.await(RunPaused.class, e -> e.runnerId().equals(r.id()));
        assertThat(p.reason()).isEqualTo("auto_pause_failures");
        assertThat(p.consecutiveFailures()).isEqualTo(2);
        assertThat(p.threshold()).isEqualTo(2);
        scheduler.advance(Duration.ofHours(1));
        assertThat(count(RunFinished.class, r.id())).isEqualTo(2);
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.paused()).isTrue();
        assertThat(s.scheduled()).isFalse();
        assertThat(s.consecutiveFailures()).isEqualTo(2);
        // a manual start clears the pause and the failure count
        mcr.start(r.id());
        events.await(RunStarted.class, e -> e.runnerId().equals(r.id()) && count(RunStarted.class, r.id()) >= 3);
        assertThat(mcr.status().get(r.id()).paused()).isFalse();
        mcr.stop(r.id());
    }

    @Test
    void a_success_resets_the_failure_count() throws Exception {
        Path flag = dir.resolve("flag");
        Runner r = save(Runner.builder(uid()).command("if [ -f " + flag + " ]; then exit 0; else touch " + flag
                + "; exit 1; fi").every(Duration.ofSeconds(1)).runs(2).pauseAfterFailures(5).build());
        mcr.start(r.id());
        events.await(RunScheduled.class, e -> e.runnerId().equals(r.id()));
        scheduler.advance(Duration.ofSeconds(1));
        events.await(RunFinished.class, e -> e.runnerId().equals(r.id()) && e.exitCode() == 0);
        List<RunFinished> f = events.all(RunFinished.class);
        assertThat(f).extracting(RunFinished::consecutiveFailures).containsExactly(1, 0);
    }

    @Test
    void stopping_a_scheduled_runner_cancels_its_next_start_and_reports_stopped() throws Exception {
        Runner r = save(Runner.builder(uid()).command("echo x").every(Duration.ofSeconds(30)).unlimitedRuns().build());
        mcr.start(r.id());
        events.await(RunScheduled.class, e -> e.runnerId().equals(r.id()));
        assertThat(mcr.status().get(r.id()).scheduled()).isTrue();
        mcr.stop(r.id());
        events.await(RunStopped.class, e -> e.runnerId().equals(r.id()));
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(count(RunStarted.class, r.id())).as("the cancelled start never comes").isEqualTo(1);
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.scheduled()).isFalse();
        assertThat(s.stopped()).isTrue();
        assertThat(s.activeTs()).isNull();
        assertThat(s.runCount()).isZero();
        assertThat(events.all(RunStopping.class)).hasSize(1);
    }

    @Test
    void stop_kills_a_process_tree_that_ignores_int_and_term_including_background_jobs() throws Exception {
        String id = uid();
        Runner r = save(Runner.builder(id).command(
                "trap '' INT TERM; (trap '' INT TERM; sleep 1000) & sleep 1000 & echo ready; sleep 1000").build());
        mcr.start(id);
        events.await(OutputLine.class, e -> e.runnerId().equals(id) && e.text().equals("ready\n"));
        assertThat(Procs.awaitAtLeast("MCR_RUNNER_ID=" + id, 3, 10_000)).hasSizeGreaterThanOrEqualTo(3);
        long t0 = System.nanoTime();
        mcr.stop(id);
        RunFinished fin = events.await(RunFinished.class, e -> e.runnerId().equals(id), Duration.ofSeconds(15));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(fin.stopped()).isTrue();
        assertThat(Procs.awaitGone("MCR_RUNNER_ID=" + id, 3000)).isEmpty();
        // INT and TERM were ignored: only SIGKILL after 1.5 s + 2 s ended it
        assertThat(tookMs).isGreaterThanOrEqualTo(3000);
    }

    @Test
    void deleting_a_running_runner_kills_it_and_purges_its_status() throws Exception {
        String id = uid();
        save(Runner.builder(id).command("echo up; sleep 1000").build());
        save(Runner.builder(uid()).command("true").build());
        mcr.start(id);
        events.await(OutputLine.class, e -> e.runnerId().equals(id));
        AppState s = mcr.state();
        mcr.saveState(s.withRunners(s.runners().stream().filter(x -> !x.id().equals(id)).toList()));
        assertThat(Procs.awaitGone("MCR_RUNNER_ID=" + id, 6000)).isEmpty();
        assertThat(mcr.status()).doesNotContainKey(id);
        assertThat(mcr.state().runner(id)).isEmpty();
    }

    @Test
    void cases_match_every_occurrence_and_the_message_template_is_rendered() throws Exception {
        Runner r = save(Runner.builder(uid()).command("echo 'disk /a 91% /b 42%'")
                .onMatch("(?P<mount>/\\w+) (?P<use_pct>\\d+)%", CaseState.INFO, "{mount} at {use_pct}% ({g2})")
                .build());
        mcr.start(r.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(r.id()));
        List<CaseMatched> m = events.all(CaseMatched.class);
        assertThat(m).extracting(CaseMatched::message).containsExactly("/a at 91% (91)", "/b at 42% (42)");
        assertThat(m).extracting(CaseMatched::state).containsOnly(CaseState.INFO);
        assertThat(mcr.status().get(r.id()).lastCase()).isEqualTo("/b at 42% (42)");
    }

    @Test
    void an_invalid_pattern_stored_before_saves_checked_patterns_reports_a_case_error_and_the_runner_still_runs()
            throws Exception {
        Runner r = Runner.builder(uid()).command("echo fine")
                .onMatch("(unclosed", CaseState.DOWN, "never")
                .onMatch("fine", CaseState.UP, "ok").build();
        assertThatThrownBy(() -> save(r)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("case 1 (pattern '(unclosed')");
        // A state row written without the check (by the original, or an older mcr), then opened.
        events.close();
        mcr.close();
        StoreFixtures.putStateRow(dir, "{\"runners\": [{\"id\": \"" + r.id() + "\", \"name\": \"Legacy\", "
                + "\"command\": \"echo fine\", \"cases\": [{\"id\": \"case_a\", \"pattern\": \"(unclosed\", "
                + "\"message_template\": \"never\", \"state\": \"DOWN\"}, {\"id\": \"case_b\", \"pattern\": "
                + "\"fine\", \"message_template\": \"ok\", \"state\": \"UP\"}]}]}");
        open();
        mcr.start(r.id());
        CaseError err = events.await(CaseError.class, e -> e.runnerId().equals(r.id()));
        assertThat(err.error()).startsWith("Invalid regex: ");
        assertThat(err.pattern()).isEqualTo("(unclosed");
        events.await(CaseMatched.class, e -> e.message().equals("ok"));
        assertThat(events.await(RunFinished.class, e -> e.runnerId().equals(r.id())).exitCode()).isZero();
    }

    @Test
    void the_last_line_case_fires_at_the_end_of_every_run() throws Exception {
        Runner r = save(Runner.builder(uid()).command("echo first; echo '  last one  '; echo").lastLineCase().build());
        mcr.start(r.id());
        CaseMatched m = events.await(CaseMatched.class, e -> e.pattern().equals("__on_finish__"));
        assertThat(m.message()).isEqualTo("last one");
        assertThat(m.state()).isNull();
        assertThat(m.toJson(mcr.zone())).doesNotContainKey("state");
        Runner silent = save(Runner.builder(uid()).command("true").lastLineCase().build());
        mcr.start(silent.id());
        CaseMatched none = events.await(CaseMatched.class, e -> e.runnerId().equals(silent.id()));
        assertThat(none.message()).isEqualTo("(no output)");
    }

    @Test
    void saving_new_cases_applies_them_to_a_running_runner() throws Exception {
        String id = uid();
        Runner r = save(Runner.builder(id).command("echo ready; read -t 2 x; for i in 1 2 3; do echo tick; sleep 0.2; done")
                .build());
        mcr.start(id);
        events.await(OutputLine.class, e -> e.runnerId().equals(id) && e.text().equals("ready\n"));
        save(r.withCases(List.of(CaseRule.of("tick", "got a tick", CaseState.INFO))));
        events.await(RunFinished.class, e -> e.runnerId().equals(id), Duration.ofSeconds(15));
        assertThat(events.all(CaseMatched.class)).extracting(CaseMatched::message).contains("got a tick");
    }

    @Test
    void each_run_is_appended_to_the_log_file_in_the_original_format_with_our_fields_after_its_own() throws Exception {
        Runner r = save(Runner.builder(uid()).name("Logger").command("echo hello; exit 4").build());
        mcr.start(r.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(r.id()));
        String log = logText(r.id());
        assertThat(log).startsWith("\n" + "=".repeat(80) + "\ntimestamp: ");
        // The original's fields first and unchanged, then ours (start, duration, trigger: issue 17).
        assertThat(log).contains("\nrunner: Logger\ncommand: echo hello; exit 4\nexit_code: 4\nstopped: False\n"
                + "started: ");
        assertThat(log).contains("\ntrigger: manual\n" + "-".repeat(80) + "\nhello\n");
        mcr.clearLog(r.id());
        assertThat(logText(r.id())).isEmpty();
        Runner quiet = save(r.withId(uid()).withName("Quiet"));
        mcr.saveRunner(quiet.toBuilder().logging(false).build());
        mcr.start(quiet.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(quiet.id()));
        assertThat(logText(quiet.id())).isEmpty();
    }

    @Test
    void a_spawn_failure_restores_the_counters_and_reports_the_error() throws Exception {
        try (Mcr broken = Mcr.builder().dataDir(dir.resolve("broken")).seedDemo(false)
                .shell(List.of("/nonexistent/shell-for-mcr-test")).build()) {
            Runner r = broken.saveRunner(Runner.builder(uid()).command("echo x").runs(5).build());
            assertThatThrownBy(() -> broken.start(r.id())).isInstanceOf(McrException.class)
                    .hasMessageContaining("could not be started");
            RunnerStatus s = broken.status().get(r.id());
            assertThat(s.running()).isFalse();
            assertThat(s.runCount()).isZero();
            assertThat(s.remaining()).isNull();
            assertThat(s.activeTs()).isNull();
        }
    }

    @Test
    void last_case_survives_a_restart() throws Exception {
        Runner r = save(Runner.builder(uid()).command("echo state=green").onMatch("state=(\\w+)", CaseState.UP, "now {g1}")
                .build());
        mcr.start(r.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(r.id()));
        events.close();
        mcr.close();
        mcr = Mcr.builder().dataDir(dir).seedDemo(false).build();
        events = new EventRecorder(mcr);
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.lastCase()).isEqualTo("now green");
        assertThat(s.lastCaseTs()).isNotNull();
    }

    @Test
    void a_legacy_runtime_status_file_is_read_at_start() throws Exception {
        Path other = dir.resolve("legacy");
        Files.createDirectories(other);
        String id;
        try (Mcr first = Mcr.builder().dataDir(other).seedDemo(false).build()) {
            id = first.saveRunner(Runner.builder(uid()).command("true").build()).id();
        }
        Files.writeString(other.resolve("runtime_status.json"), "{\n  \"" + id + "\": {\n    \"last_case\": \"from python\",\n"
                + "    \"last_case_ts\": \"2026-02-11T14:03:05+01:00\"\n  }\n}");
        try (Mcr second = Mcr.builder().dataDir(other).seedDemo(false).build()) {
            RunnerStatus s = second.status().get(id);
            assertThat(s.lastCase()).isEqualTo("from python");
            assertThat(s.lastCaseTs()).isEqualTo(java.time.Instant.parse("2026-02-11T13:03:05Z"));
        }
    }

    @Test
    void close_leaves_no_child_process_behind() throws Exception {
        String id = uid();
        save(Runner.builder(id).command("sleep 1000 & sleep 1000 & echo go; wait").build());
        mcr.start(id);
        events.await(OutputLine.class, e -> e.runnerId().equals(id));
        events.close();
        mcr.close();
        mcr.close();
        assertThat(Procs.awaitGone("MCR_RUNNER_ID=" + id, 3000)).isEmpty();
        mcr = Mcr.builder().dataDir(dir.resolve("after")).seedDemo(false).build();
        events = new EventRecorder(mcr);
    }

    @Test
    void the_output_kept_per_run_is_bounded_in_lines_and_in_size() throws Exception {
        Runner lines = save(Runner.builder(uid()).command("seq 1 6000").build());
        mcr.start(lines.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(lines.id()));
        String log = logText(lines.id());
        assertThat(log).contains("\n1001\n").doesNotContain("\n1000\n").endsWith("\n6000\n");
        assertThat(mcr.status().get(lines.id()).tail()).startsWith("5801\n");

        Runner wide = save(Runner.builder(uid()).command("head -c 20000000 /dev/zero | tr '\\0' a | fold -w 65536").build());
        mcr.start(wide.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(wide.id()), Duration.ofSeconds(60));
        int kept = mcr.status().get(wide.id()).tail().length();
        assertThat(kept).isBetween(1_000_000, 2 * 1024 * 1024);
    }

    @Test
    void the_library_writes_no_demo_runners_unless_asked() {
        try (Mcr plain = Mcr.builder().dataDir(dir.resolve("plain")).build()) {
            assertThat(plain.state().runners()).isEmpty();
        }
        try (Mcr again = Mcr.builder().dataDir(dir.resolve("plain")).seedDemo(true).build()) {
            assertThat(again.state().runners()).as("only an empty store is seeded, not an emptied one").isEmpty();
        }
    }

    @Test
    void an_empty_store_is_seeded_with_the_two_demo_runners_when_asked() {
        try (Mcr seeded = Mcr.builder().dataDir(dir.resolve("seeded")).seedDemo(true).build()) {
            assertThat(seeded.state().runners()).hasSize(2);
            List<Runner> rs = new ArrayList<>(seeded.state().runners());
            assertThat(rs.get(1).timing().schedule()).isEqualTo(new Schedule.FixedDelay(0, 0, 5));
            assertThat(rs.get(1).timing().maxRuns()).isEqualTo(Runner.Timing.UNLIMITED_RUNS);
        }
    }

    @Test
    void a_command_longer_than_the_system_can_run_is_refused_as_bad_input_and_nothing_starts() throws Exception {
        Runner r = save(Runner.builder(uid()).command("echo " + "x".repeat(200_000)).build());
        assertThatThrownBy(() -> mcr.start(r.id()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("200005 bytes long")
                .hasMessageContaining("at most 131071 bytes");
        assertThat(mcr.status().get(r.id()).running()).isFalse();
        Runner fits = save(Runner.builder(uid()).command("echo ok # " + "x".repeat(100_000)).build());
        mcr.start(fits.id());
        assertThat(events.await(RunFinished.class, e -> e.runnerId().equals(fits.id())).exitCode()).isZero();
    }
}
