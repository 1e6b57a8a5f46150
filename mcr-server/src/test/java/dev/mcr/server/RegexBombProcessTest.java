package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real server: a runner whose cases are catastrophic regexes on long lines finishes,
 * reports {@code case_error} on the event stream, and neither another runner nor the API waits for it.
 */
class RegexBombProcessTest {

    private static final String BOMB = "runner_bomb";
    private static final String TICKER = "runner_ticker";

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        Procs.killAll(List.of(BOMB, TICKER));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_regex_bomb_reports_case_errors_and_freezes_neither_its_run_nor_other_runners_nor_the_api()
            throws Exception {
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), Map.of())) {
            server.postOk("/api/state", "{\"runners\": ["
                    + "{\"id\": \"" + BOMB + "\", \"command\": \"for i in $(seq 1 30); do printf 'a%.0s' $(seq 1 5000);"
                    + " echo '!'; done; echo done\", \"cases\": ["
                    + "{\"id\": \"case_b1\", \"pattern\": \"(.*a){12}!\\\\d\", \"message_template\": \"boom\", \"state\": \"WARN\"},"
                    + "{\"id\": \"case_b2\", \"pattern\": \"(?P<x>(a|aa)+)+\\\\d\", \"message_template\": \"{x}\", "
                    + "\"state\": \"WARN\"},"
                    + "{\"id\": \"case_ok\", \"pattern\": \"^done$\", \"message_template\": \"bomb done\", \"state\": \"UP\"}]},"
                    + "{\"id\": \"" + TICKER + "\", \"command\": \"for i in $(seq 1 600); do echo tick $i; sleep 0.05;"
                    + " done\"}]}");

            StringBuilder events = new StringBuilder();
            Socket sse = new Socket("127.0.0.1", server.port());
            sse.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[65536];
                try (InputStream in = sse.getInputStream()) {
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
                        synchronized (events) {
                            // Keep the event stream small: the bomb's 5 KB lines are not needed.
                            for (String line : chunk.split("\n")) {
                                if (!line.contains("aaaaaaaa")) {
                                    events.append(line).append('\n');
                                }
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // closed at the end
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();

            server.postOk("/api/run", "{\"runner_id\": \"" + TICKER + "\"}");
            server.postOk("/api/run", "{\"runner_id\": \"" + BOMB + "\"}");
            long slowest = 0;
            int ticksDuringBomb = 0;
            while (CrashRecoveryProcessTest.status(server, BOMB).path("last_exit_code").isNull()) {
                long t0 = System.nanoTime();
                assertThat(server.get("/api/state").statusCode()).isEqualTo(200);
                assertThat(server.get("/api/status").statusCode()).isEqualTo(200);
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
                synchronized (events) {
                    ticksDuringBomb = count(events, "\"line\": \"tick ");
                }
                Thread.sleep(100);
            }
            assertThat(CrashRecoveryProcessTest.status(server, BOMB).path("last_exit_code").asInt()).isZero();
            assertThat(CrashRecoveryProcessTest.lastCase(server, BOMB)).isEqualTo("bomb done");
            // Generous bound: only an API that waits for the bomb fails it.
            assertThat(slowest).as("slowest GET /api/state + /api/status during the bomb, ms").isLessThan(5000);
            assertThat(ticksDuringBomb).as("ticker lines on the stream while the bomb ran").isGreaterThan(5);
            ServerProcess.await(() -> {
                synchronized (events) {
                    return events.toString().contains("\"type\": \"case_error\"");
                }
            }, Duration.ofSeconds(10), "a case_error event");
            synchronized (events) {
                String all = events.toString();
                assertThat(all).contains("\"pattern\": \"(.*a){12}!\\\\d\"").contains("timed out").contains("disabled");
                assertThat(count(all, "\"type\": \"case_error\", \"runner_id\": \"" + BOMB + "\", \"pattern\": \"(.*a){12}!\\\\d\""))
                        .as("the bomb case is disabled after a few lines, not tried on all 30")
                        .isEqualTo(3);
            }
            sse.close();
        }
    }

    private static int count(CharSequence text, String needle) {
        String s = text.toString();
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
