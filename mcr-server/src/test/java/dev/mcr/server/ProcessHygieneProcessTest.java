package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real server: stop, delete (a saved state without the runner), group stop and shutdown by SIGTERM
 * each leave no process of any run behind, even runs that ignore SIGINT and SIGTERM, keep a background job and
 * a daemon that double-forked into its own session. Checked with the markers every process of a run inherits.
 */
class ProcessHygieneProcessTest {

    private static final String STOPPED = "runner_stopped";
    private static final String DELETED = "runner_deleted";
    private static final String MEMBER = "runner_member";
    private static final String AT_SHUTDOWN = "runner_at_shutdown";
    private static final List<String> ALL = List.of(STOPPED, DELETED, MEMBER, AT_SHUTDOWN);

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        Procs.killAll(ALL);
    }

    private static String runner(String id) {
        return "{\"id\": \"" + id + "\", \"name\": \"" + id + "\", \"command\": \"" + CrashRecoveryProcessTest.NASTY
                + "\"}";
    }

    private static String state(List<String> ids, boolean withGroup) {
        StringBuilder s = new StringBuilder("{\"runners\": [");
        for (int i = 0; i < ids.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(runner(ids.get(i)));
        }
        s.append("]");
        if (withGroup) {
            s.append(", \"runner_groups\": [{\"id\": \"group_g\", \"name\": \"G\", \"runner_ids\": [\"")
                    .append(MEMBER).append("\"], \"disabled_runner_ids\": []}]");
        }
        return s.append("}").toString();
    }

    /** Waits until the run printed "ready" and its shell, background job and daemon all carry both markers. */
    private static List<Long> awaitReady(ServerProcess server, String id) throws Exception {
        ServerProcess.await(() -> CrashRecoveryProcessTest.tail(server, id).contains("ready"), Duration.ofSeconds(30),
                id + " to be ready");
        List<Long> pids = Procs.awaitAtLeast(id, 4, 10_000);
        assertThat(pids).as("processes of %s", id).hasSizeGreaterThanOrEqualTo(4);
        for (long pid : pids) {
            String env = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                    StandardCharsets.ISO_8859_1);
            assertThat(env).contains("MCR_RUN_ID=", "MCR_RUNNER_ID=" + id);
        }
        return pids;
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stop_delete_group_stop_and_sigterm_leave_no_process_of_any_run() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            server.postOk("/api/state", state(ALL, true));
            server.postOk("/api/run", "{\"runner_id\": \"" + STOPPED + "\"}");
            server.postOk("/api/run", "{\"runner_id\": \"" + DELETED + "\"}");
            server.postOk("/api/group/run", "{\"group_id\": \"group_g\"}");
            server.postOk("/api/run", "{\"runner_id\": \"" + AT_SHUTDOWN + "\"}");
            for (String id : ALL) {
                awaitReady(server, id);
            }

            server.postOk("/api/stop", "{\"runner_id\": \"" + STOPPED + "\"}");
            server.postOk("/api/state", state(List.of(STOPPED, MEMBER, AT_SHUTDOWN), true));
            server.postOk("/api/group/stop", "{\"group_id\": \"group_g\"}");
            for (String id : List.of(STOPPED, DELETED, MEMBER)) {
                assertThat(Procs.awaitGone(id, 20_000)).as("processes of %s", id).isEmpty();
            }
            assertThat(Procs.ofRunner(AT_SHUTDOWN)).as("the untouched run still runs").isNotEmpty();

            server.signal("TERM");
            assertThat(server.process.waitFor(60, TimeUnit.SECONDS)).as("the server ends on SIGTERM").isTrue();
            assertThat(Procs.awaitGone(AT_SHUTDOWN, 10_000)).as("processes of the run alive at shutdown").isEmpty();
            List<String> log = server.outputAfterExit();
            assertThat(log).anyMatch(l -> l.contains("Shutting down"));
            assertThat(log).noneMatch(l -> l.contains("ERROR"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("app.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM mcr_live_runs")) {
            rs.next();
            assertThat(rs.getLong(1)).as("runs still recorded as alive after a clean shutdown").isZero();
        }
    }
}
