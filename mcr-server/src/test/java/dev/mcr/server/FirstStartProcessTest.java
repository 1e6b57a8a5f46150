package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server, unlike the library, asks for the original's two demo runners: on the first start of an empty data
 * folder, and only then.
 */
class FirstStartProcessTest {

    @TempDir
    Path dir;

    private static List<String> runnerIds(ServerProcess server) throws Exception {
        List<String> ids = new ArrayList<>();
        server.getJson("/api/state").path("runners").forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void the_first_start_of_an_empty_folder_shows_the_demo_runners_and_a_later_start_adds_none() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            assertThat(runnerIds(server)).containsExactly("runner1", "runner_ping_192_168_3_1");
            server.postOk("/api/state", "{\"runners\": []}");
        }
        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            assertThat(runnerIds(server)).as("the user deleted them; a restart does not bring them back").isEmpty();
        }
    }
}
