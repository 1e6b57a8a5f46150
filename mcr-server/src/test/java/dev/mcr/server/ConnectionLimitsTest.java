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
            return RawHttp.exchange(port, "GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        } catch (IOException e) {
            return new RawHttp.Answer(-1, Map.of(), e.toString());
        }
    }

    @Test
    void connections_beyond_the_pool_get_503_and_a_freed_thread_serves_again() {
        McrServer.Options two = McrServer.Options.DEFAULTS.withRequestThreads(1);
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MAX_SSE_SUBSCRIBERS", "1"), two)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int port = f.server.port();
                RawHttp first = new RawHttp(port);
                RawHttp second = new RawHttp(port);
                // Keep-alive connections hold their thread while they wait for the next request.
                first.write("GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(first.read().status()).isEqualTo(200);
                second.write("GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(second.read().status()).isEqualTo(200);

                RawHttp.Answer busy = tryGet(port);
                assertThat(busy.status()).isEqualTo(503);
                assertThat(json(busy.body()).path("detail").asText())
                        .isEqualTo("The server is busy; please try again shortly.");

                first.close();
                ServerFixture.await(() -> tryGet(port).status() == 200, "a thread to be free again");
                second.close();
            });
        }
    }

    @Test
    void a_silent_connection_is_closed_after_the_read_timeout() {
        McrServer.Options quick = McrServer.Options.DEFAULTS.withReadTimeout(Duration.ofMillis(300));
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), quick)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try (RawHttp raw = new RawHttp(f.server.port())) {
                    raw.write("GET /api/sta");
                    assertThat(raw.line()).isNull();
                }
                try (RawHttp raw = new RawHttp(f.server.port())) {
                    raw.write("POST /api/state HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"runners\"");
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
                            "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
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
        ServerFixture.await(() -> threadNames().stream().noneMatch(n -> n.startsWith("mcr-http-")),
                "the HTTP threads to end");
    }

    private static java.util.List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }
}
