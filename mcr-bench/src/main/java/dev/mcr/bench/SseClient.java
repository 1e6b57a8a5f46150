package dev.mcr.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of {@code GET /api/events} over a raw loopback socket, reading as fast as it can on its own thread.
 * Counts the {@code output} events of one runner until that runner's {@code finished} status event, and, for
 * lines printed by {@link PacedPrinter}, records the latency from printing to receiving.
 *
 * <p>It checks event lines with plain text searches ({@code "type": "output"}, {@code "runner_id": "<id>"}), the
 * server writes the original's {@code json.dumps} separators, so that the client keeps up.
 */
public final class SseClient implements AutoCloseable {

    private static final Pattern PRINTED = Pattern.compile("\"line\": \"(\\d+) (\\d+)\\\\n\"");

    private final Socket socket;
    private final String runnerMarker;
    private final boolean latency;
    private final Thread thread;
    private final CountDownLatch connected = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Long> latenciesMicros = new ArrayList<>();
    private volatile long lines;
    private volatile long finishedNanos;
    private volatile long lastOutputNanos;
    private volatile IOException failure;

    /**
     * Connects and starts reading.
     *
     * @param port     the server's port on 127.0.0.1
     * @param runnerId the runner whose output is counted
     * @param latency  whether to parse {@link PacedPrinter} lines and record latencies
     * @param name     the reader thread's name
     * @throws IOException when the connection fails
     */
    public SseClient(int port, String runnerId, boolean latency, String name) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        this.socket.setReceiveBufferSize(1 << 20);
        this.runnerMarker = "\"runner_id\": \"" + runnerId + "\"";
        this.latency = latency;
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        this.thread = new Thread(this::read, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void read() {
        try (InputStream in = socket.getInputStream()) {
            Lines reader = new Lines(in);
            String status = reader.next();
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                throw new IOException("GET /api/events answered: " + status);
            }
            String header;
            while ((header = reader.next()) != null && !header.isEmpty()) {
                // Skip the response headers.
            }
            String line;
            while ((line = reader.next()) != null) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                if (line.startsWith("data: {\"type\": \"output\"")) {
                    if (line.contains(runnerMarker)) {
                        long now = System.nanoTime();
                        lines++;
                        lastOutputNanos = now;
                        if (latency) {
                            long received = PacedPrinter.epochMicros();
                            Matcher m = PRINTED.matcher(line);
                            if (m.find()) {
                                latenciesMicros.add(received - Long.parseLong(m.group(2)));
                            }
                        }
                    }
                } else if (line.startsWith("data: {\"type\": \"snapshot\"")) {
                    connected.countDown();
                } else if (line.contains(runnerMarker) && line.contains("\"status\": \"finished\"")) {
                    finishedNanos = System.nanoTime();
                    finished.countDown();
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                failure = e;
            }
        } finally {
            connected.countDown();
            finished.countDown();
        }
    }

    /** Splits the stream into lines (ISO-8859-1, cheap: the markers checked are ASCII), without {@code \r\n}. */
    private static final class Lines {
        private final InputStream in;
        private byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;

        Lines(InputStream in) {
            this.in = in;
        }

        String next() throws IOException {
            int scanFrom = pos;
            while (true) {
                for (int i = scanFrom; i < limit; i++) {
                    if (buf[i] == '\n') {
                        int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                        String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                        pos = i + 1;
                        return line;
                    }
                }
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                }
                if (limit == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                scanFrom = limit;
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    if (limit == pos) {
                        return null;
                    }
                    String rest = new String(buf, pos, limit - pos, StandardCharsets.ISO_8859_1);
                    pos = limit;
                    return rest;
                }
                limit += n;
            }
        }
    }

    /**
     * Waits for the snapshot event (the client is subscribed).
     *
     * @param seconds how long at most
     * @throws IOException          when the connection failed or no snapshot came in time
     * @throws InterruptedException when interrupted
     */
    public void awaitConnected(long seconds) throws IOException, InterruptedException {
        if (!connected.await(seconds, TimeUnit.SECONDS) || failure != null) {
            throw new IOException("No snapshot event within " + seconds + " s" + (failure == null ? "" : ": " + failure));
        }
    }

    /**
     * Waits for the runner's finished event.
     *
     * @param seconds how long at most
     * @return whether it arrived (it may have been lost if this client fell behind)
     * @throws InterruptedException when interrupted
     */
    public boolean awaitFinished(long seconds) throws InterruptedException {
        return finished.await(seconds, TimeUnit.SECONDS) && finishedNanos != 0;
    }

    /** Returns how many output lines of the runner arrived. */
    public long lines() {
        return lines;
    }

    /** Returns when the finished event arrived ({@link System#nanoTime()}), or the last output line if it was lost. */
    public long endNanos() {
        return finishedNanos != 0 ? finishedNanos : lastOutputNanos;
    }

    /**
     * Returns the recorded latencies (call after {@link #awaitFinished(long)}).
     *
     * @return microseconds from printing to receiving, one per line
     */
    public List<Long> latenciesMicros() {
        return List.copyOf(latenciesMicros);
    }

    /** Closes the connection and waits briefly for the reader thread; idempotent. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a loopback socket that is already gone: nothing to do.
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
