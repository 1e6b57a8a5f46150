package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run history, health and metrics routes through the real server. */
class HistoryRoutesTest {

    private static final Map<String, String> AUTH = Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "admin",
            "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "pw", "MCR_METRICS_TOKEN", "scrape-me");
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private static String run(ServerFixture f, String runnerId) {
        HttpResponse<String> r = f.post("/api/run", "{\"runner_id\": \"" + runnerId + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String runId = json(r.body()).path("run_id").asText();
        ServerFixture.await(() -> json(f.get("/api/runs/" + runId).body()).path("finished_ts").isTextual(),
                "run " + runId + " to be recorded as ended");
        return runId;
    }

    private static HttpResponse<String> get(ServerFixture f, String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return f.send(b.build());
    }

    @Test
    void runs_are_listed_newest_first_with_a_cursor_and_each_has_its_record_output_and_statistics() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_web").name("Web check")
                    .command("echo 'status UP'; echo second; echo third")
                    .onMatch("status (\\w+)", CaseState.UP, "web {g1}").build());
            f.mcr.saveRunner(Runner.builder("runner_bad").command("echo broken; exit 4").build());
            String first = run(f, "runner_web");
            String failed = run(f, "runner_bad");
            String second = run(f, "runner_web");

            JsonNode page = json(f.get("/api/runs?limit=2").body());
            assertThat(page.path("items")).extracting(n -> n.path("run_id").asText()).containsExactly(second, failed);
            assertThat(page.path("next").asText()).isEqualTo(failed);
            JsonNode rest = json(f.get("/api/runs?limit=2&before=" + failed).body());
            assertThat(rest.path("items")).extracting(n -> n.path("run_id").asText()).containsExactly(first);
            assertThat(rest.path("next").isNull()).isTrue();
            assertThat(json(f.get("/api/runs?runner_id=runner_bad").body()).path("items"))
                    .extracting(n -> n.path("run_id").asText()).containsExactly(failed);
            assertThat(json(f.get("/api/runs?state=failure").body()).path("items"))
                    .extracting(n -> n.path("run_id").asText()).containsExactly(failed);
            assertThat(json(f.get("/api/runs?state=UP").body()).path("items")).hasSize(2);

