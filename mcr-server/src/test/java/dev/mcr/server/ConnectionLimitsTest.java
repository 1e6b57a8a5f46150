package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded connection pool and the read timeout of the HTTP adapter. */
class ConnectionLimitsTest {

    @TempDir
    Path dir;

    private static RawHttp.Answer tryGet(int port) {
        try {
            return RawHttp.exchange(port, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        } catch (IOException e) {
            return new RawHttp.Answer(-1, Map.of(), e.toString());
        }
    }

    @Test
    void connections_beyond_the_slots_busy_with_requests_get_503_and_a_freed_slot_serves_again() {
        McrServer.Options one = McrServer.Options.DEFAULTS.withRequestThreads(1);
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MAX_SSE_SUBSCRIBERS", "1"), one)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int port = f.server.port();
                try (RawHttp busy = new RawHttp(port)) {
                    // A request whose body is still on its way holds the only slot.
                    busy.write("POST /api/stop HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 19\r\n\r\n{\"runner_id\"");
                    // Until its head is read, the connection counts as idle and could be closed for a newcomer.
                    Thread.sleep(500);
                    RawHttp.Answer refused = tryGet(port);
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(json(refused.body()).path("detail").asText())
                            .isEqualTo("The server is busy; please try again shortly.");
                    busy.write(": \"r1\"}");
                    assertThat(busy.read().status()).isEqualTo(200);
                }
                ServerFixture.await(() -> tryGet(port).status() == 200, "the slot to be free again");
            });
        }
    }

    @Test
    void an_idle_keep_alive_connection_gives_its_slot_to_a_new_connection() {
        McrServer.Options one = McrServer.Options.DEFAULTS.withRequestThreads(1);
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), one)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int port = f.server.port();
                try (RawHttp idle = new RawHttp(port)) {
                    idle.write("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(idle.read().status()).isEqualTo(200);
                    // The keep-alive connection now waits for its next request in the only slot.
                    assertThat(tryGet(port).status()).isEqualTo(200);
                    assertThat(idle.line()).isNull();
                }
            });
        }
    }

    @Test
    void a_silent_connection_is_closed_and_a_slow_head_or_body_gets_408_at_its_deadline() {
        McrServer.Options quick = McrServer.Options.DEFAULTS.withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300),
                Duration.ofMillis(300));
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), quick)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try (RawHttp raw = new RawHttp(f.server.port())) {
                    assertThat(raw.line()).isNull();
                }
                try (RawHttp raw = new RawHttp(f.server.port())) {
                    raw.write("GET /api/sta");
                    assertThat(raw.line()).isEqualTo("HTTP/1.1 408 Request Timeout");
                }
                try (RawHttp raw = new RawHttp(f.server.port())) {
                    raw.write("POST /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 50\r\n\r\n{\"runners\"");
                    RawHttp.Answer a = raw.read();
                    assertThat(a.status()).isEqualTo(408);
                    assertThat(json(a.body()).path("detail").asText()).isEqualTo("The request body did not arrive in time.");
                }
            });
        }
    }

    @Test
    void a_url_the_library_cannot_decode_gets_400_instead_of_a_dropped_connection() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (String target : new String[] {"/api/log/%zz", "/api/notifications?runner_id=100%",
                        "/static/%e0%a4%a", "/api/state?x=%"}) {
                    RawHttp.Answer a = RawHttp.exchange(f.server.port(),
                            "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(a.status()).as(target).isEqualTo(400);
                    assertThat(json(a.body()).path("detail").asText()).isEqualTo("The request could not be parsed.");
                }
                assertThat(tryGet(f.server.port()).status()).isEqualTo(200);
            });
        }
    }

    @Test
    void the_servers_threads_are_named_and_gone_after_close() {
        ServerFixture f = ServerFixture.start(dir);
        try {
            assertThat(tryGet(f.server.port()).status()).isEqualTo(200);
            assertThat(threadNames()).contains("mcr-http-listener").anyMatch(n -> n.startsWith("mcr-http-"));
        } finally {
            f.close();
        }
        try {
            ServerFixture.await(() -> threadNames().stream().noneMatch(n -> n.startsWith("mcr-http-")),
                    "the HTTP threads to end");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " Still running: " + threadNames(), e);
        }
    }

    private static java.util.List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }
}
