package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Somebody who can open sockets but has no credentials must not be able to take the server away from its users:
 * idle sockets, a head sent one byte at a time (slow loris), and event-stream clients that go away.
 */
class ConnectionExhaustionTest {

    @TempDir
    Path dir;

    private static int status(int port, String authHeader) {
        try {
            return RawHttp.exchange(port, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authHeader
                    + "Connection: close\r\n\r\n").status();
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<Socket> idleSockets(int port, int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sockets.add(new Socket("127.0.0.1", port));
        }
        return sockets;
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
    }

    @Test
    void after_140_idle_sockets_have_been_open_for_12_seconds_a_normal_request_is_answered() {
        // The real defaults: 64 request slots, a 10 s deadline for a whole request head. Auth is on, so none of
        // the idle sockets could ever do anything.
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "u",
                "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "p"))) {
            String auth = "Authorization: Basic dTpw\r\n";
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int port = f.server.port();
                List<Socket> idle = idleSockets(port, 140);
                try {
                    // At once: the slot of the socket idle the longest is given to the new connection.
                    assertThat(status(port, auth)).isEqualTo(200);
                    Thread.sleep(12_000);
                    assertThat(status(port, auth)).isEqualTo(200);
                    // The idle sockets were closed by the server: reading them ends, no answer was sent.
                    int closedByServer = 0;
                    for (Socket s : idle) {
                        s.setSoTimeout(2_000);
                        try {
                            if (s.getInputStream().read() < 0) {
                                closedByServer++;
                            }
                        } catch (IOException e) {
                            closedByServer++;
                        }
                    }
                    assertThat(closedByServer).isEqualTo(140);
                } finally {
                    closeAll(idle);
                }
            });
        }
    }

    @Test
    void a_slow_loris_head_is_cut_off_at_the_head_deadline_and_cannot_hold_the_only_slot() {
        McrServer.Options options = McrServer.Options.DEFAULTS.withRequestThreads(1)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), options)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int port = f.server.port();
                try (Socket loris = new Socket("127.0.0.1", port)) {
                    loris.setSoTimeout(10_000);
                    byte[] head = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaa\r\n"
                            .getBytes(StandardCharsets.US_ASCII);
                    long start = System.nanoTime();
                    String answer = null;
                    // One byte every 300 ms: each read is quick, the whole head never arrives in time.
                    for (byte b : head) {
                        try {
                            loris.getOutputStream().write(b);
                            loris.getOutputStream().flush();
                        } catch (IOException e) {
                            break;
                        }
                        Thread.sleep(300);
                        if (loris.getInputStream().available() > 0) {
                            break;
                        }
                    }
                    InputStream in = loris.getInputStream();
                    answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
                    assertThat(answer).startsWith("HTTP/1.1 408 ").contains("did not arrive in time");
                    assertThat(seconds).isLessThan(6);
                }
                assertThat(status(port, "")).isEqualTo(200);
            });
        }
    }

    @Test
    void event_streams_do_not_take_the_request_slots_and_a_closed_client_frees_its_slot_within_two_seconds() {
        McrServer.Options options = McrServer.Options.DEFAULTS.withRequestThreads(2);
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MAX_SSE_SUBSCRIBERS", "3"), options)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int port = f.server.port();
                List<RawHttp> streams = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    RawHttp s = new RawHttp(port);
                    s.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(s.readHead().status()).isEqualTo(200);
                    streams.add(s);
                }
                // Three streams with two request slots: the API still answers, several times in a row.
                for (int i = 0; i < 5; i++) {
                    assertThat(status(port, "")).isEqualTo(200);
                }
                RawHttp.Answer fourth = RawHttp.exchange(port, "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(fourth.status()).isEqualTo(503);

                // The client goes away without anything to write to it: its slot is free within 2 s.
                streams.remove(0).close();
                long start = System.nanoTime();
                int code = 0;
                while (System.nanoTime() - start < Duration.ofSeconds(2).toNanos()) {
                    try (RawHttp again = new RawHttp(port)) {
                        again.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                        code = again.readHead().status();
                    }
                    if (code == 200) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(code).isEqualTo(200);
                for (RawHttp s : streams) {
                    s.close();
                }
            });
        }
    }

    @Test
    void a_hundred_and_one_clients_reconnecting_right_after_a_hundred_left_are_served() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int port = f.server.port();
                List<RawHttp> first = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    RawHttp s = new RawHttp(port);
                    s.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(s.readHead().status()).isEqualTo(200);
                    first.add(s);
                }
                for (RawHttp s : first) {
                    s.close();
                }
                Thread.sleep(2_000);
                List<RawHttp> second = new ArrayList<>();
                int ok = 0;
                for (int i = 0; i < 101; i++) {
                    RawHttp s = new RawHttp(port);
                    s.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    if (s.readHead().status() == 200) {
                        ok++;
                    }
                    second.add(s);
                }
                // MAX_SSE_SUBSCRIBERS is 100: exactly one of the 101 is refused, none because of the old clients.
                assertThat(ok).isEqualTo(100);
                for (RawHttp s : second) {
                    s.close();
                }
            });
        }
    }
}
