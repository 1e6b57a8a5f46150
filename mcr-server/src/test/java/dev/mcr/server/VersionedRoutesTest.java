package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The versioned routes through the real server ({@code POST /api/runners}, {@code GET|PUT|DELETE /api/runners/{id}},
 * the same for groups and profiles, {@code GET|PUT /api/layout}, {@code PUT /api/profiles}), the legacy full save
 * beside them, and the {@code state_changed} events every change publishes.
 */
class VersionedRoutesTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static HttpResponse<String> send(ServerFixture f, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return f.send(b.build());
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.path("ok").asBoolean()).isTrue();
        return body;
    }

    private static String detail(HttpResponse<String> r) {
        return json(r.body()).path("detail").asText();
    }

    private static JsonNode storedRunner(ServerFixture f, String id) {
        for (JsonNode r : json(f.get("/api/state").body()).path("runners")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void a_runner_is_created_read_changed_and_deleted_and_every_answer_carries_its_version() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            JsonNode created = ok(send(f, "POST", "/api/runners",
                    "{\"id\": \"disk\", \"name\": \"Disk check\", \"command\": \"df -h\"}")).path("runner");
            assertThat(created.path("id").asText()).isEqualTo("disk");
            assertThat(created.path("version").asLong()).isEqualTo(1);
            assertThat(created.path("max_runs").asInt()).as("defaults for what a create leaves out").isEqualTo(1);
            assertThat(created.path("alert_cooldown_s").asInt()).isEqualTo(300);

            JsonNode read = ok(f.get("/api/runners/disk"));
            assertThat(read.fieldNames()).toIterable().containsExactly("ok", "runner");
            assertThat(read.path("runner")).isEqualTo(created);
            assertThat(read.path("runner")).as("the object as GET /api/state shows it").isEqualTo(storedRunner(f, "disk"));

            JsonNode changed = ok(send(f, "PUT", "/api/runners/disk", "{\"command\": \"df -h /\", \"version\": 1}"))
                    .path("runner");
            assertThat(changed.path("command").asText()).isEqualTo("df -h /");
            assertThat(changed.path("name").asText()).isEqualTo("Disk check");
            assertThat(changed.path("version").asLong()).isEqualTo(2);
            // ?version= is the same as the body's key.
            changed = ok(send(f, "PUT", "/api/runners/disk?version=2", "{\"name\": \"Disk\"}")).path("runner");
            assertThat(changed.path("version").asLong()).isEqualTo(3);

            JsonNode deleted = ok(send(f, "DELETE", "/api/runners/disk?version=3", null));
            assertThat(deleted.path("runner").toString())
                    .isEqualTo("{\"id\":\"disk\",\"version\":4,\"deleted\":true}");
            assertThat(storedRunner(f, "disk")).isNull();
            HttpResponse<String> gone = f.get("/api/runners/disk");
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(detail(gone)).isEqualTo("Runner not found");

            // A new runner without an id gets one; a deletion may carry its version in a JSON body instead.
            String id = ok(send(f, "POST", "/api/runners", "{\"name\": \"Anonymous\"}")).path("runner").path("id")
                    .asText();
            assertThat(id).matches("runner_[0-9a-f]{32}");
            ok(send(f, "DELETE", "/api/runners/" + id, "{\"version\": 1}"));
        }
    }

    @Test
    void two_clients_racing_on_put_with_the_same_version_get_one_200_and_one_409_with_current_and_nothing_is_lost()
            throws Exception {
        try (ServerFixture f = ServerFixture.start(dir)) {
            ok(send(f, "POST", "/api/runners", "{\"id\": \"flaky\", \"name\": \"Flaky\", \"command\": \"echo old\"}"));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 10; round++) {
                    long version = ok(f.get("/api/runners/flaky")).path("runner").path("version").asLong();
                    CountDownLatch go = new CountDownLatch(1);
                    String commandA = "echo a" + round;
                    String nameB = "Flaky " + round;
                    Callable<HttpResponse<String>> a = () -> {
                        go.await();
                        return send(f, "PUT", "/api/runners/flaky",
                                "{\"command\": \"" + commandA + "\", \"version\": " + version + "}");
                    };
                    Callable<HttpResponse<String>> b = () -> {
                        go.await();
                        return send(f, "PUT", "/api/runners/flaky",
                                "{\"name\": \"" + nameB + "\", \"version\": " + version + "}");
                    };
                    Future<HttpResponse<String>> fa = pool.submit(a);
                    Future<HttpResponse<String>> fb = pool.submit(b);
                    go.countDown();
                    HttpResponse<String> ra = fa.get();
                    HttpResponse<String> rb = fb.get();
                    List<Integer> statuses = List.of(ra.statusCode(), rb.statusCode());
                    assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 409);
                    HttpResponse<String> loser = ra.statusCode() == 409 ? ra : rb;
                    HttpResponse<String> winner = ra.statusCode() == 409 ? rb : ra;
                    JsonNode conflict = json(loser.body());
                    assertThat(conflict.fieldNames()).toIterable().containsExactly("detail", "current");
                    assertThat(conflict.path("detail").asText()).contains("changed meanwhile")
                            .contains("version " + version);
                    assertThat(conflict.path("current")).as("the stored object: the winner's")
                            .isEqualTo(json(winner.body()).path("runner"));
                    assertThat(conflict.path("current").path("version").asLong()).isEqualTo(version + 1);

                    // The loser applies its change to the current version: both changes are kept.
                    String retry = loser == ra
                            ? "{\"command\": \"" + commandA + "\", \"version\": " + (version + 1) + "}"
                            : "{\"name\": \"" + nameB + "\", \"version\": " + (version + 1) + "}";
                    ok(send(f, "PUT", "/api/runners/flaky", retry));
                    JsonNode now = storedRunner(f, "flaky");
                    assertThat(now.path("command").asText()).isEqualTo(commandA);
                    assertThat(now.path("name").asText()).isEqualTo(nameB);
                    assertThat(now.path("version").asLong()).isEqualTo(version + 2);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void the_original_clients_full_save_keeps_a_newer_runner_a_changes_runner_b_and_keeps_keys_it_does_not_send() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            ok(send(f, "POST", "/api/runners", "{\"id\": \"a\", \"name\": \"A\", \"command\": \"echo a\", "
                    + "\"schedule\": {\"hours\": 0, \"minutes\": 1, \"seconds\": 0, \"timezone\": \"Europe/Berlin\"}, "
                    + "\"timeout_s\": 30}"));
            ok(send(f, "POST", "/api/runners", "{\"id\": \"b\", \"name\": \"B\", \"command\": \"echo b\"}"));
            // The original client's copy: loaded now, without the keys it does not know, without versions.
            ObjectNode oldCopy = (ObjectNode) json(f.get("/api/state").body());
            oldCopy.remove("layout_version");
            for (JsonNode r : oldCopy.path("runners")) {
                ((ObjectNode) r).remove(List.of("version", "timeout_s"));
                ((ObjectNode) r.path("schedule")).remove("timezone");
            }
            // Meanwhile another client changes A through the versioned route.
            ok(send(f, "PUT", "/api/runners/a", "{\"command\": \"echo a, newer\", \"version\": 1}"));
            // The original client edits B only and saves its whole copy.
            ((ObjectNode) oldCopy.path("runners").get(1)).put("command", "echo b, edited");
            assertThat(f.post("/api/state", oldCopy.toString()).statusCode()).isEqualTo(200);

            JsonNode a = storedRunner(f, "a");
            JsonNode b = storedRunner(f, "b");
            assertThat(a.path("command").asText()).as("the stale copy of A does not undo the newer A")
                    .isEqualTo("echo a, newer");
            assertThat(a.path("version").asLong()).isEqualTo(2);
            assertThat(b.path("command").asText()).as("the real edit of B is saved").isEqualTo("echo b, edited");
            assertThat(b.path("version").asLong()).isEqualTo(2);
            assertThat(a.path("timeout_s").asInt()).as("a top-level key the client did not send is kept").isEqualTo(30);
            assertThat(a.path("schedule").path("timezone").asText()).as("a nested key the client did not send")
                    .isEqualTo("Europe/Berlin");

            // The same rule holds on the versioned route: a PUT keeps what it leaves out.
            JsonNode put = ok(send(f, "PUT", "/api/runners/a", "{\"schedule\": {\"minutes\": 5}, \"version\": 2}"))
                    .path("runner");
            assertThat(put.path("schedule").path("minutes").asInt()).isEqualTo(5);
            assertThat(put.path("schedule").path("timezone").asText()).isEqualTo("Europe/Berlin");
            assertThat(put.path("timeout_s").asInt()).isEqualTo(30);
            assertThat(put.path("command").asText()).isEqualTo("echo a, newer");
        }
    }

    @Test
    void secrets_are_masked_in_every_answer_kept_by_the_mask_replaced_by_text_and_cleared_by_empty() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            JsonNode created = ok(send(f, "POST", "/api/profiles", "{\"id\": \"push\", \"name\": \"Phone\", "
                    + "\"config\": {\"user_key\": \"u-secret-1\", \"api_token\": \"t-secret-1\"}}")).path("profile");
            assertThat(created.path("config").toString())
                    .isEqualTo("{\"user_key\":\"__SECRET_SET__\",\"api_token\":\"__SECRET_SET__\"}");
            JsonNode kept = ok(send(f, "PUT", "/api/profiles/push", "{\"name\": \"Phone 2\", \"config\": "
                    + "{\"user_key\": \"__SECRET_SET__\", \"api_token\": \"\"}, \"version\": 1}")).path("profile");
            assertThat(kept.path("config").toString())
                    .isEqualTo("{\"user_key\":\"__SECRET_SET__\",\"api_token\":\"\"}");
            assertThat(f.mcr.state().profile("push").orElseThrow().configValue("user_key")).isEqualTo("u-secret-1");
            assertThat(f.mcr.state().profile("push").orElseThrow().configValue("api_token")).isEmpty();

            ok(send(f, "PUT", "/api/profiles/push", "{\"config\": {\"api_token\": \"t-secret-2\"}, \"version\": 2}"));
            assertThat(f.mcr.state().profile("push").orElseThrow().configValue("api_token")).isEqualTo("t-secret-2");
            assertThat(f.mcr.state().profile("push").orElseThrow().configValue("user_key")).isEqualTo("u-secret-1");

            HttpResponse<String> conflict = send(f, "PUT", "/api/profiles/push", "{\"name\": \"x\", \"version\": 1}");
            assertThat(conflict.statusCode()).isEqualTo(409);
            for (HttpResponse<String> r : List.of(conflict, f.get("/api/profiles/push"))) {
                assertThat(r.body()).doesNotContain("u-secret-1").doesNotContain("t-secret-2")
                        .contains("__SECRET_SET__");
            }
        }
    }

    @Test
    void groups_the_layout_and_the_order_of_profiles_have_their_routes_too() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            ok(send(f, "POST", "/api/runners", "{\"id\": \"r1\"}"));
            ok(send(f, "POST", "/api/runners", "{\"id\": \"r2\"}"));
            JsonNode group = ok(send(f, "POST", "/api/groups", "{\"id\": \"g1\", \"name\": \"Nightly\", "
                    + "\"runner_ids\": [\"r1\"]}")).path("group");
            assertThat(group.path("version").asLong()).isEqualTo(1);
            group = ok(send(f, "PUT", "/api/groups/g1", "{\"disabled_runner_ids\": [\"r1\"], \"version\": 1}"))
                    .path("group");
            assertThat(group.path("runner_ids").toString()).isEqualTo("[\"r1\"]");
            assertThat(group.path("disabled_runner_ids").toString()).isEqualTo("[\"r1\"]");
            assertThat(group.path("name").asText()).isEqualTo("Nightly");

            JsonNode layout = ok(f.get("/api/layout")).path("layout");
            assertThat(layout.path("runner_layout").toString())
                    .isEqualTo("[{\"type\":\"runner\",\"id\":\"r2\"},{\"type\":\"group\",\"id\":\"g1\"}]");
            long v = layout.path("version").asLong();
            assertThat(v).isEqualTo(json(f.get("/api/state").body()).path("layout_version").asLong());
            layout = ok(send(f, "PUT", "/api/layout", "{\"runner_layout\": [{\"type\": \"group\", \"id\": \"g1\"}, "
                    + "{\"type\": \"runner\", \"id\": \"r2\"}], \"version\": " + v + "}")).path("layout");
            assertThat(layout.path("runner_layout").get(0).path("id").asText()).isEqualTo("g1");
            assertThat(layout.path("version").asLong()).isEqualTo(v + 1);
            // The array alone with ?version=; a stale version is a conflict carrying the stored layout.
            HttpResponse<String> stale = send(f, "PUT", "/api/layout?version=" + v, "[]");
            assertThat(stale.statusCode()).isEqualTo(409);
            assertThat(json(stale.body()).path("current")).isEqualTo(layout);
            layout = ok(send(f, "PUT", "/api/layout?version=" + (v + 1),
                    "[{\"type\": \"runner\", \"id\": \"r2\"}]")).path("layout");
            assertThat(layout.path("runner_layout").toString()).as("what the layout leaves out is appended")
                    .isEqualTo("[{\"type\":\"runner\",\"id\":\"r2\"},{\"type\":\"group\",\"id\":\"g1\"}]");

            ok(send(f, "DELETE", "/api/groups/g1?version=2", null));
            assertThat(json(f.get("/api/state").body()).path("runner_groups")).isEmpty();
            assertThat(ok(f.get("/api/layout")).path("layout").path("runner_layout").toString())
                    .as("its members stay, as top-level runners").contains("\"r1\"").contains("\"r2\"");

            ok(send(f, "POST", "/api/profiles", "{\"id\": \"p1\", \"name\": \"One\"}"));
            ok(send(f, "POST", "/api/profiles", "{\"id\": \"p2\", \"name\": \"Two\"}"));
            ok(send(f, "POST", "/api/profiles", "{\"id\": \"p3\", \"name\": \"Three\"}"));
            JsonNode order = ok(send(f, "PUT", "/api/profiles", "{\"order\": [\"p3\", \"p1\", \"gone\"]}"));
            assertThat(order.path("order").toString()).isEqualTo("[\"p3\",\"p1\",\"p2\"]");
            List<String> stored = new ArrayList<>();
            json(f.get("/api/state").body()).path("notify_profiles").forEach(p -> stored.add(p.path("id").asText()));
            assertThat(stored).containsExactly("p3", "p1", "p2");
            assertThat(ok(f.get("/api/profiles/p3")).path("profile").path("version").asLong())
                    .as("an order is no content").isEqualTo(1);
        }
    }

    @Test
    void bad_input_gets_a_4xx_sentence_and_changes_nothing() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            ok(send(f, "POST", "/api/runners", "{\"id\": \"r1\", \"name\": \"One\", \"command\": \"echo one\"}"));
            ok(send(f, "POST", "/api/groups", "{\"id\": \"g1\"}"));
            ok(send(f, "POST", "/api/profiles", "{\"id\": \"p1\"}"));
            String before = f.get("/api/state").body();
            record Case(String method, String path, String body, int status, String detail) {
            }
            List<Case> cases = List.of(
                    new Case("PUT", "/api/runners/r1", "{\"name\": \"x\"}", 428, "A change or deletion must say which"),
                    new Case("DELETE", "/api/runners/r1", null, 428, "A change or deletion must say which"),
                    new Case("PUT", "/api/layout", "[]", 428, "A change or deletion must say which"),
                    new Case("PUT", "/api/runners/r1", "{\"version\": 0}", 400, "Field 'version' must be a whole"),
                    new Case("PUT", "/api/runners/r1", "{\"version\": \"1\"}", 400, "Field 'version' must be a whole"),
                    new Case("PUT", "/api/runners/r1?version=one", "{}", 400, "Query parameter 'version' must be"),
                    new Case("PUT", "/api/runners/r1?version=2", "{\"version\": 1}", 400,
                            "The version in the body (1) and in the query (2) differ."),
                    new Case("DELETE", "/api/runners/r1?version=-1", null, 400, "Query parameter 'version' must be"),
                    new Case("GET", "/api/runners/bad%20id", null, 400,
                            "The runner id in the path must match ^[A-Za-z0-9_-]{1,120}$."),
                    new Case("PUT", "/api/groups/..%2Fx", "{\"version\": 1}", 400, "The group id in the path must"),
                    new Case("DELETE", "/api/profiles/" + "p".repeat(121) + "?version=1", null, 400,
                            "The profile id in the path must"),
                    new Case("POST", "/api/runners", "{\"id\": \"../etc\"}", 400, "Field 'id' must be a string"),
                    new Case("PUT", "/api/runners/r1", "{\"id\": \"r2\", \"version\": 1}", 400,
                            "The id in the body differs from the id in the path"),
                    new Case("PUT", "/api/runners/r1", "{\"command\": 5, \"version\": 1}", 400,
                            "Field 'command' must be a string."),
                    new Case("PUT", "/api/runners/r1", "{\"max_runs\": \"7\", \"version\": 1}", 400,
                            "Field 'max_runs' must be a whole number."),
                    new Case("PUT", "/api/runners/r1", "{\"schedule\": {\"hours\": 1.5}, \"version\": 1}", 400,
                            "Field 'schedule.hours' must be a whole number."),
                    new Case("PUT", "/api/runners/r1", "{\"cases\": [{\"pattern\": []}], \"version\": 1}", 400,
                            "Field 'cases[0].pattern' must be a string."),
                    new Case("PUT", "/api/runners/r1", "{\"notify_profile_ids\": [\"p1\", 7], \"version\": 1}", 400,
                            "Field 'notify_profile_ids[1]' must be an id"),
                    new Case("PUT", "/api/runners/r1", "{\"logging_enabled\": null, \"version\": 1}", 400,
                            "Field 'logging_enabled' must be true or false."),
                    new Case("PUT", "/api/groups/g1", "{\"runner_ids\": \"r1\", \"version\": 1}", 400,
                            "Field 'runner_ids' must be a list of ids."),
                    new Case("PUT", "/api/profiles/p1", "{\"config\": {\"user_key\": 5}, \"version\": 1}", 400,
                            "Field 'config.user_key' must be a string."),
                    new Case("PUT", "/api/layout", "{\"runner_layout\": [{\"type\": \"box\", \"id\": \"r1\"}], "
                            + "\"version\": 1}", 400, "Field 'runner_layout[0].type' must be"),
                    new Case("PUT", "/api/layout", "{\"version\": 1}", 400, "The layout must be"),
                    new Case("POST", "/api/runners", "[]", 400, "The runner must be a JSON object."),
                    new Case("POST", "/api/runners", "{\"id\": ", 400, "Invalid JSON:"),
                    new Case("PUT", "/api/profiles", "{\"order\": \"p1\"}", 400, "The body must be {\"order\""),
                    new Case("GET", "/api/runners/nope", null, 404, "Runner not found"),
                    new Case("PUT", "/api/groups/nope", "{\"version\": 1}", 404, "Group not found"),
                    new Case("DELETE", "/api/profiles/nope?version=1", null, 404, "Profile not found"),
                    new Case("POST", "/api/runners", "{\"id\": \"r1\"}", 409, "already exists"),
                    new Case("DELETE", "/api/runners/r1?version=7", null, 409, "was changed meanwhile"),
                    new Case("POST", "/api/runners/r1", "{}", 405, "Method Not Allowed"),
                    new Case("GET", "/api/runners", null, 405, "Method Not Allowed"),
                    new Case("DELETE", "/api/layout", null, 405, "Method Not Allowed"));
            for (Case c : cases) {
                HttpResponse<String> r = send(f, c.method(), c.path(), c.body());
                assertThat(r.statusCode()).as(c.method() + " " + c.path() + " " + c.body() + ": " + r.body())
                        .isEqualTo(c.status());
                assertThat(detail(r)).as(c.method() + " " + c.path()).contains(c.detail());
                assertThat(f.get("/api/state").body()).as("after " + c.method() + " " + c.path()).isEqualTo(before);
            }
            assertThat(send(f, "POST", "/api/runners/r1", "{}").headers().firstValue("Allow"))
                    .hasValue("GET, PUT, DELETE");
            assertThat(send(f, "GET", "/api/profiles", null).headers().firstValue("Allow")).hasValue("POST, PUT");
        }
    }

    @Test
    void the_save_limits_hold_on_every_new_route_with_413_and_400_and_nothing_changes() {
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MAX_IMPORTED_RUNNERS", "2", "MAX_TOTAL_RUNNERS", "2",
                "MAX_CASES_PER_RUNNER", "2", "MAX_STATE_BYTES", "65536"))) {
            ok(send(f, "POST", "/api/runners", "{\"id\": \"r1\"}"));
            ok(send(f, "POST", "/api/runners", "{\"id\": \"r2\"}"));
            String before = f.get("/api/state").body();

            HttpResponse<String> r = send(f, "POST", "/api/runners", "{\"id\": \"r3\"}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(detail(r)).isEqualTo("The state has 3 runners; at most 2 are allowed (MAX_TOTAL_RUNNERS).");

            r = send(f, "PUT", "/api/runners/r1", "{\"cases\": [{}, {}, {}], \"version\": 1}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(detail(r)).contains("has 3 cases; at most 2 are allowed (MAX_CASES_PER_RUNNER)");

            String pad = "x".repeat(70_000);
            for (String[] route : new String[][] {{"POST", "/api/runners"}, {"PUT", "/api/runners/r1"},
                    {"POST", "/api/groups"}, {"PUT", "/api/layout"}, {"PUT", "/api/profiles/p"}}) {
                r = send(f, route[0], route[1], "{\"pad\": \"" + pad + "\", \"version\": 1}");
                assertThat(r.statusCode()).as(route[1]).isEqualTo(413);
                assertThat(detail(r)).isEqualTo("The request body is larger than MAX_STATE_BYTES (65536 bytes).");
            }
            // Each body fits, but the stored state would outgrow MAX_STATE_BYTES.
            String half = "y".repeat(40_000);
            ok(send(f, "PUT", "/api/runners/r1", "{\"command\": \"" + half + "\", \"version\": 1}"));
            String afterFirst = f.get("/api/state").body();
            r = send(f, "PUT", "/api/runners/r2", "{\"command\": \"" + half + "\", \"version\": 1}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(detail(r)).startsWith("The state would be ").contains("at most 65536");
            assertThat(f.get("/api/state").body()).isEqualTo(afterFirst);
            assertThat(before).isNotEqualTo(afterFirst);
        }
    }

    // ------------------------------------------------------------------------------------ before-handlers

    private static final List<String[]> NEW_ROUTES = List.of(
            new String[] {"POST", "/api/runners", "{\"id\": \"evil\"}"},
            new String[] {"GET", "/api/runners/r1", null},
            new String[] {"PUT", "/api/runners/r1", "{\"command\": \"touch /tmp/evil\", \"version\": 1}"},
            new String[] {"DELETE", "/api/runners/r1?version=1", null},
            new String[] {"POST", "/api/groups", "{\"id\": \"evil\"}"},
            new String[] {"PUT", "/api/groups/g1", "{\"name\": \"evil\", \"version\": 1}"},
            new String[] {"DELETE", "/api/groups/g1?version=1", null},
            new String[] {"POST", "/api/profiles", "{\"id\": \"evil\"}"},
            new String[] {"PUT", "/api/profiles/p1", "{\"name\": \"evil\", \"version\": 1}"},
            new String[] {"DELETE", "/api/profiles/p1?version=1", null},
            new String[] {"PUT", "/api/profiles", "{\"order\": [\"p1\"]}"},
            new String[] {"GET", "/api/layout", null},
            new String[] {"PUT", "/api/layout", "{\"runner_layout\": [], \"version\": 1}"});

    private static RawHttp.Answer raw(ServerFixture f, String method, String path, Map<String, String> headers,
                                      String body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return RawHttp.exchange(f.server.port(), head + (body == null ? "" : body));
    }

    private static void seed(ServerFixture f, Map<String, String> auth) {
        for (String[] c : new String[][] {{"/api/runners", "{\"id\": \"r1\", \"command\": \"true\"}"},
                {"/api/groups", "{\"id\": \"g1\"}"}, {"/api/profiles", "{\"id\": \"p1\"}"}}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(c[0])).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(c[1]));
            auth.forEach(b::header);
            assertThat(f.send(b.build()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void every_new_route_passes_the_host_origin_and_content_type_checks_first() throws IOException {
        try (ServerFixture f = ServerFixture.start(dir)) {
            seed(f, Map.of());
            String before = f.get("/api/state").body();
            String host = "127.0.0.1:" + f.server.port();
            for (String[] route : NEW_ROUTES) {
                String what = route[0] + " " + route[1];
                Map<String, String> json = new LinkedHashMap<>();
                json.put("Host", host);
                if (route[2] != null) {
                    json.put("Content-Type", "application/json");
                }
                Map<String, String> badHost = new LinkedHashMap<>(json);
                badHost.put("Host", "attacker.example:" + f.server.port());
                RawHttp.Answer a = raw(f, route[0], route[1], badHost, route[2]);
                assertThat(a.status()).as(what + " from a rebinding name").isEqualTo(421);
                assertThat(a.body()).doesNotContain("r1");

                for (Map<String, String> foreign : List.of(Map.of("Origin", "http://evil.example"),
                        Map.of("Sec-Fetch-Site", "cross-site"))) {
                    Map<String, String> h = new LinkedHashMap<>(json);
                    h.putAll(foreign);
                    a = raw(f, route[0], route[1], h, route[2]);
                    assertThat(a.status()).as(what + " " + foreign).isEqualTo(403);
                }
                if (route[2] != null) {
                    for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded"}) {
                        Map<String, String> h = new LinkedHashMap<>(json);
                        h.remove("Content-Type");
                        if (type != null) {
                            h.put("Content-Type", type);
                        }
                        a = raw(f, route[0], route[1], h, route[2]);
                        assertThat(a.status()).as(what + " as " + type).isEqualTo(415);
                    }
                }
            }
            // A deletion with a body must declare it as JSON as well.
            Map<String, String> h = Map.of("Host", host, "Content-Type", "text/plain");
            assertThat(raw(f, "DELETE", "/api/runners/r1", h, "{\"version\": 1}").status()).isEqualTo(415);
            assertThat(f.get("/api/state").body()).isEqualTo(before);

            // The page's own requests pass: same origin, as a browser sends them.
            RawHttp.Answer own = raw(f, "PUT", "/api/runners/r1", Map.of("Host", host, "Origin", "http://" + host,
                    "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json; charset=utf-8"),
                    "{\"name\": \"Mine\", \"version\": 1}");
            assertThat(own.status()).isEqualTo(200);
            assertThat(own.header("cache-control")).isEqualTo("no-store");
        }
    }

    @Test
    void with_auth_on_every_new_route_needs_the_credentials() {
        Map<String, String> env = Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "admin",
                "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "pw-123");
        String auth = "Basic " + Base64.getEncoder().encodeToString("admin:pw-123".getBytes(StandardCharsets.UTF_8));
        try (ServerFixture f = ServerFixture.start(dir, env)) {
            seed(f, Map.of("Authorization", auth));
            HttpRequest.Builder get = HttpRequest.newBuilder(f.uri("/api/state")).header("Authorization", auth);
            String before = f.send(get.build()).body();
            for (String[] route : NEW_ROUTES) {
                HttpResponse<String> r = send(f, route[0], route[1], route[2]);
                assertThat(r.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
                assertThat(r.body()).isEqualTo("{\"detail\":\"Unauthorized\"}");
            }
            assertThat(f.send(get.build()).body()).isEqualTo(before);
            HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/api/runners/r1")).header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"name\": \"Mine\", \"version\": 1}"));
            assertThat(f.send(b.build()).statusCode()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------------------------------ events

    /** Reads {@code data:} frames of an event stream. */
    private static final class Frames {
        private final BufferedReader reader;

        Frames(InputStream in) {
            reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        /** The next {@code state_changed} event as compact JSON of kind, id, version and deleted. */
        String nextStateChanged() throws IOException {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data: ") && line.contains("\"state_changed\"")) {
                    JsonNode e = json(line.substring(6));
                    assertThat(e.fieldNames()).toIterable().containsExactly("type", "kind", "id", "version", "deleted");
                    return e.path("kind").asText() + ":" + e.path("id").asText() + ":" + e.path("version").asLong()
                            + (e.path("deleted").asBoolean() ? ":deleted" : "");
                }
            }
            throw new IOException("The stream ended.");
        }
    }

    @Test
    void state_changed_reaches_the_event_stream_for_every_kind_on_create_update_and_delete() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            long layout0 = json(f.get("/api/state").body()).path("layout_version").asLong();
            assertTimeoutPreemptively(DEADLINE, () -> {
                HttpResponse<InputStream> stream = f.http.send(HttpRequest.newBuilder(f.uri("/api/events")).GET()
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = stream.body()) {
                    Frames frames = new Frames(body);
                    List<String> seen = new ArrayList<>();
                    ok(send(f, "POST", "/api/runners", "{\"id\": \"r1\"}"));
                    ok(send(f, "PUT", "/api/runners/r1", "{\"name\": \"One\", \"version\": 1}"));
                    ok(send(f, "POST", "/api/groups", "{\"id\": \"g1\"}"));
                    ok(send(f, "PUT", "/api/groups/g1", "{\"name\": \"G\", \"version\": 1}"));
                    ok(send(f, "POST", "/api/profiles", "{\"id\": \"p1\"}"));
                    ok(send(f, "PUT", "/api/profiles/p1", "{\"name\": \"P\", \"version\": 1}"));
                    long lv = ok(f.get("/api/layout")).path("layout").path("version").asLong();
                    ok(send(f, "PUT", "/api/layout", "{\"runner_layout\": [{\"type\": \"group\", \"id\": \"g1\"}], "
                            + "\"version\": " + lv + "}"));
                    ok(send(f, "DELETE", "/api/profiles/p1?version=2", null));
                    ok(send(f, "DELETE", "/api/groups/g1?version=2", null));
                    ok(send(f, "DELETE", "/api/runners/r1?version=2", null));
                    List<String> expected = List.of("runner:r1:1", "runner:r1:2", "group:g1:1", "group:g1:2",
                            "profile:p1:1", "profile:p1:2", "profile:p1:3:deleted", "group:g1:3:deleted",
                            "runner:r1:3:deleted");
                    while (!seen.containsAll(expected) || !seen.contains("layout::" + (lv + 1))) {
                        seen.add(frames.nextStateChanged());
                    }
                    List<String> objects = seen.stream().filter(s -> !s.startsWith("layout")).toList();
                    assertThat(objects).as("one event per committed change, in order").isEqualTo(expected);
                    List<Long> layouts = seen.stream().filter(s -> s.startsWith("layout::"))
                            .map(s -> Long.parseLong(s.substring("layout::".length()))).toList();
                    assertThat(layouts).as("the layout changes with its creates, its own PUT and deletions")
                            .isSorted().doesNotHaveDuplicates().allMatch(n -> n > layout0).contains(lv + 1);
                }
            });
        }
    }
}
