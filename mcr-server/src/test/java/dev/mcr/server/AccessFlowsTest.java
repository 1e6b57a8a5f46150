package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.access.Role;
import dev.mcr.model.Runner;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logins, sessions, CSRF, the back-off, tokens, compatibility and the audit log, through a real server. */
class AccessFlowsTest {

    private static final String PW = AccessRolesTest.PASSWORD;

    @TempDir
    Path dir;

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_login_sets_a_private_cookie_and_me_answers_the_user_role_and_csrf_token() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.access().createUser("ann", "Ann A", Role.EDITOR, PW.toCharArray());
            HttpResponse<String> r = Caller.anonymous(f).send("POST", "/api/login",
                    "{\"username\":\"ann\",\"password\":\"" + PW + "\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = json(r.body());
            assertThat(body.get("ok").asBoolean()).isTrue();
            assertThat(body.get("user").get("name").asText()).isEqualTo("ann");
            assertThat(body.get("user").get("role").asText()).isEqualTo("editor");
            String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith("mcr_session=").contains("; HttpOnly").contains("; SameSite=Strict")
                    .contains("; Path=/").contains("; Max-Age=604800").doesNotContain("Secure");
            assertThat(cookie.split(";")[0].length()).as("256 random bits, base64url").isEqualTo(12 + 43);

            Caller ann = Caller.login(f, "ann", PW);
            JsonNode me = ann.ok("GET", "/api/me", null);
            assertThat(me.get("user").get("name").asText()).isEqualTo("ann");
            assertThat(me.get("role").asText()).isEqualTo("editor");
            assertThat(me.get("csrf_token").asText()).isEqualTo(ann.csrf());
            assertThat(ann.send("GET", "/api/sessions", null).body()).contains("\"current\":true");
        }
    }

    @Test
    void the_cookie_is_secure_with_mcr_cookie_secure_and_a_wrong_password_gets_401() {
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), McrServer.Options.DEFAULTS.withAccess(
                AccessSettings.fromEnv(Map.of("MCR_COOKIE_SECURE", "1"))))) {
            f.mcr.access().createUser("ann", null, Role.VIEWER, PW.toCharArray());
            HttpResponse<String> r = Caller.anonymous(f).send("POST", "/api/login",
                    "{\"username\":\"ann\",\"password\":\"" + PW + "\"}");
            assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
            HttpResponse<String> wrong = Caller.anonymous(f).send("POST", "/api/login",
                    "{\"username\":\"ann\",\"password\":\"not-the-password\"}");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("wrong").doesNotContain("not-the-password");
        }
    }

    @Test
    void a_change_through_a_session_without_the_csrf_token_is_403_and_changes_nothing() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_a").name("A").command("true").build());
            f.mcr.access().createUser("ann", null, Role.EDITOR, PW.toCharArray());
            Caller ann = Caller.login(f, "ann", PW);
            long version = ann.ok("GET", "/api/runners/runner_a", null).get("runner").get("version").asLong();
            String change = "{\"name\":\"B\",\"version\":" + version + "}";
            HttpResponse<String> refused = ann.withoutCsrf().send("PUT", "/api/runners/runner_a", change);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("X-CSRF-Token");
            HttpResponse<String> forged = new Caller(f, ann.cookie(), "0".repeat(64), null)
                    .send("PUT", "/api/runners/runner_a", change);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(f.mcr.state().runners().get(0).name()).isEqualTo("A");
            assertThat(ann.ok("PUT", "/api/runners/runner_a", change).get("runner").get("name").asText())
                    .isEqualTo("B");
        }
    }

    @Test
    void after_five_failed_logins_the_next_attempt_gets_429_with_retry_after_and_every_failure_is_audited() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.access().createUser("ann", null, Role.ADMIN, PW.toCharArray());
            for (int i = 0; i < 5; i++) {
                assertThat(Caller.anonymous(f).send("POST", "/api/login",
                        "{\"username\":\"ann\",\"password\":\"wrong-password-" + i + "\"}").statusCode()).isEqualTo(401);
            }
            HttpResponse<String> blocked = Caller.anonymous(f).send("POST", "/api/login",
                    "{\"username\":\"ann\",\"password\":\"" + PW + "\"}");
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                    assertThat(Integer.parseInt(v)).isBetween(1, 900));
            assertThat(f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(10, "ann", "login.failed", null)))
                    .hasSize(5).allSatisfy(e -> {
                        assertThat(e.address()).isEqualTo("127.0.0.1");
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.outcome()).isEqualTo("denied");
                    });
            assertThat(f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(10, null, "login.blocked", null)))
                    .hasSize(1);
        }
    }

    @Test
    void a_viewers_token_reads_but_cannot_run_and_a_token_never_gets_more_than_its_creator() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_a").name("A").command("true").build());
            f.mcr.access().createUser("vic", null, Role.VIEWER, PW.toCharArray());
            f.mcr.access().createUser("ops", null, Role.OPERATOR, PW.toCharArray());
            Caller vic = Caller.login(f, "vic", PW);
            HttpResponse<String> tooHigh = vic.send("POST", "/api/tokens", "{\"name\":\"ci\",\"role\":\"operator\"}");
            assertThat(tooHigh.statusCode()).isEqualTo(403);
            assertThat(tooHigh.body()).contains("at most its creator");
            JsonNode created = vic.ok("POST", "/api/tokens", "{\"name\":\"ci\",\"role\":\"viewer\",\"expires_in_s\":3600}");
            String secret = created.get("token").asText();
            assertThat(secret).startsWith("mcr_");
            String listed = vic.send("GET", "/api/tokens", null).body();
            assertThat(listed).contains("\"name\":\"ci\"").doesNotContain(secret);

            Caller token = Caller.token(f, secret);
            assertThat(token.send("GET", "/api/state", null).statusCode()).isEqualTo(200);
            HttpResponse<String> run = token.send("POST", "/api/run", "{\"runner_id\":\"runner_a\"}");
            assertThat(run.statusCode()).isEqualTo(403);
            assertThat(run.body()).contains("Your role viewer may not run a runner");
            assertThat(f.mcr.status().get("runner_a").running()).isFalse();
            assertThat(Caller.token(f, "mcr_forged").send("GET", "/api/state", null).statusCode()).isEqualTo(401);

            Caller ops = Caller.login(f, "ops", PW);
            String opsToken = ops.ok("POST", "/api/tokens", "{\"name\":\"deploy\",\"role\":\"operator\"}")
                    .get("token").asText();
            java.util.List<dev.mcr.event.RunStarted> started = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (var sub = f.mcr.subscribe(e -> {
                if (e instanceof dev.mcr.event.RunStarted r) {
                    started.add(r);
                }
            })) {
                assertThat(Caller.token(f, opsToken).send("POST", "/api/run", "{\"runner_id\":\"runner_a\"}")
                        .statusCode()).isEqualTo(200);
                ServerFixture.await(() -> !started.isEmpty(), "the started event");
            }
            assertThat(started.get(0).actor()).as("the run knows who started it").isEqualTo("token:deploy");
            ServerFixture.await(() -> !f.mcr.status().get("runner_a").running(), "the run to end");
            var rows = f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(10, null, "runner.run", null));
            assertThat(rows).extracting(e -> e.actor() + " " + e.status()).containsExactly("token:deploy 200",
                    "token:ci 403");
            assertThat(rows.get(0).targetId()).isEqualTo("runner_a");
            assertThat(rows.get(0).targetName()).isEqualTo("A");
            String id = created.get("id").asText();
            assertThat(vic.send("DELETE", "/api/tokens/" + id, null).statusCode()).isEqualTo(200);
            assertThat(token.send("GET", "/api/state", null).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void the_basic_account_of_the_environment_stays_an_admin_when_users_exist_and_users_can_use_basic_too() {
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "admin",
                "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "pa:ss"))) {
            f.mcr.access().createUser("vic", null, Role.VIEWER, PW.toCharArray());
            HttpResponse<String> env = f.send(HttpRequest.newBuilder(f.uri("/api/users"))
                    .header("Authorization", basic("admin", "pa:ss")).GET().build());
            assertThat(env.statusCode()).isEqualTo(200);
            HttpResponse<String> user = f.send(HttpRequest.newBuilder(f.uri("/api/users"))
                    .header("Authorization", basic("vic", PW)).GET().build());
            assertThat(user.statusCode()).isEqualTo(403);
            HttpResponse<String> none = f.send(HttpRequest.newBuilder(f.uri("/api/state")).GET().build());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue(BasicAuth.CHALLENGE);
            f.send(HttpRequest.newBuilder(f.uri("/api/stop")).header("Authorization", basic("admin", "pa:ss"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"runner_id\":\"nope\"}")).build());
            assertThat(f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(5, null, "runner.stop", null)))
                    .extracting(e -> e.actor()).containsExactly("basic:admin");
        }
    }

    @Test
    void without_users_and_variables_everything_is_open_until_the_first_admin_is_created_from_loopback() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            Caller anyone = Caller.anonymous(f);
            assertThat(anyone.send("GET", "/api/state", null).statusCode()).isEqualTo(200);
            JsonNode me = anyone.ok("GET", "/api/me", null);
            assertThat(me.get("auth").asText()).isEqualTo("anonymous");
            assertThat(me.get("users_exist").asBoolean()).isFalse();
            HttpResponse<String> weak = anyone.send("POST", "/api/setup",
                    "{\"username\":\"root\",\"password\":\"password1234\"}");
            assertThat(weak.statusCode()).isEqualTo(400);
            assertThat(weak.body()).contains("common").doesNotContain("password1234");
            HttpResponse<String> setup = anyone.send("POST", "/api/setup",
                    "{\"username\":\"root\",\"password\":\"" + PW + "\"}");
            assertThat(setup.statusCode()).isEqualTo(200);
            assertThat(json(setup.body()).get("user").get("role").asText()).isEqualTo("admin");
            assertThat(setup.headers().firstValue("Set-Cookie")).isPresent();
            assertThat(anyone.send("GET", "/api/state", null).statusCode()).isEqualTo(401);
            assertThat(anyone.send("GET", "/", null).statusCode()).as("the page shows the login").isEqualTo(200);
            assertThat(anyone.send("POST", "/api/setup", "{\"username\":\"eve\",\"password\":\"" + PW + "\"}")
                    .statusCode()).isEqualTo(409);
            assertThat(f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(5, null, "user.create", null)))
                    .extracting(e -> e.actor() + " " + e.targetId()).containsExactly("anonymous root");
        }
    }

    @Test
    void an_editors_save_in_the_original_clients_shape_keeps_the_stored_services_and_their_secrets() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState("{\"notify_profiles\":[{\"id\":\"p1\",\"name\":\"Phone\",\"type\":\"pushover\",\"active\":true,"
                    + "\"config\":{\"user_key\":\"ukey-123\",\"api_token\":\"tok-456\"}}],\"runners\":[{\"id\":\"r1\","
                    + "\"name\":\"One\",\"command\":\"true\"}],\"runner_groups\":[],\"runner_layout\":[]}");
            f.mcr.access().createUser("ed", null, Role.EDITOR, PW.toCharArray());
            Caller ed = Caller.login(f, "ed", PW);
            ed.ok("POST", "/api/state", "{\"notify_profiles\":[{\"id\":\"p1\",\"name\":\"Hacked\",\"type\":\"pushover\","
                    + "\"active\":false,\"config\":{\"user_key\":\"evil\",\"api_token\":\"evil\"}}],\"runners\":[{"
                    + "\"id\":\"r1\",\"name\":\"One renamed\",\"command\":\"true\"}],\"runner_groups\":[],"
                    + "\"runner_layout\":[]}");
            var profile = f.mcr.state().notifyProfiles().get(0);
            assertThat(profile.name()).isEqualTo("Phone");
            assertThat(profile.active()).isTrue();
            assertThat(profile.config()).containsEntry("user_key", "ukey-123").containsEntry("api_token", "tok-456");
            assertThat(f.mcr.state().runners().get(0).name()).isEqualTo("One renamed");
            var row = f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(1, "ed", "state.save", null)).get(0);
            assertThat(row.summary()).contains("runners[r1].name: \"One\" \u2192 \"One renamed\"")
                    .doesNotContain("evil").doesNotContain("ukey");
        }
    }

    @Test
    void the_audit_log_names_the_actor_and_change_verify_finds_an_edited_row_and_export_writes_json_lines()
            throws Exception {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_a").name("A").command("true").build());
            f.mcr.access().createUser("root", null, Role.ADMIN, PW.toCharArray());
            Caller root = Caller.login(f, "root", PW);
            long v = root.ok("GET", "/api/runners/runner_a", null).get("runner").get("version").asLong();
            root.ok("PUT", "/api/runners/runner_a", "{\"name\":\"B\",\"command\":\"echo hi\",\"version\":" + v + "}");
            root.ok("POST", "/api/users", "{\"name\":\"vic\",\"role\":\"viewer\",\"password\":\"" + PW + "\"}");
            root.ok("PUT", "/api/profiles", "{\"order\":[]}");

            JsonNode items = root.ok("GET", "/api/audit?actor=root", null).get("items");
            assertThat(items.get(0).get("action").asText()).isEqualTo("profile.order");
            assertThat(items.get(1).get("action").asText()).isEqualTo("user.create");
            assertThat(items.get(1).get("summary").asText()).contains("role: \"viewer\"").doesNotContain(PW);
            JsonNode update = root.ok("GET", "/api/audit?action=runner.update", null).get("items").get(0);
            assertThat(update.get("actor").asText()).isEqualTo("root");
            assertThat(update.get("target_id").asText()).isEqualTo("runner_a");
            assertThat(update.get("target_name").asText()).isEqualTo("B");
            assertThat(update.get("summary").asText()).contains("name: \"A\" \u2192 \"B\"")
                    .contains("command: \"true\" \u2192 \"echo hi\"");
            assertThat(root.ok("GET", "/api/audit?target=runner_a&limit=1", null).get("items")).hasSize(1);
            assertThat(root.ok("GET", "/api/audit/verify", null).get("ok").asBoolean()).isTrue();

            String export = root.send("GET", "/api/audit/export", null).body();
            String[] lines = export.split("\n");
            assertThat(lines.length).isGreaterThanOrEqualTo(4);
            assertThat(json(lines[0]).get("id").asLong()).isEqualTo(1);

            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
                 Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE mcr_audit SET summary = 'nothing' WHERE action = 'runner.update'");
            }
            JsonNode verify = root.ok("GET", "/api/audit/verify", null);
            assertThat(verify.get("ok").asBoolean()).isFalse();
            assertThat(verify.get("broken_at").asLong()).isEqualTo(update.get("id").asLong());
        }
    }
}
