package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional {@code tags} of a runner through the real server: normalized on every save route, refused with a
 * 400 sentence when there are too many or too long ones, and kept when the original client saves without them.
 */
class RunnerTagsRoutesTest {

    /** The keys the original client's {@code collectState()} sends for a runner. */
    private static final Set<String> ORIGINAL_RUNNER_KEYS = Set.of("id", "name", "command", "logging_enabled",
            "schedule", "max_runs", "alert_cooldown_s", "alert_escalation_s", "failure_pause_threshold", "cases",
            "notify_profile_ids", "notify_profile_updates_only");

    @TempDir
    Path dir;

    private static JsonNode storedRunner(ServerFixture f, String id) {
        for (JsonNode r : json(f.get("/api/state").body()).path("runners")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no runner " + id);
    }

    private static List<String> tags(JsonNode runner) {
        List<String> out = new ArrayList<>();
        runner.path("tags").forEach(t -> out.add(t.asText()));
        return out;
    }

    @Test
    void tags_are_trimmed_and_deduplicated_on_create_changed_by_put_and_cleared_by_an_empty_list() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            HttpResponse<String> created = f.post("/api/runners",
                    "{\"id\": \"db\", \"name\": \"DB backup\", \"command\": \"true\", "
                            + "\"tags\": [\" db \", \"db\", \"\", \"nightly\", 7]}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(tags(json(created.body()).path("runner"))).containsExactly("db", "nightly", "7");
            assertThat(tags(storedRunner(f, "db"))).containsExactly("db", "nightly", "7");

            HttpResponse<String> put = f.put("/api/runners/db", "{\"tags\": [\"prod\"], \"version\": 1}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(tags(storedRunner(f, "db"))).containsExactly("prod");

            HttpResponse<String> rename = f.put("/api/runners/db", "{\"name\": \"Backup\", \"version\": 2}");
            assertThat(rename.statusCode()).as(rename.body()).isEqualTo(200);
            assertThat(tags(storedRunner(f, "db"))).as("a PUT without tags keeps them").containsExactly("prod");

            assertThat(f.put("/api/runners/db", "{\"tags\": [], \"version\": 3}").statusCode()).isEqualTo(200);
            assertThat(storedRunner(f, "db").has("tags")).as("no tags, no key").isFalse();
        }
    }

    @Test
    void the_original_clients_save_without_tags_keeps_them() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            assertThat(f.post("/api/runners", "{\"id\": \"web\", \"name\": \"Web\", \"command\": \"echo a\", "
                    + "\"tags\": [\"web\", \"prod\"]}").statusCode()).isEqualTo(200);
            ObjectNode copy = (ObjectNode) json(f.get("/api/state").body());
            copy.remove("layout_version");
            for (JsonNode r : copy.path("runners")) {
                for (Iterator<String> keys = r.fieldNames(); keys.hasNext(); ) {
                    if (!ORIGINAL_RUNNER_KEYS.contains(keys.next())) {
                        keys.remove();
                    }
                }
            }
            ObjectNode web = (ObjectNode) copy.path("runners").get(0);
            assertThat(web.has("tags")).isFalse();
            web.put("command", "echo b");
            f.saveState(copy.toString());

            JsonNode stored = storedRunner(f, "web");
            assertThat(stored.path("command").asText()).isEqualTo("echo b");
            assertThat(tags(stored)).containsExactly("web", "prod");
        }
    }

    @Test
    void too_many_or_too_long_tags_get_a_400_sentence_on_every_save_route_and_nothing_changes() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            assertThat(f.post("/api/runners", "{\"id\": \"r\", \"name\": \"R\", \"command\": \"true\", "
                    + "\"tags\": [\"a\"]}").statusCode()).isEqualTo(200);
            StringBuilder many = new StringBuilder("[");
            for (int i = 0; i < 21; i++) {
                many.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
            }
            many.append(']');
            String tooLong = "[\"" + "x".repeat(41) + "\"]";

            HttpResponse<String> create = f.post("/api/runners", "{\"id\": \"n\", \"command\": \"true\", \"tags\": "
                    + many + "}");
            assertThat(create.statusCode()).isEqualTo(400);
            assertThat(json(create.body()).path("detail").asText())
                    .isEqualTo("Runner 'Runner' (n), tags: at most 20 tags are allowed, not 21.");

            HttpResponse<String> put = f.put("/api/runners/r", "{\"tags\": " + tooLong + ", \"version\": 1}");
            assertThat(put.statusCode()).isEqualTo(400);
            assertThat(json(put.body()).path("detail").asText())
                    .startsWith("Runner 'R' (r), tags: a tag may have at most 40 characters");

            ObjectNode state = (ObjectNode) json(f.get("/api/state").body());
            ((ObjectNode) state.path("runners").get(0)).set("tags", json(many.toString()));
            HttpResponse<String> legacy = f.post("/api/state", state.toString());
            assertThat(legacy.statusCode()).isEqualTo(400);

            JsonNode all = json(f.get("/api/state").body()).path("runners");
            assertThat(all).hasSize(1);
            assertThat(tags(all.get(0))).containsExactly("a");
        }
    }
}
