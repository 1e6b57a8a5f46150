package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the real server while a run is alive and saves are in flight; then a new server on the same data
 * folder.
 */
class CrashRecoveryProcessTest {

    static final String SLEEPER = "runner_sleeper";
    static final String GREETER = "runner_greeter";
    static final String COUNTER = "runner_counter";
    /** Ignores INT and TERM, leaves a background job and a daemon in its own session. */
    static final String NASTY = "trap '' INT TERM; (trap '' INT TERM; sleep 1000) & "
            + "(setsid sh -c 'trap \\\"\\\" INT TERM; sleep 1001' </dev/null >/dev/null 2>&1 &); "
            + "sleep 0.2; echo ready; sleep 1002";

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        Procs.killAll(List.of(SLEEPER));
    }

    static String state(long seq) {
        return "{\"runners\": ["
                + "{\"id\": \"" + GREETER + "\", \"name\": \"greeter\", \"command\": \"echo hello world\", \"cases\": "
                + "[{\"id\": \"case_greet\", \"pattern\": \"hello (\\\\w+)\", \"message_template\": \"greeting {g1}\", "
                + "\"state\": \"INFO\"}]},"
                + "{\"id\": \"" + SLEEPER + "\", \"name\": \"sleeper\", \"command\": \"" + NASTY + "\"},"
                + "{\"id\": \"" + COUNTER + "\", \"name\": \"save-" + seq + "\", \"command\": \"true\"}]}";
    }

    @Test
    @Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void after_a_sigkill_the_newest_acknowledged_save_and_last_case_survive_and_the_orphaned_run_is_killed()
            throws Exception {
        Path data = dir.resolve("data");
        List<Long> orphans;
        AtomicLong lastAck = new AtomicLong();
        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            server.postOk("/api/state", state(0));
            server.postOk("/api/run", "{\"runner_id\": \"" + GREETER + "\"}");
            ServerProcess.await(() -> lastCase(server, GREETER).equals("greeting world")
                    && !running(server, GREETER), Duration.ofSeconds(30), "the greeter's case");
            server.postOk("/api/run", "{\"runner_id\": \"" + SLEEPER + "\"}");
            ServerProcess.await(() -> tail(server, SLEEPER).contains("ready"), Duration.ofSeconds(30),
                    "the sleeper to be ready");
            orphans = Procs.awaitAtLeast(SLEEPER, 4, 10_000);
            assertThat(orphans).as("shell, background job and daemon (sh + sleep)").hasSizeGreaterThanOrEqualTo(4);

            AtomicBoolean dead = new AtomicBoolean();
            Thread saver = new Thread(() -> {
                for (long seq = 1; !dead.get(); seq++) {
                    try {
                        if (server.post("/api/state", state(seq)).statusCode() == 200) {
                            lastAck.set(seq);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "test-saver");
            saver.start();
            ServerProcess.await(() -> lastAck.get() >= 40, Duration.ofSeconds(60), "40 acknowledged saves");
            server.kill9();
            dead.set(true);
            saver.join(30_000);
        }
        assertThat(Procs.ofRunner(SLEEPER)).as("the run outlives the killed server").containsAll(orphans);

        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            JsonNode counter = runner(server.getJson("/api/state"), COUNTER);
            long saved = Long.parseLong(counter.path("name").asText().substring("save-".length()));
            assertThat(saved).as("the newest acknowledged save, or the one in flight").isBetween(lastAck.get(),
                    lastAck.get() + 1);
            assertThat(ServerProcess.stateRow(data)).contains("\"save-" + saved + "\"");
            assertThat(server.getJson("/api/status").path(GREETER).path("last_case").asText())
                    .isEqualTo("greeting world");

            assertThat(Procs.awaitGone(SLEEPER, 10_000)).as("the orphaned run is killed at start").isEmpty();
            List<String> warn = server.output().stream()
                    .filter(l -> l.contains("WARN") && l.contains(SLEEPER) && l.contains("left running")).toList();
            assertThat(warn).singleElement().satisfies(l -> {
                for (long pid : orphans) {
                    assertThat(l).contains(Long.toString(pid));
                }
            });
            assertThat(server.output()).noneMatch(l -> l.contains("ERROR"));
        }
    }

    static JsonNode runner(JsonNode state, String id) {
        for (JsonNode r : state.path("runners")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("No runner " + id + " in " + state);
    }

    static JsonNode status(ServerProcess server, String id) {
        try {
            return server.getJson("/api/status").path(id);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String lastCase(ServerProcess server, String id) {
        return status(server, id).path("last_case").asText();
    }

    static String tail(ServerProcess server, String id) {
        return status(server, id).path("tail").asText();
    }

    static boolean running(ServerProcess server, String id) {
        return status(server, id).path("running").asBoolean();
    }
}
