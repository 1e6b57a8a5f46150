package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real server starts on a data folder whose stored state is damaged, and keeps the damaged state. */
class CorruptStateProcessTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_damaged_state_row_is_backed_up_logged_and_not_overwritten_and_the_server_starts() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            server.postOk("/api/state", "{\"runners\": [{\"id\": \"runner_mine\", \"name\": \"Mine\", "
                    + "\"command\": \"echo mine\"}]}");
            server.signal("TERM");
            server.process.waitFor();
        }
        String row = ServerProcess.stateRow(data);
        byte[] damaged = row.substring(0, row.length() / 2).getBytes(StandardCharsets.UTF_8);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("app.db"));
             PreparedStatement ps = c.prepareStatement("UPDATE state SET json = CAST(? AS TEXT) WHERE id=1")) {
            ps.setBytes(1, damaged);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            JsonNode state = server.getJson("/api/state");
            assertThat(state.path("runners")).as("no demo runners over the damaged state: mcr goes on with the "
                    + "copy it stored itself").singleElement()
                    .satisfies(r -> assertThat(r.path("id").asText()).isEqualTo("runner_mine"));
            List<Path> backups;
            try (Stream<Path> files = Files.list(data)) {
                backups = files.filter(p -> p.getFileName().toString().startsWith("app.db.corrupt-state-")).toList();
            }
            assertThat(backups).hasSize(1);
            assertThat(Files.readAllBytes(backups.get(0))).isEqualTo(damaged);
            assertThat(server.output()).anyMatch(l -> l.contains("ERROR") && l.contains(backups.get(0).toString()));
            assertThat(ServerProcess.stateRow(data).getBytes(StandardCharsets.UTF_8))
                    .as("the row stays until the user saves").isEqualTo(damaged);
        }
    }
}
