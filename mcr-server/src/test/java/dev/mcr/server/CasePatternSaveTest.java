package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case patterns are checked on every route that stores runners, with the translator the engine runs them with: a
 * new or changed invalid pattern is refused with 400 naming the runner, the case and the reason, and nothing is
 * stored; a pattern stored before (by the original) does not block the original client's whole-state saves.
 * {@code POST /api/regex/check} answers the same verdict for the field while someone types.
 */
class CasePatternSaveTest {

    private static final String BAD = "disk at (\\\\d+%";
    private static final String REASON = "missing ), unterminated subpattern at position 8";

    @TempDir
    Path dir;

    private static String runnerJson(String id, String name, String command, String pattern) {
        return "{\"id\": \"" + id + "\", \"name\": \"" + name + "\", \"command\": \"" + command + "\", \"cases\": ["
                + "{\"id\": \"case_ok\", \"pattern\": \"ok\", \"message_template\": \"fine\", \"state\": \"UP\"}, "
                + "{\"id\": \"case_disk\", \"pattern\": \"" + pattern + "\", \"message_template\": \"Disk {g1}\", "
                + "\"state\": \"WARN\"}]}";
    }

    /** The whole state as the original web client posts it: every runner, groups, layout, services. */
    private static String originalSave(String... runners) {
        StringBuilder layout = new StringBuilder();
        for (String r : runners) {
            layout.append(layout.length() == 0 ? "" : ", ").append("{\"type\": \"runner\", \"id\": \"")
                    .append(json(r).path("id").asText()).append("\"}");
        }
        return "{\"notify_profiles\": [], \"runners\": [" + String.join(", ", runners) + "], \"runner_groups\": [], "
                + "\"runner_layout\": [" + layout + "]}";
    }

