package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State, status, runs, groups, clone and logs through real HTTP against a real core and real bash. */
class RunRoutesTest {

    private static final String STATE = """
            {"notify_profiles": [{"id": "notify_a", "name": "Phone", "type": "pushover", "active": true,
                                  "config": {"user_key": "user-secret-value", "api_token": "token-secret-value"}}],
             "runners": [
               {"id": "r1", "name": "One", "command": "echo hello; echo world"},
               {"id": "r2", "name": "Two", "command": "echo two; exit 3"},
               {"id": "slow", "name": "Slow", "command": "sleep 30"}],
             "runner_groups": [{"id": "g1", "name": "G", "runner_ids": ["r1", "r2"]},
                               {"id": "gslow", "name": "Slow group", "runner_ids": ["slow"]},
                               {"id": "gnone", "name": "Nothing", "runner_ids": []}],
             "runner_layout": []}
            """;

    @TempDir
    Path dir;
    ServerFixture f;

    @BeforeEach
    void start() {
        f = ServerFixture.start(dir.resolve("data"));
        f.saveState(STATE);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static void assertDetail(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(r.body()).path("detail").asText()).isEqualTo(detail);
        assertThat(json(r.body()).size()).isEqualTo(1);
    }

    @Test
    void get_state_returns_the_saved_state_with_secrets_masked() {
        HttpResponse<String> r = f.get("/api/state");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).doesNotContain("user-secret-value", "token-secret-value").startsWith("{\"notify_profiles\":[");
        JsonNode s = json(r.body());
        assertThat(s.path("notify_profiles").get(0).path("config").path("user_key").asText()).isEqualTo("__SECRET_SET__");
        assertThat(s.path("runners")).hasSize(3);
        assertThat(s.path("runners").get(0).path("max_runs").asInt()).isEqualTo(1);
        assertThat(s.path("runner_groups").get(0).path("runner_ids").toString()).isEqualTo("[\"r1\",\"r2\"]");
    }

    @Test
    void saving_the_masked_state_back_keeps_the_stored_secrets() {
        f.saveState(f.get("/api/state").body());
        assertThat(f.mcr.state().profile("notify_a").orElseThrow().config().get("user_key"))
                .isEqualTo("user-secret-value");
    }

    @Test
    void post_state_answers_ok_true_and_replaces_the_state() {
        HttpResponse<String> r = f.post("/api/state", "{\"runners\": [{\"id\": \"only\", \"command\": \"true\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true}");
        JsonNode s = json(f.get("/api/state").body());
        assertThat(s.path("runners")).hasSize(1);
        assertThat(s.path("runners").get(0).path("name").asText()).isEqualTo("Runner");
        assertThat(s.path("runner_layout").toString()).isEqualTo("[{\"type\":\"runner\",\"id\":\"only\"}]");
    }

    @Test
    void post_state_with_wrong_shapes_is_422_and_changes_nothing() {
        String before = f.get("/api/state").body();
        assertDetail(f.post("/api/state", "[1, 2]"), 422, "The state must be a JSON object.");
        assertDetail(f.post("/api/state", "{\"runners\": 5}"), 422, "Field 'runners' must be a list.");
        assertDetail(f.post("/api/state", "{\"runner_groups\": [1]}"), 422,
                "Field 'runner_groups' must be a list of objects (entry 1 is not).");
        assertThat(f.get("/api/state").body()).isEqualTo(before);
    }

    @Test
    void run_starts_a_runner_whose_output_reaches_status_and_log() {
        HttpResponse<String> r = f.post("/api/run", "{\"runner_id\": \"r1\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).matches("\\{\"ok\":true,\"run_id\":\"run_[0-9a-f]{32}\"}");
        JsonNode s = f.awaitFinished("r1");
        assertThat(s.path("last_exit_code").asInt()).isZero();
        assertThat(s.path("tail").asText()).isEqualTo("hello\nworld\n");
        assertThat(s.path("run_count").asInt()).isEqualTo(1);
        assertThat(s.path("last_finish_ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d");
        HttpResponse<String> log = f.get("/api/log/r1");
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(log.body()).contains("runner: One", "exit_code: 0", "hello\nworld\n");
    }

    @Test
    void the_status_map_has_the_original_keys_in_order() {
        f.post("/api/run", "{\"runner_id\": \"r2\"}");
        JsonNode s = f.awaitFinished("r2");
        List<String> keys = new ArrayList<>();
        s.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.subList(0, 14)).containsExactly("running", "stopped", "started_ts", "active_ts",
                "tail", "remaining", "run_count", "scheduled", "last_case", "last_case_ts", "consecutive_failures",
                "paused", "last_exit_code", "last_finish_ts");
        assertThat(keys.subList(14, keys.size())).as("mcr's own keys come after the original's")
                .containsExactly("last_outcome");
        assertThat(s.path("last_exit_code").asInt()).isEqualTo(3);
        assertThat(s.path("consecutive_failures").asInt()).isEqualTo(1);
    }

    @Test
    void run_with_a_state_saves_it_first() {
        String state = STATE.replace("echo hello; echo world", "echo changed");
        HttpResponse<String> r = f.post("/api/run", "{\"state\": " + state + ", \"runner_id\": \" r1 \"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(f.awaitFinished("r1").path("tail").asText()).isEqualTo("changed\n");
        assertThat(f.mcr.state().runner("r1").orElseThrow().execution().command()).isEqualTo("echo changed");
    }

    @Test
    void run_with_a_state_that_lacks_the_runner_is_404_and_saves_nothing() {
        String before = f.get("/api/state").body();
        HttpResponse<String> r = f.post("/api/run", "{\"state\": {\"runners\": []}, \"runner_id\": \"r1\"}");
        assertDetail(r, 404, "Runner not found");
        assertThat(f.get("/api/state").body()).isEqualTo(before);
    }

    @Test
    void run_of_an_unknown_runner_is_404() {
        assertDetail(f.post("/api/run", "{\"runner_id\": \"nobody\"}"), 404, "Runner not found");
    }

    @Test
    void run_of_a_running_runner_is_409_and_stop_ends_it() {
        assertThat(f.post("/api/run", "{\"runner_id\": \"slow\"}").statusCode()).isEqualTo(200);
        assertDetail(f.post("/api/run", "{\"runner_id\": \"slow\"}"), 409, "Runner already running");
        HttpResponse<String> stop = f.post("/api/stop", "{\"runner_id\": \"slow\"}");
        assertThat(stop.statusCode()).isEqualTo(200);
        assertThat(stop.body()).isEqualTo("{\"ok\":true}");
        JsonNode s = f.awaitFinished("slow");
        assertThat(s.path("stopped").asBoolean()).isTrue();
    }

    @Test
    void stop_of_an_unknown_runner_is_ok_like_the_original() {
        assertThat(f.post("/api/stop", "{\"runner_id\": \"nobody\"}").body()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void request_ids_are_validated_with_messages_that_name_the_problem() {
        assertDetail(f.post("/api/run", "{}"), 422, "Field 'runner_id' is required.");
        assertDetail(f.post("/api/run", "{\"runner_id\": null}"), 422, "Field 'runner_id' is required.");
        assertDetail(f.post("/api/run", "{\"runner_id\": 5}"), 422, "Field 'runner_id' must be a string.");
        assertDetail(f.post("/api/run", "{\"runner_id\": \"../x\"}"), 422, "Invalid runner id format");
        assertDetail(f.post("/api/run", "{\"runner_id\": \"\"}"), 422, "Invalid runner id format");
        assertDetail(f.post("/api/run", "{\"runner_id\": \"" + "a".repeat(121) + "\"}"), 422,
                "Invalid runner id format");
        assertDetail(f.post("/api/stop", "{\"runner_id\": \"a b\"}"), 422, "Invalid runner id format");
        assertDetail(f.post("/api/clone_runner", "{\"runner_id\": []}"), 422, "Field 'runner_id' must be a string.");
        assertDetail(f.post("/api/group/run", "{\"group_id\": \"é\"}"), 422, "Invalid group id format");
        assertDetail(f.post("/api/group/stop", "{}"), 422, "Field 'group_id' is required.");
        assertDetail(f.post("/api/run", "[\"r1\"]"), 422, "The request body must be a JSON object.");
        assertDetail(f.post("/api/run", "{\"runner_id\": \"r1\", \"state\": 3}"), 422,
                "Field 'state' must be a JSON object.");
        assertDetail(f.post("/api/run", "{\"runner_id\": \"r1\", \"state\": {\"runners\": {}}}"), 422,
                "Field 'state.runners' must be a list.");
    }

    @Test
    void malformed_json_is_400_invalid_json() {
        HttpResponse<String> r = f.post("/api/run", "{\"runner_id\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("detail").asText()).startsWith("Invalid JSON: ");
        assertThat(f.post("/api/state", "").statusCode()).isEqualTo(400);
        assertThat(f.post("/api/stop", "{} trailing").statusCode()).isEqualTo(400);
    }

    @Test
    void group_run_runs_the_members_one_after_another() {
        HttpResponse<String> r = f.post("/api/group/run", "{\"group_id\": \"g1\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true}");
        ServerFixture.await(() -> f.mcr.groupSnapshot().containsKey("g1")
                && f.mcr.groupSnapshot().get("g1").status().equals("error"), "the group to end");
        assertThat(f.status("r1").path("last_exit_code").asInt()).isZero();
        assertThat(f.status("r2").path("last_exit_code").asInt()).isEqualTo(3);
    }

    @Test
    void group_errors_have_the_original_texts() {
        assertDetail(f.post("/api/group/run", "{\"group_id\": \"nope\"}"), 404, "Group not found");
        assertDetail(f.post("/api/group/run", "{\"group_id\": \"gnone\"}"), 400, "Group has no active runners");
        assertDetail(f.post("/api/group/stop", "{\"group_id\": \"nope\"}"), 404, "Group not found");
        String before = f.get("/api/state").body();
        assertDetail(f.post("/api/group/run", "{\"group_id\": \"g1\", \"state\": {\"runners\": []}}"), 404,
                "Group not found");
        assertThat(f.get("/api/state").body()).isEqualTo(before);
    }

    @Test
    void group_run_of_a_busy_group_is_409_and_group_stop_ends_it() {
        assertThat(f.post("/api/group/run", "{\"group_id\": \"gslow\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> again = f.post("/api/group/run", "{\"group_id\": \"gslow\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        HttpResponse<String> stop = f.post("/api/group/stop", "{\"group_id\": \"gslow\"}");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(stop.body()).isEqualTo("{\"ok\":true}");
        ServerFixture.await(() -> !f.status("slow").path("running").asBoolean(), "the member to stop");
    }

    @Test
    void clone_answers_the_new_id_and_name_and_saves_the_copy() {
        HttpResponse<String> r = f.post("/api/clone_runner", "{\"runner_id\": \"r1\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode c = json(r.body());
        assertThat(c.fieldNames()).toIterable().containsExactly("ok", "cloned_id", "cloned_name");
        assertThat(c.path("ok").asBoolean()).isTrue();
        assertThat(c.path("cloned_id").asText()).matches("runner_[0-9a-f]{32}");
        assertThat(c.path("cloned_name").asText()).startsWith("One (");
        assertThat(f.mcr.state().runner(c.path("cloned_id").asText())).isPresent();
        assertDetail(f.post("/api/clone_runner", "{\"runner_id\": \"nobody\"}"), 404, "Runner not found");
    }

    @Test
    void delete_log_empties_it() {
        f.post("/api/run", "{\"runner_id\": \"r1\"}");
        f.awaitFinished("r1");
        assertThat(f.get("/api/log/r1").body()).contains("hello");
        HttpResponse<String> d = f.delete("/api/log/r1");
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.body()).isEqualTo("{\"ok\":true,\"message\":\"Log cleared\"}");
        assertThat(f.get("/api/log/r1").body()).isEmpty();
    }

    @Test
    void the_log_of_a_runner_that_never_ran_is_empty() {
        HttpResponse<String> r = f.get("/api/log/never_ran");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void unknown_routes_are_404_and_wrong_methods_405() {
        assertDetail(f.get("/api/nothing"), 404, "Not Found");
        assertDetail(f.get("/api/state/"), 404, "Not Found");
        HttpResponse<String> r = f.delete("/api/state");
        assertDetail(r, 405, "Method Not Allowed");
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST");
        assertDetail(f.post("/api/log/r1", "{}"), 405, "Method Not Allowed");
        assertDetail(f.get("/api/run"), 405, "Method Not Allowed");
    }

    @Test
    void the_root_serves_html_without_a_leftover_placeholder() {
        HttpResponse<String> r = f.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).contains("<html").doesNotContain("__ASSET_VERSION__");
    }

    @Test
    void every_answer_forbids_content_sniffing() {
        assertThat(f.get("/api/log/r1").headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(f.get("/api/state").headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
}