            HttpResponse<String> one = f.get("/api/runs/" + first);
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.headers().firstValue("Cache-Control")).hasValue("no-store");
            JsonNode r = json(one.body());
            List<String> keys = new ArrayList<>();
            r.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).startsWith("run_id", "runner_id", "runner_name", "trigger", "actor", "node",
                    "started_ts", "finished_ts", "duration_ms", "exit_code", "stopped", "timed_out", "attempt",
                    "last_case", "last_state", "worst_state", "output_lines", "output_bytes");
            assertThat(r.path("runner_name").asText()).isEqualTo("Web check");
            assertThat(r.path("trigger").asText()).isEqualTo("manual");
            assertThat(r.path("actor").asText()).as("no users: the caller is anonymous").isEqualTo("anonymous");
            assertThat(r.path("exit_code").asInt()).isZero();
            assertThat(r.path("last_case").asText()).isEqualTo("web UP");
            assertThat(r.path("worst_state").asText()).isEqualTo("UP");
            assertThat(r.path("output_lines").asInt()).isEqualTo(3);
            assertThat(r.path("attempt").asInt()).isEqualTo(1);
            assertThat(r.path("timed_out").asBoolean()).isFalse();

            HttpResponse<String> output = f.get("/api/runs/" + first + "/output");
            assertThat(output.statusCode()).isEqualTo(200);
            assertThat(output.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
            assertThat(output.body()).isEqualTo("status UP\nsecond\nthird\n");
            assertThat(f.get("/api/runs/" + first + "/output?tail_lines=1").body()).isEqualTo("third\n");

            JsonNode stats = json(f.get("/api/runners/runner_web/stats?window=7d").body());
            List<String> statKeys = new ArrayList<>();
            stats.fieldNames().forEachRemaining(statKeys::add);
            assertThat(statKeys).startsWith("runs", "successes", "failures", "success_rate", "duration_ms",
                    "current_streak", "last_failure_ts");
            assertThat(stats.path("runs").asInt()).isEqualTo(2);
            assertThat(stats.path("success_rate").asDouble()).isEqualTo(1.0);
            assertThat(stats.path("current_streak").path("kind").asText()).isEqualTo("success");
            assertThat(stats.path("current_streak").path("count").asInt()).isEqualTo(2);
            assertThat(stats.path("duration_ms").path("max").isNumber()).isTrue();
            assertThat(stats.path("last_failure_ts").isNull()).isTrue();
            JsonNode bad = json(f.get("/api/runners/runner_bad/stats").body());
            assertThat(bad.path("failures").asInt()).isEqualTo(1);
            assertThat(bad.path("last_failure_ts").isTextual()).isTrue();
        }
    }

    @Test
    void bad_queries_get_a_readable_4xx_and_unknown_runs_a_404() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            Map<String, Integer> expected = Map.of(
                    "/api/runs?limit=many", 422,
                    "/api/runs?state=sideways", 422,
                    "/api/runs?runner_id=../etc", 422,
                    "/api/runs?before=a%20b", 422,
                    "/api/runs/run_nope", 404,
                    "/api/runs/run_nope/output", 404,
                    "/api/runs/a%20b", 400,
                    "/api/runs/x/output?tail_lines=-1", 422,
                    "/api/runners/runner_nope/stats", 404,
                    "/api/runners/runner_nope/stats?window=1y", 422);
            expected.forEach((path, status) -> {
                HttpResponse<String> r = f.get(path);
                assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(status);
                assertThat(json(r.body()).path("detail").asText()).as(path).isNotBlank();
            });
            assertThat(json(f.get("/api/runs/run_nope").body()).path("detail").asText())
                    .isEqualTo("There is no record of a run with the id 'run_nope' (runs older than the history keeps "
                            + "are deleted).");
            HttpResponse<String> post = f.post("/api/runs", "{}");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
            assertThat(f.delete("/api/runs/run_nope").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void health_needs_no_credentials_metrics_take_them_or_the_bearer_token_and_the_host_check_still_applies()
            throws IOException {
        try (ServerFixture f = ServerFixture.start(dir, AUTH)) {
            HttpResponse<String> health = get(f, "/healthz", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(health.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(get(f, "/readyz", null).body()).isEqualTo("{\"status\":\"ready\"}");

            assertThat(get(f, "/api/runs", null).statusCode()).isEqualTo(401);
            assertThat(get(f, "/api/runs", "Bearer scrape-me").statusCode()).as("the token is for /metrics only")
                    .isEqualTo(401);
            assertThat(get(f, "/api/runs", BASIC).statusCode()).isEqualTo(200);
            assertThat(get(f, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(get(f, "/metrics", "Bearer scrape-mE").statusCode()).isEqualTo(401);
            assertThat(get(f, "/metrics", BASIC).statusCode()).isEqualTo(200);
            HttpResponse<String> scraped = get(f, "/metrics", "Bearer scrape-me");
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");

            RawHttp.Answer foreign = RawHttp.exchange(f.server.port(),
                    "GET /healthz HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
            assertThat(foreign.status()).isEqualTo(421);
        }
    }

    @Test
    void every_history_route_passes_the_host_check_and_the_api_ones_the_origin_check_first() throws IOException {
        try (ServerFixture f = ServerFixture.start(dir)) {
            String host = "127.0.0.1:" + f.server.port();
            for (HistoryRoutes.Route route : HistoryRoutes.ROUTES) {
                String path = route.path().replace("{run_id}", "run_x").replace("{runner_id}", "runner_x");
                RawHttp.Answer a = RawHttp.exchange(f.server.port(), route.method() + " " + path + " HTTP/1.1\r\n"
                        + "Host: attacker.example:" + f.server.port() + "\r\nConnection: close\r\n\r\n");
                assertThat(a.status()).as(path + " from a rebinding name").isEqualTo(421);
                if (path.startsWith("/api/")) {
                    a = RawHttp.exchange(f.server.port(), route.method() + " " + path + " HTTP/1.1\r\nHost: " + host
                            + "\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n");
                    assertThat(a.status()).as(path + " from another page").isEqualTo(403);
                }
            }
        }
    }

    @Test
    void the_readiness_check_fails_with_a_503_and_no_details_when_the_store_does_not_answer() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.close();
            HttpResponse<String> r = f.get("/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"detail\":\"Not ready: the store does not answer.\"}");
            assertThat(f.get("/healthz").statusCode()).as("alive all the same").isEqualTo(200);
        }
    }

    private static double sample(String metrics, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{" + Pattern.quote(labels) + "\\} (\\S+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void metrics_count_runs_as_they_happen_and_pass_promtool() throws Exception {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_m").command("echo 'x DOWN'")
                    .onMatch("DOWN", CaseState.DOWN, "down").build());
            String before = f.get("/metrics").body();
            assertThat(sample(before, "mcr_runners", "health=\"none\"")).isEqualTo(1.0);
            assertThat(before).doesNotContain("mcr_runs_total{runner=\"runner_m\"");

            run(f, "runner_m");
            String once = f.get("/metrics").body();
            assertThat(sample(once, "mcr_runs_total", "result=\"success\",runner=\"runner_m\"")).isEqualTo(1.0);
            assertThat(sample(once, "mcr_run_duration_seconds_count", "runner=\"runner_m\"")).isEqualTo(1.0);
            assertThat(sample(once, "mcr_runners", "health=\"down\"")).isEqualTo(1.0);
            run(f, "runner_m");
            String twice = f.get("/metrics").body();
            assertThat(sample(twice, "mcr_runs_total", "result=\"success\",runner=\"runner_m\"")).isEqualTo(2.0);
            assertThat(sample(twice, "mcr_run_duration_seconds_bucket", "runner=\"runner_m\",le=\"+Inf\""))
                    .isEqualTo(2.0);
            for (String name : List.of("mcr_running_runs ", "mcr_notification_queue_depth ",
                    "mcr_event_stream_clients ", "mcr_events_dropped_total ",
                    "mcr_notifications_total{result=\"error\",type=\"pushover\"} ", "jvm_memory_used_bytes{",
                    "process_cpu_usage ", "process_uptime_seconds ", "jvm_threads_live_threads ")) {
                assertThat(twice).as(name).contains("\n" + name);
            }

            Path promtool = Path.of("/usr/bin/promtool");
            Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed here (Debian package "
                    + "prometheus; .ci/run installs it), so the format check is skipped");
            Path file = dir.resolve("metrics.txt");
            Files.writeString(file, twice);
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                    .redirectInput(file.toFile()).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("promtool check metrics said:%n%s", said).isZero();
        }
    }

    @Test
    void the_newest_runs_of_every_runner_come_in_one_answer_newest_first_and_deleted_runners_are_left_out() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_one").command("echo 'x WARN'; exit 2")
                    .onMatch("(WARN)", CaseState.WARN, "saw {g1}").build());
            f.mcr.saveRunner(Runner.builder("runner_two").command("true").build());
            f.mcr.saveRunner(Runner.builder("runner_gone").command("true").build());
            f.mcr.saveRunner(Runner.builder("runner_idle").command("true").build());
            List<String> one = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                one.add(run(f, "runner_one"));
            }
            String two = run(f, "runner_two");
            run(f, "runner_gone");
            long version = json(f.get("/api/runners/runner_gone").body()).path("runner").path("version").asLong();
            assertThat(f.delete("/api/runners/runner_gone?version=" + version).statusCode()).isEqualTo(200);

            HttpResponse<String> r = f.get("/api/runs/recent?per_runner=2");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            JsonNode recent = json(r.body());
            List<String> runners = new ArrayList<>();
            recent.fieldNames().forEachRemaining(runners::add);
            assertThat(runners).as("runners with runs, in the state's order; the deleted one is left out")
                    .containsExactly("runner_one", "runner_two");
            assertThat(recent.path("runner_one")).extracting(n -> n.path("run_id").asText())
                    .containsExactly(one.get(2), one.get(1));
            JsonNode cell = recent.path("runner_one").get(0);
            List<String> keys = new ArrayList<>();
            cell.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("run_id", "started_ts", "duration_ms", "exit_code", "outcome",
                    "worst_state", "last_case", "trigger");
            assertThat(cell.path("outcome").asText()).isEqualTo("failure");
            assertThat(cell.path("exit_code").asInt()).isEqualTo(2);
            assertThat(cell.path("worst_state").asText()).isEqualTo("WARN");
            assertThat(cell.path("last_case").asText()).isEqualTo("saw WARN");
            assertThat(cell.path("started_ts").asText()).as("a time with its zone")
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*([+-]\\d\\d:\\d\\d|Z)");
            assertThat(recent.path("runner_two")).extracting(n -> n.path("run_id").asText()).containsExactly(two);
            assertThat(json(f.get("/api/runs/recent").body()).path("runner_one")).as("50 by default").hasSize(3);

            for (String bad : List.of("0", "201", "many", "-1", "1e3")) {
                HttpResponse<String> b = f.get("/api/runs/recent?per_runner=" + bad);
                assertThat(b.statusCode()).as(bad).isEqualTo(422);
                assertThat(json(b.body()).path("detail").asText())
                        .isEqualTo("Query parameter 'per_runner' must be a whole number from 1 to 200.");
            }
            assertThat(f.post("/api/runs/recent", "{}").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void the_series_of_a_deleted_runner_disappear_from_the_metrics_and_the_others_stay() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_keep").command("true").build());
            f.mcr.saveRunner(Runner.builder("runner_drop").command("echo 'x DOWN'")
                    .onMatch("DOWN", CaseState.DOWN, "down").build());
            run(f, "runner_keep");
            run(f, "runner_drop");
            String before = f.get("/metrics").body();
            assertThat(sample(before, "mcr_runs_total", "result=\"success\",runner=\"runner_drop\"")).isEqualTo(1.0);
            assertThat(sample(before, "mcr_runners", "health=\"down\"")).isEqualTo(1.0);

            long version = json(f.get("/api/runners/runner_drop").body()).path("runner").path("version").asLong();
            assertThat(f.delete("/api/runners/runner_drop?version=" + version).statusCode()).isEqualTo(200);
            String after = f.get("/metrics").body();
            assertThat(after).doesNotContain("runner=\"runner_drop\"");
            assertThat(sample(after, "mcr_runners", "health=\"down\"")).isEqualTo(0.0);
            assertThat(sample(after, "mcr_runs_total", "result=\"success\",runner=\"runner_keep\"")).isEqualTo(1.0);
            assertThat(sample(after, "mcr_run_duration_seconds_count", "runner=\"runner_keep\"")).isEqualTo(1.0);

            f.mcr.saveRunner(Runner.builder("runner_drop").command("true").build());
            run(f, "runner_drop");
            assertThat(sample(f.get("/metrics").body(), "mcr_runs_total", "result=\"success\",runner=\"runner_drop\""))
                    .as("a runner made again with the same id counts from zero").isEqualTo(1.0);
        }
    }
}
