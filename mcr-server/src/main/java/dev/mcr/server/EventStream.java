package dev.mcr.server;

import dev.mcr.event.McrEvent;
import dev.mcr.event.Subscription;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of {@code GET /api/events}: writes the snapshot, then {@code data: <json>\n\n} per event
 * (events already queued are written together and flushed once), and {@code : ping\n\n} after a quiet
 * heartbeat interval. A failed write means the client is gone: the subscription is closed and the slot freed.
 */
final class EventStream implements HttpResponse.Stream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    /** How long one wait lasts at most, so a closing server is noticed quickly. */
    private static final Duration POLL_SLICE = Duration.ofMillis(250);
    /** Most events written between two flushes. */
    private static final int MAX_BATCH = 1000;

    private final Subscription subscription;
    private final byte[] snapshot;
    private final ZoneId zone;
    private final long heartbeatNanos;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param subscription the client's queue, opened before the snapshot was taken
     * @param snapshot     the snapshot event as JSON
     * @param zone         the zone timestamps are written in
     * @param heartbeat    quiet time after which a ping is written
     * @param onClose      frees the client's slot; run once
     */
    EventStream(Subscription subscription, byte[] snapshot, ZoneId zone, Duration heartbeat, Runnable onClose) {
        this.subscription = subscription;
        this.snapshot = snapshot.clone();
        this.zone = zone;
        this.heartbeatNanos = heartbeat.toNanos();
        this.onClose = onClose;
    }

    @Override
    public void writeTo(OutputStream raw) throws IOException {
        OutputStream out = new BufferedOutputStream(raw, 64 * 1024);
        try {
            writeData(out, snapshot);
            out.flush();
            long lastWrite = System.nanoTime();
            Duration slice = heartbeatNanos < POLL_SLICE.toNanos() ? Duration.ofNanos(heartbeatNanos) : POLL_SLICE;
            while (!closed.get()) {
                McrEvent event = subscription.poll(slice);
                if (event == null) {
                    if (subscription.isClosed()) {
                        return;
                    }
                    if (System.nanoTime() - lastWrite >= heartbeatNanos) {
                        out.write(PING);
                        out.flush();
                        lastWrite = System.nanoTime();
                    }
                    continue;
                }
                int written = 0;
                do {
                    writeEvent(out, event);
                    written++;
                } while (written < MAX_BATCH && (event = subscription.pollNow()) != null);
                out.flush();
                lastWrite = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    private void writeEvent(OutputStream out, McrEvent event) throws IOException {
        byte[] json;
        try {
            json = Json.write(event.toJson(zone));
        } catch (RuntimeException e) {
            // One odd event must not end the stream for the client.
            LOG.warn("A {} event could not be written as JSON and was skipped.", event.type(), e);
            return;
        }
        writeData(out, json);
    }

    private static void writeData(OutputStream out, byte[] json) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(END);
    }

    /** Ends the stream: closes the subscription and frees the slot; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                subscription.close();
            } finally {
                onClose.run();
            }
        }
    }
}
