package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with Basic auth on: every route except static assets refuses missing, wrong and malformed
 * credentials with 401 and the challenge, without acting on the request; and no secret (the profile's user key
 * and token, the auth password, the credential passphrase and the Fernet key derived from it) appears in any
 * answer, header, event, export, log file or line the server logs, even when the notification service echoes
 * the credentials back in its error, and even when a command prints its environment ({@code env}).
 */
class AuthAndSecretsProcessTest {

    private static final String USER = "ops-admin";
    private static final String PASSWORD = "Pw4uthS3cretZq9xLm";
    private static final String PASSPHRASE = "CredPassphraseK3yM4t3r1alQ";
    private static final String USER_KEY = "uQ8sEcReTuSeRkEy0123456789abcd";
    private static final String API_TOKEN = "aT9sEcReTaPiToKeN0123456789xyz";
    private static final String RUNNER = "runner_alert";

    @TempDir
    Path dir;
    private HttpServer pushover;
    private final List<String> pushoverRequests = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() {
        if (pushover != null) {
            pushover.stop(0);
        }
        Procs.killAll(List.of(RUNNER));
    }

    /** A notification service that refuses every message and echoes the credentials it got, as some do. */
    private void startEchoingPushover() throws IOException {
        pushover = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pushover.createContext("/", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            pushoverRequests.add(form);
            Map<String, String> fields = new LinkedHashMap<>();
            for (String pair : form.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            byte[] body = ("{\"token\": \"" + fields.get("token") + "\", \"user\": \"" + fields.get("user")
                    + "\", \"errors\": [\"application token is invalid\"], \"request\": \"" + form + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        pushover.start();
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void every_route_refuses_bad_credentials_and_no_secret_leaves_the_server() throws Exception {
        startEchoingPushover();
        Path data = dir.resolve("data");
        List<String> seen = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(data, Map.of(
                "MULTI_COMMAND_RUNNER_AUTH_USER", USER,
                "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", PASSWORD,
                "MULTI_COMMAND_RUNNER_SECRET_KEY", PASSPHRASE,
                "MULTI_COMMAND_RUNNER_PUSHOVER_URL", "http://127.0.0.1:" + pushover.getAddress().getPort()
                        + "/1/messages.json"))) {
            server.withAuth(USER, PASSWORD);
            String state = "{\"notify_profiles\": [{\"id\": \"notify_p\", \"name\": \"Phone\", \"type\": \"pushover\", "
                    + "\"active\": true, \"config\": {\"user_key\": \"" + USER_KEY + "\", \"api_token\": \""
                    + API_TOKEN + "\"}}], \"runners\": [{\"id\": \"" + RUNNER + "\", \"name\": \"alert\", "
                    + "\"command\": \"echo ALERT; env; bash -c 'echo CHILD; env'\", \"cases\": [{\"id\": \"case_x\", \"pattern\": \"ALERT\", "
                    + "\"message_template\": \"alert {match}\", \"state\": \"DOWN\"}], "
                    + "\"notify_profile_ids\": [\"notify_p\"]}]}";
            server.postOk("/api/state", state);

            // The event stream of an authorized client, collected while notifications fail.
            StringBuilder events = new StringBuilder();
            Socket sse = new Socket("127.0.0.1", server.port());
            sse.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + basic(USER + ":" + PASSWORD) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = sse.getInputStream()) {
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        synchronized (events) {
                            events.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException ignored) {
                    // closed at the end
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();

            server.postOk("/api/run", "{\"runner_id\": \"" + RUNNER + "\"}");
            HttpResponse<String> test = server.post("/api/pushover_test", "{\"profile_id\": \"notify_p\"}");
            assertThat(test.statusCode()).isEqualTo(400);
            ServerProcess.await(() -> {
                synchronized (events) {
                    return events.toString().contains("Pushover failed") && events.toString().contains("case_match");
                }
            }, Duration.ofSeconds(30), "the failed delivery's events");
            assertThat(pushoverRequests).as("the service really got the credentials")
                    .anySatisfy(f -> assertThat(f).contains(USER_KEY, API_TOKEN));
            // The run's failed alert is accounted before anything else (a test send never counts, issue 18 point 5).
            ServerProcess.await(() -> {
                try {
                    return server.get("/api/state").body().contains("\"failure_count\":1");
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "the failed delivery counted");
            String stateBefore = server.get("/api/state").body();

            // --- every non-static route refuses bad credentials, and acts on nothing
            String[][] routes = {{"GET", "/"}, {"GET", "/api/state"}, {"POST", "/api/state"}, {"GET", "/api/status"},
                {"POST", "/api/run"}, {"POST", "/api/stop"}, {"POST", "/api/group/run"}, {"POST", "/api/group/stop"},
                {"POST", "/api/clone_runner"}, {"POST", "/api/pushover_test"}, {"GET", "/api/log/" + RUNNER},
                {"DELETE", "/api/log/" + RUNNER}, {"GET", "/api/notifications"}, {"DELETE", "/api/notifications"},
                {"GET", "/api/export"}, {"POST", "/api/import"}, {"GET", "/api/events"}, {"GET", "/static"},
                {"GET", "/api/cron/preview?expr=%40daily"},
                {"GET", "/api/no-such-route"}, {"PUT", "/api/state"}, {"GET", "/api/log/..%2F..%2Fapp.db"}};
            String right = USER + ":" + PASSWORD;
            String token = basic(right).substring(6);
            String[] badHeaders = {null, "", basic(USER + ":wrong-password"), basic("intruder:" + PASSWORD),
                basic(USER), basic(USER + ":"), basic(":" + PASSWORD), basic(right + " "), basic(" " + right),
                "Basic !!!!", "Basic " + token + "*", "Basic" + token, "basic " + token, "BASIC " + token,
                "Bearer " + token, "Digest username=\"" + USER + "\"", "Basic " + token.replace("=", ""),
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_16)),
                "Basic " + "A".repeat(5000)};
            String body = "{\"runners\": [], \"runner_id\": \"" + RUNNER + "\", \"group_id\": \"group_x\", "
                    + "\"profile_id\": \"notify_p\"}";
            int checked = 0;
            for (String[] route : routes) {
                for (String header : badHeaders) {
                    StringBuilder req = new StringBuilder(route[0]).append(' ').append(route[1])
                            .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
                    if (header != null) {
                        req.append("Authorization: ").append(header).append("\r\n");
                    }
                    req.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
                    RawHttp.Answer a = RawHttp.exchange(server.port(), req.toString());
                    String what = route[0] + " " + route[1] + " with " + header;
                    assertThat(a.status()).as(what).isEqualTo(401);
                    assertThat(a.body()).as(what).isEqualTo("{\"detail\":\"Unauthorized\"}");
                    assertThat(a.header("WWW-Authenticate")).as(what).isEqualTo("Basic realm=\"multi-command-runner\"");
                    seen.add(a.headers() + a.body());
                    checked++;
                }
            }
            // Two Authorization headers, a wrong one last: refused like any wrong one.
            RawHttp.Answer twice = RawHttp.exchange(server.port(), "GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: " + basic(right) + "\r\nAuthorization: " + basic(USER + ":nope") + "\r\n\r\n");
            assertThat(twice.status()).isEqualTo(401);
            assertThat(checked).isEqualTo(routes.length * badHeaders.length);
            assertThat(server.get("/api/state").body()).as("no refused request changed anything").isEqualTo(stateBefore);
            assertThat(Procs.ofRunner(RUNNER)).isEmpty();
            // Static assets need no credentials (the UI must load to ask for them).
            assertThat(RawHttp.exchange(server.port(), "GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status())
                    .isNotEqualTo(401);

            // --- what an authorized client can see
            for (String path : List.of("/api/state", "/api/status", "/api/export", "/api/notifications",
                    "/api/log/" + RUNNER, "/")) {
                HttpResponse<String> r = server.get(path);
                assertThat(r.statusCode()).as(path).isIn(200, 404);
                seen.add(path + " " + r.headers().map() + "\n" + r.body());
            }
            seen.add(test.headers().map() + test.body());
            assertThat(server.get("/api/state").body()).contains("__SECRET_SET__");
            assertThat(server.get("/api/notifications").body()).contains("Pushover").contains("error");

            server.signal("TERM");
            assertThat(server.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            sse.close();
            reader.join(5000);
            synchronized (events) {
                seen.add(events.toString());
            }
            seen.add(String.join("\n", server.outputAfterExit()));
        }
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(".log")) {
                    seen.add(f + "\n" + Files.readString(f, StandardCharsets.ISO_8859_1));
                }
            }
        }
        String row = ServerProcess.stateRow(data);
        assertThat(row).as("credentials are encrypted at rest").contains("enc:v1:").doesNotContain(USER_KEY, API_TOKEN);
        assertThat(data.resolve(".credentials.key")).as("the key comes from the environment").doesNotExist();

        String fernetKey = Base64.getUrlEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(PASSPHRASE.getBytes(StandardCharsets.UTF_8)));
        List<String> secrets = List.of(USER_KEY, API_TOKEN, PASSWORD, PASSPHRASE, fernetKey,
                basic(USER + ":" + PASSWORD).substring(6));
        String all = String.join("\n", seen);
        assertThat(all).contains("Pushover failed").contains("notify_profile_status");
        // The command printed its whole environment (and a child's) into events, status and log: none of the
        // server's configuration secrets were in it.
        assertThat(all).contains("CHILD").contains("PATH=").contains("MCR_RUN_ID=");
        for (String secret : secrets) {
            assertThat(all).as("a secret leaked").doesNotContain(secret);
        }
    }
}
