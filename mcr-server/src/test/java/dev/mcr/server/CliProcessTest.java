package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's commands in a child JVM (the class the jar's manifest names, on the test class path, as
 * {@link ServerProcess} starts the server): they act on DATA_DIR while no server runs, and the server then honours
 * what they did.
 */
class CliProcessTest {

    private static final String PW = AccessRolesTest.PASSWORD;

    @TempDir
    Path tmp;

    /** The exit code and what a command printed. */
    record Result(int code, String out, String err) {
    }

    private Result run(Path dataDir, String stdin, String... args) throws Exception {
        return runWith(dataDir, Map.of(), stdin, args);
    }

    private Result runWith(Path dataDir, Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("MULTI_COMMAND_RUNNER_") || k.startsWith("MCR_"));
        pb.environment().put("DATA_DIR", dataDir.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> copy(p.getErrorStream(), err));
        t.start();
        copy(p.getInputStream(), out);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the command ended").isTrue();
        t.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void user_add_list_disable_and_passwd_act_on_the_data_folder_and_the_server_then_needs_that_login() throws Exception {
        Path data = tmp.resolve("data");
        Result add = run(data, PW + "\n", "user", "add", "root", "--role", "admin", "--password-stdin");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("root (admin) created.");
        assertThat(add.out() + add.err()).doesNotContain(PW);
        assertThat(run(data, PW + "\n", "user", "add", "vic", "--role", "viewer", "--password-stdin").code()).isZero();
        Result weak = run(data, "short\n", "user", "add", "eve", "--role", "viewer", "--password-stdin");
        assertThat(weak.code()).isEqualTo(1);
        assertThat(weak.err()).contains("at least 12 characters");
        Result badRole = run(data, PW + "\n", "user", "add", "eve", "--role", "boss", "--password-stdin");
        assertThat(badRole.code()).isEqualTo(1);
        assertThat(badRole.err()).contains("viewer, operator, editor, admin");
        assertThat(run(data, null, "user", "disable", "vic").code()).isZero();
        Result list = run(data, null, "user", "list");
        assertThat(list.out()).containsPattern("root\\s+admin\\s+enabled").containsPattern("vic\\s+viewer\\s+disabled");
        Result lastAdmin = run(data, null, "user", "disable", "root");
        assertThat(lastAdmin.code()).isEqualTo(1);
        assertThat(lastAdmin.err()).contains("last enabled admin");
        String newPw = "granite-heron-lantern";
        assertThat(run(data, newPw + "\n", "user", "passwd", "root", "--password-stdin").code()).isZero();
        assertThat(Files.exists(data.resolve("app.db"))).isTrue();

        try (ServerProcess server = ServerProcess.start(data, Map.of())) {
            assertThat(server.get("/api/state").statusCode()).isEqualTo(401);
            HttpResponse<String> old = server.post("/api/login", "{\"username\":\"root\",\"password\":\"" + PW + "\"}");
            assertThat(old.statusCode()).isEqualTo(401);
            HttpResponse<String> login = server.post("/api/login", "{\"username\":\"root\",\"password\":\"" + newPw
                    + "\"}");
            assertThat(login.statusCode()).isEqualTo(200);
            HttpResponse<String> vic = server.post("/api/login", "{\"username\":\"vic\",\"password\":\"" + PW + "\"}");
            assertThat(vic.statusCode()).as("a disabled user").isEqualTo(401);
        }
    }

    @Test
    void audit_verify_exits_0_on_an_intact_log_and_1_after_a_row_was_edited_in_app_db() throws Exception {
        Path data = tmp.resolve("data");
        assertThat(run(data, PW + "\n", "user", "add", "root", "--role", "admin", "--password-stdin").code()).isZero();
        assertThat(run(data, null, "user", "disable", "root").code()).isEqualTo(1);
        run(data, PW + "\n", "user", "add", "ann", "--role", "editor", "--password-stdin");
        Result ok = run(data, null, "audit", "verify");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("intact: 2 rows checked");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("app.db"));
             Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE mcr_audit SET actor = 'someone' WHERE id = 1")).isEqualTo(1);
        }
        Result broken = run(data, null, "audit", "verify");
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("broken at row 1");
    }

    @Test
    void rotate_key_re_encrypts_with_the_first_key_and_the_new_key_alone_then_reads_every_secret() throws Exception {
        Path data = tmp.resolve("data");
        String oldKey = KeyRotationRoutesTest.OLD;
        String newKey = KeyRotationRoutesTest.NEW;
        try (ServerFixture f = ServerFixture.start(data, Map.of("MULTI_COMMAND_RUNNER_SECRET_KEY", oldKey))) {
            f.saveState("{\"notify_profiles\":[{\"id\":\"p1\",\"name\":\"Phone\",\"type\":\"pushover\","
                    + "\"active\":true,\"config\":{\"user_key\":\"ukey-cli-1\",\"api_token\":\"tok-cli-2\"}}],"
                    + "\"runners\":[],\"runner_groups\":[],\"runner_layout\":[]}");
        }
        Result r = runWith(data, Map.of("MULTI_COMMAND_RUNNER_SECRET_KEY", newKey + "," + oldKey), null, "rotate-key");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("re-encrypted with the first key");
        assertThat(r.out() + r.err()).doesNotContain("ukey-cli-1").doesNotContain(newKey).doesNotContain(oldKey);
        try (ServerFixture f = ServerFixture.start(data, Map.of("MULTI_COMMAND_RUNNER_SECRET_KEY", newKey))) {
            assertThat(f.mcr.state().notifyProfiles().get(0).config()).containsEntry("user_key", "ukey-cli-1")
                    .containsEntry("api_token", "tok-cli-2");
            assertThat(f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(1, null, "key.rotate", null)))
                    .extracting(e -> e.actor()).allSatisfy(a -> assertThat(a).startsWith("cli:"));
        }
        Result lost = runWith(data, Map.of("MULTI_COMMAND_RUNNER_SECRET_KEY", oldKey), null, "rotate-key");
        assertThat(lost.code()).as("with a key that reads nothing").isEqualTo(1);
        assertThat(lost.out()).contains("No given key decrypts: ").contains("config.user_key")
                .doesNotContain("ukey-cli-1");
    }

    @Test
    void every_command_has_help_and_a_wrong_command_is_a_usage_error() throws Exception {
        Path data = tmp.resolve("data");
        for (String[] args : new String[][] {{"--help"}, {"serve", "--help"}, {"user", "--help"},
            {"user", "add", "--help"}, {"user", "list", "--help"}, {"user", "disable", "--help"},
            {"user", "enable", "--help"}, {"user", "passwd", "--help"}, {"audit", "--help"},
            {"audit", "verify", "--help"}, {"rotate-key", "--help"}}) {
            Result r = run(data, null, args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage:");
        }
        Result wrong = run(data, null, "frobnicate");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("Unmatched argument");
        assertThat(Files.exists(data.resolve("app.db"))).as("help opens nothing").isFalse();
    }
}
