package dev.mcr.server;

import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.Subscription;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of {@code GET /api/events}: writes the snapshot, then {@code data: <json>\n\n} per event,
 * and {@code : ping\n\n} after a quiet heartbeat interval. A failed write means the client is gone: the
 * subscription is closed and the slot freed.
 *
 * <p>A runner can print thousands of lines in a millisecond. So each round first moves everything queued (up
 * to {@value #MAX_BATCH} events) out of the subscription's bounded queue under one lock, which is cheap, and
 * only then writes it; the queue is thus free to take the next burst while this one is written. Output lines,
 * nearly all of a burst, go straight into the byte buffer without a map. A client that cannot keep up still
 * loses its own events, never anyone else's.
 */
final class EventStream implements HttpResponse.Stream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    /** How long one wait lasts at most, so a closing server is noticed quickly. */
    private static final Duration POLL_SLICE = Duration.ofMillis(250);
    /** How often a quiet stream asks whether its client closed the connection. */
    private static final long GONE_CHECK_NANOS = Duration.ofMillis(500).toNanos();
    /** Most events taken from the queue in one round; a fuller queue is emptied over several rounds. */
    static final int MAX_BATCH = 16_384;
    /** Events taken in one round at first; grows towards {@link #MAX_BATCH} once a round fills it. */
    private static final int FIRST_BATCH = 256;
    /** Bytes collected before they are written, so a large round reaches the client in pieces. */
    private static final int WRITE_CHUNK = 256 * 1024;

    private final Subscription subscription;
    private final byte[] snapshot;
    private final ZoneId zone;
    private final long heartbeatNanos;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Most lines in one {@code output_batch} message. */
    static final int MAX_BATCH_LINES = 256;

    private final PyJson json = new PyJson();
    private final boolean batchedOutput;
    private McrEvent[] batch = new McrEvent[FIRST_BATCH];

    /**
     * @param subscription the client's queue, opened before the snapshot was taken
     * @param snapshot     the snapshot message, framed
     * @param zone         the zone timestamps are written in
     * @param heartbeat    quiet time after which a ping is written
     * @param onClose      frees the client's slot; run once
     * @param batchedOutput whether consecutive lines of one run go out as one {@code output_batch} message (the
     *                      client asked for it) instead of one {@code output} message each
     */
    EventStream(Subscription subscription, byte[] snapshot, ZoneId zone, Duration heartbeat, Runnable onClose,
                boolean batchedOutput) {
        this.batchedOutput = batchedOutput;
        this.subscription = subscription;
        this.snapshot = snapshot.clone();
        this.zone = zone;
        this.heartbeatNanos = heartbeat.toNanos();
        this.onClose = onClose;
    }

    @Override
    public void writeTo(OutputStream out, BooleanSupplier clientGone) throws IOException {
        try {
            out.write(snapshot);
            out.flush();
            long lastWrite = System.nanoTime();
            long lastGoneCheck = lastWrite;
            Duration slice = heartbeatNanos < POLL_SLICE.toNanos() ? Duration.ofNanos(heartbeatNanos) : POLL_SLICE;
            while (!closed.get()) {
                json.reset();
                int taken = subscription.drainTo(batch, batch.length);
                if (taken == 0) {
                    McrEvent first = subscription.poll(slice);
                    if (first == null) {
                        if (subscription.isClosed()) {
                            return;
                        }
                        // A closed client is noticed here, not only at the next failed write (up to a heartbeat
                        // later), so its slot is free again within a second.
                        if (System.nanoTime() - lastGoneCheck >= GONE_CHECK_NANOS) {
                            lastGoneCheck = System.nanoTime();
                            if (clientGone.getAsBoolean()) {
                                return;
                            }
                        }
                        if (System.nanoTime() - lastWrite >= heartbeatNanos) {
                            out.write(PING);
                            out.flush();
                            lastWrite = System.nanoTime();
                        }
                        continue;
                    }
                    // Woken by the first event of a burst: take what came with it before writing.
                    append(first);
                    taken = subscription.drainTo(batch, batch.length);
                }
                for (int i = 0; i < taken; ) {
                    int next = batchedOutput ? lineRunEnd(i, taken) : i + 1;
                    if (next - i > 1) {
                        json.outputBatchFrame(batch, i, next);
                    } else {
                        append(batch[i]);
                    }
                    Arrays.fill(batch, i, next, null);
                    i = next;
                    if (json.size() >= WRITE_CHUNK) {
                        json.writeTo(out);
                        json.reset();
                    }
                }
                if (taken == batch.length && batch.length < MAX_BATCH) {
                    batch = new McrEvent[Math.min(MAX_BATCH, batch.length * 4)];
                }
                json.writeTo(out);
                out.flush();
                lastWrite = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /**
     * The end of the run of output lines of one runner's run that starts at {@code from} (at most
     * {@link #MAX_BATCH_LINES}); {@code from + 1} when the event there is no output line.
     */
    private int lineRunEnd(int from, int taken) {
        if (!(batch[from] instanceof OutputLine first)) {
            return from + 1;
        }
        int end = from + 1;
        int max = Math.min(taken, from + MAX_BATCH_LINES);
        while (end < max && batch[end] instanceof OutputLine line && Objects.equals(line.runnerId(), first.runnerId())
                && Objects.equals(line.runId(), first.runId())) {
            end++;
        }
        return end;
    }

    private void append(McrEvent event) {
        int mark = json.size();
        try {
            if (event instanceof OutputLine line) {
                // Nearly every event of a burst: written without building its map.
                json.outputFrame(line.runnerId(), line.text(), line.runId());
                return;
            }
            json.ascii("data: ").value(event.toJson(zone)).ascii("\n\n");
        } catch (RuntimeException e) {
            // One odd event must not end the stream for the client.
            json.truncate(mark);
            LOG.warn("A {} event could not be written as JSON and was skipped.", event.type(), e);
        }
    }

    /**
     * Frames a message the way the original does: {@code data: <json>\n\n}.
     *
     * @param value the message
     * @return the frame
     */
    static byte[] frame(Object value) {
        return new PyJson().ascii("data: ").value(value).ascii("\n\n").toBytes();
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
