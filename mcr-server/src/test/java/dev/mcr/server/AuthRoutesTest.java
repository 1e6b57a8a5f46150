package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthRoutesTest {

    private static final Map<String, String> AUTH = Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", " admin ",
            "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "pa:ss");
    private static final McrServer.Options TEST_UI = McrServer.Options.DEFAULTS.withStaticRoot("teststatic/");

    @TempDir
    Path dir;

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(ServerFixture f, String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return f.send(b.build());
    }

    private static void assertUnauthorized(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"detail\":\"Unauthorized\"}");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"multi-command-runner\"");
    }

    @Test
    void with_auth_on_every_route_but_static_needs_the_credentials() {
        try (ServerFixture f = ServerFixture.start(dir, AUTH, TEST_UI)) {
            for (String path : new String[] {"/", "/api/state", "/api/status", "/api/events", "/api/log/r1",
                    "/api/notifications", "/api/export", "/api/nothing", "/static", "/staticx/app.js"}) {
                assertUnauthorized(get(f, path, null));
            }
            assertUnauthorized(f.send(HttpRequest.newBuilder(f.uri("/api/state"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"runners\": []}")).build()));
            assertThat(get(f, "/api/state", basic("admin:pa:ss")).statusCode()).isEqualTo(200);
            assertThat(get(f, "/", basic("admin:pa:ss")).statusCode()).isEqualTo(200);
            assertThat(get(f, "/static/js/app.js", null).statusCode()).isEqualTo(200);
            assertThat(get(f, "/static/missing.js", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void wrong_missing_and_malformed_credentials_are_401_with_the_challenge() {
        try (ServerFixture f = ServerFixture.start(dir, AUTH, TEST_UI)) {
            String good = basic("admin:pa:ss");
            for (String header : new String[] {basic("admin:pass"), basic("Admin:pa:ss"), basic("admin"),
                    basic(":"), "Basic", "Basic ", "basic " + good.substring(6), "Bearer " + good.substring(6),
                    good + "=", "Basic !!!!", "Basic " + good.substring(6, good.length() - 1),
                    "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 'x'})}) {
                assertUnauthorized(get(f, "/api/state", header));
            }
        }
    }

    @Test
    void a_failed_login_does_not_run_the_route() {
        try (ServerFixture f = ServerFixture.start(dir, AUTH, TEST_UI)) {
            String before = get(f, "/api/state", basic("admin:pa:ss")).body();
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri("/api/state"))
                    .header("Authorization", basic("admin:wrong"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"runners\": []}")).build());
            assertUnauthorized(r);
            assertThat(get(f, "/api/state", basic("admin:pa:ss")).body()).isEqualTo(before);
        }
    }

    @Test
    void with_only_a_user_configured_auth_stays_off() {
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "admin"), TEST_UI)) {
            assertThat(f.config.authEnabled()).isFalse();
            assertThat(get(f, "/api/state", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void with_auth_off_no_credentials_are_needed_and_any_header_is_ignored() {
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), TEST_UI)) {
            assertThat(get(f, "/api/state", null).statusCode()).isEqualTo(200);
            assertThat(get(f, "/api/state", "Basic garbage").statusCode()).isEqualTo(200);
            assertThat(json(get(f, "/api/status", null).body()).isObject()).isTrue();
        }
    }
}
