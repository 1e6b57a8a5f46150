package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferRoutesTest {

    @TempDir
    Path dir;
    ServerFixture f;

    @BeforeEach
    void start() {
        f = ServerFixture.start(dir);
        f.saveState("""
                {"notify_profiles": [{"id": "notify_a", "name": "P", "type": "pushover",
                                      "config": {"user_key": "secret-user", "api_token": "secret-token"}}],
                 "runners": [{"id": "r1", "name": "One", "command": "echo 1", "notify_profile_ids": ["notify_a"]},
                             {"id": "r2", "name": "Two", "command": "echo 2"}],
                 "runner_groups": [{"id": "g1", "name": "G", "runner_ids": ["r2"]}]}
                """);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void export_is_a_download_with_runners_groups_and_layout_but_no_profiles() {
        HttpResponse<String> r = f.get("/api/export");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v)
                .matches("attachment; filename=\"multi-command-runner-export-\\d{8}_\\d{6}\\.json\""));
        JsonNode doc = json(r.body());
        assertThat(doc.fieldNames()).toIterable().containsExactly("runners", "runner_groups", "runner_layout",
                "exported_at");
        assertThat(doc.path("runners")).hasSize(2);
        assertThat(r.body()).doesNotContain("secret-user", "secret-token", "notify_profiles");
    }

    @Test
    void importing_an_export_appends_copies_with_new_ids() {
        String export = f.get("/api/export").body();
        HttpResponse<String> r = f.post("/api/import", export);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true,\"imported_count\":2}");
        JsonNode state = json(f.get("/api/state").body());
        assertThat(state.path("runners")).hasSize(4);
        assertThat(state.path("runners").get(0).path("id").asText()).isEqualTo("r1");
        assertThat(state.path("runners").get(1).path("id").asText()).isEqualTo("r2");
        assertThat(state.path("runners").get(2).path("id").asText()).matches("runner_[0-9a-f]{32}");
        assertThat(state.path("runners").get(2).path("name").asText()).isEqualTo("One");
        assertThat(state.path("runner_groups")).hasSize(2);
    }

    @Test
    void invalid_imports_are_400_with_precise_messages_and_change_nothing() {
        String before = f.get("/api/state").body();
        HttpResponse<String> r = f.post("/api/import", "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("detail").asText()).startsWith("Invalid JSON: ");
        r = f.post("/api/import", "{\"runner_groups\": []}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("detail").asText()).isEqualTo("Invalid import format: missing 'runners' key");
        r = f.post("/api/import", "{\"runners\": [1]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("detail").asText()).startsWith("Invalid runner entry at index 1");
        assertThat(f.get("/api/state").body()).isEqualTo(before);
    }
}
