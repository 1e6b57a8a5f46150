package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real server stopped (SIGTERM, a clean shutdown that stops what runs) or killed (SIGKILL) while an interval
 * runner is active, then started again on the same folder: the runner runs again without a start request, its
 * session carried on; a runner the user stopped stays stopped.
 */
class DurableScheduleProcessTest {

    static final String TICKER = "runner_ticker";
    static final String STOPPED = "runner_stopped";
    static final String STATE = "{\"runners\": ["
            + "{\"id\": \"" + TICKER + "\", \"name\": \"ticker\", \"command\": \"echo tick\","
            + " \"schedule\": {\"hours\": 0, \"minutes\": 0, \"seconds\": 1}, \"max_runs\": -1},"
            + "{\"id\": \"" + STOPPED + "\", \"name\": \"stopped\", \"command\": \"echo tock\","
            + " \"schedule\": {\"hours\": 0, \"minutes\": 0, \"seconds\": 1}, \"max_runs\": -1}]}";

    @TempDir
    Path dir;

    static JsonNode status(ServerProcess server, String id) {
        try {
            return server.getJson("/api/status").path(id);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "kill -{0}")
    @ValueSource(strings = {"TERM", "KILL"})
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void an_active_interval_runner_runs_again_after_the_server_restarts_and_a_stopped_one_stays_stopped(
            String signal) throws Exception {
        Path data = dir.resolve("data");
        String activeSince;
        int runsBefore;
        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            server.postOk("/api/state", STATE);
            server.postOk("/api/run", "{\"runner_id\": \"" + TICKER + "\"}");
            server.postOk("/api/run", "{\"runner_id\": \"" + STOPPED + "\"}");
            ServerProcess.await(() -> status(server, TICKER).path("run_count").asInt() >= 2
                    && status(server, STOPPED).path("run_count").asInt() >= 2, Duration.ofSeconds(30),
                    "both runners to cycle");
            server.postOk("/api/stop", "{\"runner_id\": \"" + STOPPED + "\"}");
            ServerProcess.await(() -> !status(server, STOPPED).path("running").asBoolean()
                    && !status(server, STOPPED).path("scheduled").asBoolean(), Duration.ofSeconds(30),
                    "the stopped runner to be idle");
            JsonNode ticker = status(server, TICKER);
            activeSince = ticker.path("active_ts").asText();
            runsBefore = ticker.path("run_count").asInt();

            server.signal(signal);
            assertThat(server.process.waitFor(60, TimeUnit.SECONDS)).as("the server ends on SIG" + signal).isTrue();
            if (signal.equals("TERM")) {
                assertThat(server.outputAfterExit()).anyMatch(l -> l.contains("Shutting down"));
            }
        }

        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            ServerProcess.await(() -> status(server, TICKER).path("run_count").asInt() > runsBefore,
                    Duration.ofSeconds(30), "the ticker to run again without a start request");
            JsonNode ticker = status(server, TICKER);
            assertThat(ticker.path("active_ts").asText()).as("the same session").isEqualTo(activeSince);
            assertThat(server.output()).anyMatch(l -> l.contains("INFO") && l.contains("'ticker' resumes its schedule"));
            // Two more intervals: the stopped runner must not run in them.
            int seen = status(server, TICKER).path("run_count").asInt();
            ServerProcess.await(() -> status(server, TICKER).path("run_count").asInt() >= seen + 2,
                    Duration.ofSeconds(30), "two more runs of the ticker");
            JsonNode stopped = status(server, STOPPED);
            assertThat(stopped.path("running").asBoolean()).isFalse();
            assertThat(stopped.path("scheduled").asBoolean()).isFalse();
            assertThat(stopped.path("run_count").asInt()).isZero();
            assertThat(stopped.path("last_exit_code").isNull()).as("it never ran in this server").isTrue();
            assertThat(stopped.path("last_finish_ts").asText()).isEmpty();
            List<String> errors = server.output().stream().filter(l -> l.contains("ERROR")).toList();
            assertThat(errors).isEmpty();
        }
    }
}
