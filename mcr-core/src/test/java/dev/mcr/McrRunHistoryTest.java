package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.RunNotFoundException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.event.GroupStatus;
import dev.mcr.event.RunFinished;
import dev.mcr.files.RunOutputs;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import dev.mcr.store.RunRetention;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run history through the facade, with real bash runs and the real SQLite store. */
class McrRunHistoryTest extends McrTestBase {

    /** A login shell reads the profile at every run; these tests are about the records, not the shell. */
    private static final List<String> SHELL = List.of("setsid", "bash", "-c");

    @Override
    Mcr.Builder configure(Mcr.Builder builder) {
        return builder.shell(SHELL);
    }

    private RunRecord runAndRecord(String runnerId) throws Exception {
        RunHandle h = mcr.start(runnerId);
        h.result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return mcr.run(h.runId()).orElseThrow();
    }

    private String output(String runId, int tailLines) throws IOException {
        try (LogContent c = mcr.runOutput(runId, tailLines)) {
            return new String(c.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path outputFile(String runId) {
        return dir.resolve(RunOutputs.DIR_NAME).resolve(runId + ".out");
    }

    @Test
    void a_manual_run_is_recorded_with_its_fields_and_its_output_is_kept_in_a_private_file() throws Exception {
        mcr.saveRunner(Runner.builder("runner_disk").name("Disk check")
                .command("echo 'disk DOWN'; echo 'disk WARN 91%'; echo 'größe ok'; exit 3")
                .onMatch("DOWN", CaseState.DOWN, "disk is down")
                .onMatch("WARN (\\d+)%", CaseState.WARN, "disk at {g1}%").build());
        Instant before = Instant.now();
        RunRecord r = runAndRecord("runner_disk");

        assertThat(r.runnerId()).isEqualTo("runner_disk");
        assertThat(r.runnerName()).isEqualTo("Disk check");
        assertThat(r.trigger()).isEqualTo(RunRecord.MANUAL);
        assertThat(r.groupId()).isNull();
        assertThat(r.actor()).isNull();
        assertThat(r.node()).isNotBlank();
        assertThat(r.startedTs()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(r.finishedTs()).isAfterOrEqualTo(r.startedTs());
        assertThat(r.durationMs()).isEqualTo(Duration.between(r.startedTs(), r.finishedTs()).toMillis());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stopped()).isFalse();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(r.lastCase()).isEqualTo("disk at 91%");
        assertThat(r.lastState()).isEqualTo(CaseState.WARN);
        assertThat(r.worstState()).as("DOWN outranks the later WARN").isEqualTo(CaseState.DOWN);
        String expected = "disk DOWN\ndisk WARN 91%\ngröße ok\n";
        assertThat(r.outputLines()).isEqualTo(3);
        assertThat(r.outputBytes()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
        assertThat(r.outcome()).isEqualTo(RunRecord.FAILURE);

        assertThat(output(r.runId(), 0)).isEqualTo(expected);
        assertThat(output(r.runId(), 2)).isEqualTo("disk WARN 91%\ngröße ok\n");
        assertThat(output(r.runId(), 50)).isEqualTo(expected);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outputFile(r.runId()))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outputFile(r.runId()).getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void the_log_block_of_a_run_records_its_start_duration_and_trigger_after_the_originals_fields() throws Exception {
        mcr.saveRunner(Runner.builder("runner_log").name("Logged").command("echo hi").build());
        RunRecord r = runAndRecord("runner_log");
        String log = logText("runner_log");
        assertThat(log).contains("stopped: False\nstarted: " + dev.mcr.model.Timestamps.format(r.startedTs(),
                mcr.zone()) + "\nduration_ms: ");
        assertThat(log).contains("\ntrigger: manual\n" + "-".repeat(80) + "\nhi\n");
    }

    @Test
    void a_stopped_run_is_recorded_as_stopped_with_the_output_it_printed() throws Exception {
        mcr.saveRunner(Runner.builder("runner_long").command("echo begun; sleep 30").build());
        RunHandle h = mcr.start("runner_long");
        events.await(dev.mcr.event.OutputLine.class, l -> l.runId().equals(h.runId()));
        mcr.stop("runner_long");
        h.result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        RunRecord r = mcr.run(h.runId()).orElseThrow();
        assertThat(r.stopped()).isTrue();
        assertThat(r.outcome()).isEqualTo(RunRecord.STOPPED);
        assertThat(output(r.runId(), 0)).isEqualTo("begun\n");
    }

    @Test
    void members_of_a_group_sequence_are_recorded_with_the_trigger_group_and_the_group_id() throws Exception {
        mcr.saveRunner(Runner.builder("runner_a").name("A").command("echo a").build());
        mcr.saveRunner(Runner.builder("runner_b").name("B").command("echo b").build());
        AppState s = mcr.state();
        List<RunnerGroup> groups = new ArrayList<>(s.runnerGroups());
        groups.add(new RunnerGroup("group_pipe", "Pipeline", List.of("runner_a", "runner_b"), List.of(), Map.of()));
        mcr.saveState(s.withGroupsAndLayout(groups, s.runnerLayout()));

        mcr.startGroup("group_pipe");
        events.await(GroupStatus.class, g -> g.status().equals("finished"), Duration.ofSeconds(20));
        RunRecord afterwards = runAndRecord("runner_a");

        List<RunRecord> items = mcr.runs(RunQuery.newest(10)).items();
        assertThat(items).extracting(RunRecord::runnerId).containsExactly("runner_a", "runner_b", "runner_a");
        assertThat(items.subList(1, 3)).allSatisfy(r -> {
            assertThat(r.trigger()).isEqualTo(RunRecord.GROUP);
            assertThat(r.groupId()).isEqualTo("group_pipe");
        });
        assertThat(afterwards.trigger()).as("a later manual start of a member is no group run")
                .isEqualTo(RunRecord.MANUAL);
        assertThat(mcr.runs(new RunQuery(null, "group_pipe", null, null, null, 10)).items()).hasSize(2);
    }

    @Test
    void pages_follow_a_cursor_that_stays_put_while_new_runs_are_recorded() throws Exception {
        mcr.saveRunner(Runner.builder("runner_p").command("true").build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(0, runAndRecord("runner_p").runId());
        }
        RunPage first = mcr.runs(RunQuery.newest(2).runner("runner_p"));
        assertThat(first.items()).extracting(RunRecord::runId).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(first.next()).isEqualTo(ids.get(1));
        runAndRecord("runner_p");
        runAndRecord("runner_p");
        RunPage second = mcr.runs(RunQuery.newest(2).runner("runner_p").before(first.next()));
        assertThat(second.items()).extracting(RunRecord::runId).containsExactlyElementsOf(ids.subList(2, 4));
        RunPage last = mcr.runs(RunQuery.newest(2).runner("runner_p").before(second.next()));
        assertThat(last.items()).extracting(RunRecord::runId).containsExactly(ids.get(4));
        assertThat(last.next()).isNull();
    }

    @Test
    void output_beyond_the_retention_bound_is_deleted_oldest_first_and_then_answers_not_found() throws Exception {
        mcr.close();
        mcr = Mcr.builder().dataDir(dir).shell(SHELL).runRetention(new RunRetention(2, Duration.ofDays(90), 2 * 1001))
                .build();
        mcr.saveRunner(Runner.builder("runner_big").command("head -c 1000 /dev/zero | tr '\\0' x; echo").build());
        RunRecord first = runAndRecord("runner_big");
        RunRecord second = runAndRecord("runner_big");
        assertThat(Files.exists(outputFile(first.runId()))).isTrue();
        RunRecord third = runAndRecord("runner_big");

        assertThat(Files.exists(outputFile(first.runId()))).as("deleted with its record (2 runs per runner)")
                .isFalse();
        assertThat(mcr.run(first.runId())).isEmpty();
        assertThatThrownBy(() -> mcr.runOutput(first.runId(), 0)).isInstanceOf(RunNotFoundException.class)
                .hasMessageContaining("no record");
        assertThat(third.outputBytes()).isEqualTo(1001);
        assertThat(output(third.runId(), 0)).hasSize(1001);
        assertThat(output(second.runId(), 0)).hasSize(1001);

        mcr.saveRunner(Runner.builder("runner_other").command("echo x").build());
        runAndRecord("runner_other");
        assertThat(Files.exists(outputFile(second.runId()))).as("the oldest output goes when the total is over")
                .isFalse();
        assertThat(mcr.run(second.runId()).orElseThrow().outputKept()).isFalse();
        assertThatThrownBy(() -> mcr.runOutput(second.runId(), 0)).isInstanceOf(RunNotFoundException.class)
                .hasMessageContaining("no longer kept");
    }

    @Test
    void a_runner_that_never_existed_has_no_statistics_and_a_deleted_runner_keeps_its_history() throws Exception {
        assertThatThrownBy(() -> mcr.runStats("runner_nope", Duration.ofDays(1)))
                .isInstanceOf(RunnerNotFoundException.class);
        mcr.saveRunner(Runner.builder("runner_gone").command("true").build());
        runAndRecord("runner_gone");
        mcr.removeRunner("runner_gone");
        RunStats stats = mcr.runStats("runner_gone", Duration.ofDays(1));
        assertThat(stats.runs()).isEqualTo(1);
        assertThat(stats.successRate()).isEqualTo(1.0);
    }

    @Test
    void a_run_a_killed_server_recorded_as_live_but_not_yet_in_its_history_is_closed_as_lost() throws Exception {
        mcr.saveRunner(Runner.builder("runner_cut").name("Cut short").command("true").build());
        mcr.close();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Instant started = Instant.parse("2026-12-01T10:00:00Z");
        try (dev.mcr.store.sqlite.SqliteStore store = dev.mcr.store.sqlite.SqliteStore.open(dir)) {
            // What a server killed right after a spawn leaves: the live run, no record yet.
            store.runtime().recordLiveRun(new dev.mcr.store.LiveRun("run_cut", "runner_cut", null, gone.pid(), null,
                    started), List.of());
        }
        mcr = Mcr.builder().dataDir(dir).shell(SHELL).build();
        RunRecord lost = mcr.run("run_cut").orElseThrow();
        assertThat(lost.outcome()).isEqualTo(RunRecord.LOST);
        assertThat(lost.runnerName()).isEqualTo("Cut short");
        assertThat(lost.startedTs()).isEqualTo(started);
    }

    @Test
    void runs_are_not_recorded_when_the_history_is_off() throws Exception {
        mcr.close();
        mcr = Mcr.builder().dataDir(dir).shell(SHELL).recordRuns(false).build();
        mcr.saveRunner(Runner.builder("runner_q").command("echo quiet").build());
        RunHandle h = mcr.start("runner_q");
        h.result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(mcr.run(h.runId())).isEmpty();
        assertThat(mcr.runs(RunQuery.newest(10)).items()).isEmpty();
    }
}