    private static HttpResponse<String> send(ServerFixture f, String method, String path, String body) {
        return f.send(HttpRequest.newBuilder(f.uri(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void assertRefused(HttpResponse<String> r, String runner) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r.body()).path("detail").asText())
                .startsWith("Runner '" + runner + "' (")
                .contains("case 2 (pattern 'disk at (\\d+%')")
                .contains("the regular expression is not valid: " + REASON);
    }

    @Test
    void a_new_invalid_pattern_is_refused_on_the_legacy_save_and_nothing_is_stored() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState(originalSave(runnerJson("runner_a", "Disk", "df -h", "disk at (\\\\d+)%")));
            String before = f.get("/api/state").body();
            HttpResponse<String> r = f.post("/api/state", originalSave(runnerJson("runner_a", "Disk", "df -h", BAD),
                    runnerJson("runner_b", "Other", "echo other", "x")));
            assertRefused(r, "Disk");
            assertThat(f.get("/api/state").body()).as("neither the change nor the other new runner").isEqualTo(before);
        }
    }

    @Test
    void the_versioned_runner_routes_refuse_a_new_or_changed_invalid_pattern() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            assertRefused(send(f, "POST", "/api/runners", runnerJson("runner_a", "Disk", "df -h", BAD)), "Disk");
            assertThat(f.get("/api/runners/runner_a").statusCode()).isEqualTo(404);

            HttpResponse<String> created = send(f, "POST", "/api/runners",
                    runnerJson("runner_a", "Disk", "df -h", "disk at (\\\\d+)%"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String before = f.get("/api/runners/runner_a").body();
            HttpResponse<String> r = send(f, "PUT", "/api/runners/runner_a", "{\"version\": 1, \"cases\": [{\"id\": "
                    + "\"case_ok\", \"pattern\": \"ok\", \"message_template\": \"fine\", \"state\": \"UP\"}, {\"id\": "
                    + "\"case_disk\", \"pattern\": \"" + BAD + "\", \"message_template\": \"Disk\", \"state\": \"WARN\"}]}");
            assertRefused(r, "Disk");
            assertThat(f.get("/api/runners/runner_a").body()).isEqualTo(before);
        }
    }

    @Test
    void an_import_with_an_invalid_pattern_is_refused_and_imports_nothing() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            String before = f.get("/api/state").body();
            HttpResponse<String> r = f.post("/api/import", "{\"runners\": [" + runnerJson("r1", "Good", "echo", "ok")
                    + ", " + runnerJson("r2", "Imported disk", "df -h", BAD) + "], \"runner_groups\": []}");
            assertRefused(r, "Imported disk");
            assertThat(f.get("/api/state").body()).isEqualTo(before);
        }
    }

    @Test
    void a_pattern_over_the_length_limit_is_refused_at_once_and_quoted_shortened() {
        // Java compiles a long literal in time that grows with the square of its length: 300 000 characters held
        // a request thread for about 30 s before the limit (found by HostileInputFuzzTest).
        String longPattern = "x".repeat(300_000);
        try (ServerFixture f = ServerFixture.start(dir)) {
            String before = f.get("/api/state").body();
            HttpResponse<String> r = f.post("/api/import", "{\"runners\": [" + runnerJson("r1", "Long", "echo",
                    longPattern) + "], \"runner_groups\": []}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r.body()).path("detail").asText()).startsWith("Runner 'Long' (runner_").endsWith(
                    "), case 2 (pattern '" + "x".repeat(80) + "… (299920 characters more)'): the regular expression is not valid: it has "
                    + "300000 characters, and at most 4096 are allowed.");
            assertThat(f.get("/api/state").body()).isEqualTo(before);
            assertThat(f.post("/api/regex/check", "{\"pattern\": \"" + "a".repeat(4097) + "\"}").body())
                    .isEqualTo("{\"valid\":false,\"reason\":\"it has 4097 characters, and at most 4096 are "
                            + "allowed\"}");
            assertThat(f.post("/api/regex/check", "{\"pattern\": \"" + "a".repeat(4096) + "\"}").body())
                    .isEqualTo("{\"valid\":true}");
        }
    }

    @Test
    void a_pattern_stored_by_the_original_does_not_block_its_clients_saves_but_changing_it_to_another_invalid_one_does()
            throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"))) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE state (id INTEGER PRIMARY KEY CHECK(id=1), json TEXT NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO state (id, json) VALUES (1, ?)")) {
                ps.setString(1, originalSave(runnerJson("runner_a", "Disk", "df -h", BAD),
                        runnerJson("runner_b", "Backup", "echo backup", "ok")));
                ps.executeUpdate();
            }
        }
        try (ServerFixture f = ServerFixture.start(dir)) {
            // The original client changes another runner and the command of the one with the stored pattern.
            f.saveState(originalSave(runnerJson("runner_a", "Disk", "df -h /", BAD),
                    runnerJson("runner_b", "Backup", "echo backup2", "ok")));
            JsonNode state = json(f.get("/api/state").body());
            assertThat(state.path("runners").get(0).path("command").asText()).isEqualTo("df -h /");
            assertThat(state.path("runners").get(0).path("cases").get(1).path("pattern").asText())
                    .isEqualTo("disk at (\\d+%");
            assertThat(state.path("runners").get(1).path("command").asText()).isEqualTo("echo backup2");

            HttpResponse<String> r = f.post("/api/state", originalSave(
                    runnerJson("runner_a", "Disk", "df -h /", "disk at [0-9"),
                    runnerJson("runner_b", "Backup", "echo backup2", "ok")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r.body()).path("detail").asText()).isEqualTo("Runner 'Disk' (runner_a), case 2 (pattern "
                    + "'disk at [0-9'): the regular expression is not valid: unterminated character set at position 8.");
        }
    }

    @Test
    void the_check_route_answers_the_engines_verdict_and_refuses_a_body_without_a_pattern() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            HttpResponse<String> r = f.post("/api/regex/check", "{\"pattern\": \"" + BAD + "\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"valid\":false,\"reason\":\"" + REASON + "\"}");
            r = f.post("/api/regex/check", "{\"pattern\": \"disk at (?P<p>9\\\\d)%\"}");
            assertThat(r.body()).isEqualTo("{\"valid\":true}");
            assertThat(f.post("/api/regex/check", "{\"pattern\": \"(?(1)a|b)\"}").body())
                    .as("a construct Java cannot run").contains("\"valid\":false");
            assertThat(f.post("/api/regex/check", "{\"pattern\": 5}").statusCode()).isEqualTo(422);
            assertThat(f.send(HttpRequest.newBuilder(f.uri("/api/regex/check")).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"pattern\": \"a\"}")).build()).statusCode())
                    .as("the JSON content-type check of every route").isEqualTo(415);
            assertThat(f.post("/api/regex/check", "{\"pattern\": \"" + "a".repeat(70_000) + "\"}").statusCode())
                    .as("the small-body limit").isEqualTo(413);
        }
    }
}
