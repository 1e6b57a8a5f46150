package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runners printing as fast as they can (short lines, and one endless line cut into 64 KiB pieces) while 20
 * event-stream clients are connected, half of which never read: the server, limited to a 128 MiB heap, keeps
 * answering, a reading client still gets another runner's events, and the floods stop when asked.
 */
class OutputFloodProcessTest {

    private static final String SHORT_FLOOD = "runner_flood_short";
    private static final String LONG_FLOOD = "runner_flood_long";
    private static final String TICKER = "runner_ticker";
    private static final Pattern TICK = Pattern.compile("\"runner_id\": \"" + TICKER + "\", \"line\": \"tick (\\d+)");
    private static final Duration FLOOD = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicBoolean done = new AtomicBoolean();

    @AfterEach
    void cleanUp() {
        done.set(true);
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        Procs.killAll(List.of(SHORT_FLOOD, LONG_FLOOD, TICKER));
    }

    private Socket openEvents(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        sockets.add(s);
        return s;
    }

    @Test
    @Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void floods_with_slow_and_stuck_event_clients_keep_memory_bounded_and_the_server_responsive() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), Map.of(),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError")) {
            server.postOk("/api/state", "{\"runners\": ["
                    + "{\"id\": \"" + SHORT_FLOOD + "\", \"command\": \"yes 'flood flood flood flood flood flood "
                    + "flood flood flood flood flood flood flood flood flood flood flood flood flood flood'\"},"
                    + "{\"id\": \"" + LONG_FLOOD + "\", \"command\": \"tr '\\\\0' a < /dev/zero\"},"
                    + "{\"id\": \"" + TICKER + "\", \"command\": \"for i in $(seq 1 100000); do echo tick $i; "
                    + "sleep 0.2; done\"}]}");

            // Ten clients that never read a byte (small receive buffers fill at once) ...
            for (int i = 0; i < 10; i++) {
                openEvents(server.port(), 4096);
            }
            // ... and ten that read everything; the first one looks for the ticker's lines.
            Set<Long> ticks = ConcurrentHashMap.newKeySet();
            AtomicLong readBytes = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Socket s = openEvents(server.port(), 0);
                boolean watcher = i == 0;
                Thread t = new Thread(() -> read(s, watcher ? ticks : null, readBytes), "sse-reader-" + i);
                t.setDaemon(true);
                t.start();
                readers.add(t);
            }

            server.postOk("/api/run", "{\"runner_id\": \"" + TICKER + "\"}");
            server.postOk("/api/run", "{\"runner_id\": \"" + SHORT_FLOOD + "\"}");
            server.postOk("/api/run", "{\"runner_id\": \"" + LONG_FLOOD + "\"}");

            long end = System.nanoTime() + FLOOD.toNanos();
            int ticksBefore = ticks.size();
            long slowest = 0;
            int checks = 0;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                HttpResponse<String> state = server.get("/api/state");
                HttpResponse<String> status = server.get("/api/status");
                long took = (System.nanoTime() - t0) / 1_000_000;
                slowest = Math.max(slowest, took);
                checks++;
                assertThat(state.statusCode()).isEqualTo(200);
                assertThat(status.statusCode()).isEqualTo(200);
                assertThat(server.process.isAlive()).as("server alive; output:%n%s", String.join("\n",
                        server.output())).isTrue();
                Thread.sleep(500);
            }
            System.out.println("OutputFloodProcessTest: " + checks + " checks, slowest state+status answer " + slowest
                    + " ms, " + readBytes.get() / (1024 * 1024) + " MiB read by the reading clients, "
                    + ticks.size() + " ticks seen");
            // A generous bound: only a server that stalls behind the flood or its stuck clients fails it.
            assertThat(slowest).as("slowest answer of GET /api/state + /api/status in ms").isLessThan(10_000);
            assertThat(ticks.size() - ticksBefore).as("ticker lines seen by a reading client during the flood")
                    .isGreaterThanOrEqualTo(10);
            assertThat(readBytes.get()).as("the reading clients got the flood").isGreaterThan(10L * 1024 * 1024);

            server.postOk("/api/stop", "{\"runner_id\": \"" + SHORT_FLOOD + "\"}");
            server.postOk("/api/stop", "{\"runner_id\": \"" + LONG_FLOOD + "\"}");
            server.postOk("/api/stop", "{\"runner_id\": \"" + TICKER + "\"}");
            for (String id : List.of(SHORT_FLOOD, LONG_FLOOD, TICKER)) {
                ServerProcess.await(() -> !CrashRecoveryProcessTest.running(server, id), Duration.ofSeconds(30),
                        id + " to stop");
                assertThat(Procs.awaitGone(id, 10_000)).isEmpty();
            }
            assertThat(server.process.isAlive()).isTrue();
            assertThat(server.output()).noneMatch(l -> l.contains("OutOfMemoryError") || l.contains("ERROR"));
            done.set(true);
        }
    }

    /** Reads an event stream to its end; collects the ticker's numbers when asked. */
    private void read(Socket s, Set<Long> ticks, AtomicLong total) {
        byte[] buf = new byte[64 * 1024];
        StringBuilder carry = new StringBuilder();
        try (InputStream in = s.getInputStream()) {
            for (int n = in.read(buf); n >= 0 && !done.get(); n = in.read(buf)) {
                total.addAndGet(n);
                if (ticks != null) {
                    carry.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    int cut = carry.lastIndexOf("\n");
                    if (cut >= 0) {
                        Matcher m = TICK.matcher(carry.substring(0, cut));
                        while (m.find()) {
                            ticks.add(Long.parseLong(m.group(1)));
                        }
                        carry.delete(0, cut + 1);
                    }
                    if (carry.length() > 1 << 20) {
                        carry.setLength(0);
                    }
                }
            }
        } catch (IOException ignored) {
            // the stream ended
        }
    }
}
