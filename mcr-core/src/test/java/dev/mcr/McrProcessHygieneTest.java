package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.GroupStatus;
import dev.mcr.event.OutputLine;
import dev.mcr.process.ShellProcess;
import dev.mcr.model.AppState;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop, delete, group stop and close leave no process of a run behind, even one that ignores SIGINT and
 * SIGTERM, a background job, and a daemon that double-forked into its own session (no longer a descendant of the
 * run's shell, out of its process group). Checked through the markers every process of a run inherits.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class McrProcessHygieneTest {

    /** Ignores INT and TERM everywhere; leaves a background job and a double-forked daemon in its own session. */
    static final String NASTY = "trap '' INT TERM; (trap '' INT TERM; sleep 1000) & "
            + "(setsid sh -c 'trap \"\" INT TERM; sleep 1001' </dev/null >/dev/null 2>&1 &); "
            + "sleep 0.2; echo ready; sleep 1002";

    @TempDir
    Path dir;
    Mcr mcr;
    EventRecorder events;
    final List<String> runnerIds = new ArrayList<>();

    @BeforeEach
    void open() {
        mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(ShellProcess.NON_LOGIN_SHELL).build();
        events = new EventRecorder(mcr);
    }

    @AfterEach
    void close() {
        events.close();
        mcr.close();
        for (String id : runnerIds) {
            for (long pid : Procs.withEnvMarker("MCR_RUNNER_ID=" + id)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private String startNasty(String id) throws Exception {
        runnerIds.add(id);
        mcr.saveRunner(Runner.builder(id).name(id).command(NASTY).build());
        mcr.start(id);
        awaitReady(id);
        return id;
    }

    private void awaitReady(String id) throws Exception {
        events.await(OutputLine.class, e -> e.runnerId().equals(id) && e.text().equals("ready\n"));
        List<Long> pids = Procs.withEnvMarker("MCR_RUNNER_ID=" + id);
        assertThat(pids).as("shell, background job and daemon are up").hasSizeGreaterThanOrEqualTo(3);
        assertThat(pids).allSatisfy(pid -> assertThat(runIdOf(pid)).isNotEmpty());
    }

    private static String runIdOf(long pid) {
        try {
            for (String e : new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                    StandardCharsets.ISO_8859_1).split("\0")) {
                if (e.startsWith("MCR_RUN_ID=")) {
                    return e.substring("MCR_RUN_ID=".length());
                }
            }
        } catch (java.io.IOException ex) {
            return "gone";
        }
        return "";
    }

    private long liveRunRows() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM mcr_live_runs")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Ends are written with the next start or a second after the run ended. */
    private long awaitNoLiveRunRows() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long rows = liveRunRows();
        while (rows != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            rows = liveRunRows();
        }
        return rows;
    }

    private void assertNothingLeft(String id) throws Exception {
        assertThat(Procs.awaitGone("MCR_RUNNER_ID=" + id, 15_000)).as("processes of %s", id).isEmpty();
    }

    @Test
    void stop_leaves_no_process_of_the_run_and_forgets_the_run() throws Exception {
        String id = startNasty("runner_stopped");
        assertThat(liveRunRows()).isEqualTo(1);
        mcr.stop(id);
        assertNothingLeft(id);
        events.await(dev.mcr.event.RunFinished.class, f -> f.runnerId().equals(id), Duration.ofSeconds(20));
        assertThat(awaitNoLiveRunRows()).as("ended runs are forgotten within about a second").isZero();
    }

    @Test
    void deleting_a_running_runner_by_saving_a_state_without_it_leaves_no_process() throws Exception {
        String id = startNasty("runner_deleted");
        AppState s = mcr.state();
        mcr.saveState(s.withRunners(s.runners().stream().filter(r -> !r.id().equals(id)).toList()));
        assertNothingLeft(id);
        assertThat(mcr.status()).doesNotContainKey(id);
    }

    @Test
    void group_stop_leaves_no_process_of_the_running_member() throws Exception {
        String first = "runner_member1";
        String second = "runner_member2";
        runnerIds.add(first);
        runnerIds.add(second);
        mcr.saveRunner(Runner.builder(first).name(first).command(NASTY).build());
        mcr.saveRunner(Runner.builder(second).name(second).command("echo never").build());
        AppState s = mcr.state();
        mcr.saveState(s.withGroupsAndLayout(List.of(new RunnerGroup("group_g", "G", List.of(first, second),
                List.of(), Map.of())), s.runnerLayout()));
        mcr.startGroup("group_g");
        awaitReady(first);
        mcr.stopGroup("group_g");
        events.await(GroupStatus.class, g -> g.groupId().equals("group_g") && g.status().equals("stopped"),
                Duration.ofSeconds(20));
        assertNothingLeft(first);
        assertThat(events.all(OutputLine.class)).noneMatch(o -> o.runnerId().equals(second));
    }

    @Test
    void close_leaves_no_process_of_any_run_and_no_recorded_run() throws Exception {
        String a = startNasty("runner_close_a");
        String b = startNasty("runner_close_b");
        events.close();
        mcr.close();
        assertNothingLeft(a);
        assertNothingLeft(b);
        assertThat(liveRunRows()).as("close writes every end").isZero();
        mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(ShellProcess.NON_LOGIN_SHELL).build();
        events = new EventRecorder(mcr);
        assertThat(mcr.leftoversKilledAtStart()).isEmpty();
    }
}
