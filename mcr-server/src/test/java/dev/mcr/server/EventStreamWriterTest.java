package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.bus.EventBus;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunStarted;
import dev.mcr.event.RunStopping;
import dev.mcr.event.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The event-stream writer on its own, in process: what bytes it writes for what it takes from the queue. */
class EventStreamWriterTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** Collects what the writer writes; thread-safe. */
    private static final class Sink extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final AtomicInteger flushes = new AtomicInteger();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        synchronized int size() {
            return bytes.size();
        }

        synchronized byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    private static List<McrEvent> mixedEvents(int count) {
        List<McrEvent> events = new ArrayList<>();
        Instant t = Instant.parse("2025-03-01T10:15:30.123456Z");
        String runA = "run_0195f3a1b2c37000a1b2c3d4e5f60718";
        String runB = "run_0195f3a1b2c37001a1b2c3d4e5f60719";
        for (int i = 0; i < count; i++) {
            if (i % 1000 == 0) {
                events.add(new RunStarted("r" + (i % 3), t, t, i, null, runA));
            } else if (i % 997 == 0) {
                events.add(new RunStopping("r1", t, i % 2 == 0 ? runB : null));
            } else if (i % 101 == 0) {
                events.add(new OutputLine("r\u00e9", "say \"hi\" \\ \u001b[1m\u00e9\uD83D\uDE00 \ud800\n", runB));
            } else {
                // Lines of two runs interleaved, and lines without a run, so the frame parts cached per run id change.
                String run = i % 11 == 0 ? null : i % 7 == 0 ? runB : runA;
                events.add(new OutputLine(i % 7 == 0 ? "other" : "r1", i + "\n", run));
            }
        }
        return events;
    }

    private static byte[] expected(byte[] snapshot, List<McrEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(snapshot);
        for (McrEvent e : events) {
            out.writeBytes(EventStream.frame(e.toJson(ZONE)));
        }
        return out.toByteArray();
    }

    private static void awaitSize(Sink sink, int size) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (sink.size() < size) {
            if (System.nanoTime() > end) {
                throw new AssertionError("The writer wrote " + sink.size() + " of " + size + " bytes.");
            }
            Thread.sleep(5);
        }
    }

    private static Thread start(EventStream stream, Sink sink, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                stream.writeTo(sink, () -> false);
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        }, "test-sse-writer");
        t.start();
        return t;
    }

    @Test
    void a_queued_burst_of_mixed_events_is_written_in_order_with_exactly_the_map_encodings_bytes() throws Exception {
        List<McrEvent> events = mixedEvents(60_000);
        try (EventBus bus = new EventBus(2, 70_000)) {
            Subscription sub = bus.open();
            bus.publishAll(events);
            byte[] snapshot = EventStream.frame(java.util.Map.of("type", "snapshot"));
            AtomicInteger released = new AtomicInteger();
            EventStream stream = new EventStream(sub, snapshot, ZONE, Duration.ofMinutes(5), released::incrementAndGet, false);
            Sink sink = new Sink();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = start(stream, sink, failure);
            byte[] want = expected(snapshot, events);
            awaitSize(sink, want.length);
            stream.close();
            writer.join(DEADLINE.toMillis());
            assertThat(writer.isAlive()).isFalse();
            assertThat(failure.get()).isNull();
            assertThat(sink.toByteArray()).isEqualTo(want);
            assertThat(sub.dropped()).isZero();
            assertThat(sub.isClosed()).isTrue();
            assertThat(released.get()).isEqualTo(1);
        }
    }

    @Test
    void batched_output_carries_the_same_events_in_the_same_order_with_runs_of_lines_joined() throws Exception {
        List<McrEvent> events = mixedEvents(20_000);
        String run = "run_0195f3a1b2c37000a1b2c3d4e5f60718";
        for (int i = 0; i < 3_000; i++) {
            // A long run of one run's lines: more than one message's worth.
            events.add(new OutputLine("r1", "long " + i + " \u00e9\n", run));
        }
        try (EventBus bus = new EventBus(2, 30_000)) {
            Subscription sub = bus.open();
            bus.publishAll(events);
            byte[] snapshot = EventStream.frame(java.util.Map.of("type", "snapshot"));
            EventStream stream = new EventStream(sub, snapshot, ZONE, Duration.ofMinutes(5), () -> { }, true);
            Sink sink = new Sink();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = start(stream, sink, failure);
            ObjectMapper mapper = new ObjectMapper();
            List<JsonNode> want = new ArrayList<>();
            for (McrEvent e : events) {
                want.add(mapper.valueToTree(e.toJson(ZONE)));
            }
            List<JsonNode> got = new ArrayList<>();
            int batches = 0;
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (got.size() < want.size() && System.nanoTime() < end) {
                got.clear();
                batches = 0;
                String text = new String(sink.toByteArray(), StandardCharsets.UTF_8);
                String[] frames = text.split("\n\n");
                // The last frame may be cut off while the writer still writes: it is read again next time.
                for (int i = 1; i < frames.length - (text.endsWith("\n\n") ? 0 : 1); i++) {
                    JsonNode m = mapper.readTree(frames[i].substring("data: ".length()));
                    if (!m.path("type").asText().equals("output_batch")) {
                        got.add(m);
                        continue;
                    }
                    batches++;
                    assertThat(m.path("lines").size()).isBetween(2, EventStream.MAX_BATCH_LINES);
                    for (JsonNode line : m.path("lines")) {
                        ObjectNode o = mapper.createObjectNode().put("type", "output");
                        o.set("runner_id", m.path("runner_id"));
                        o.set("line", line);
                        if (m.has("run_id")) {
                            o.set("run_id", m.path("run_id"));
                        }
                        got.add(o);
                    }
                }
                Thread.sleep(20);
            }
            stream.close();
            writer.join(DEADLINE.toMillis());
            assertThat(failure.get()).isNull();
            assertThat(got).isEqualTo(want);
            assertThat(batches).as("the 3 000-line run alone takes at least 12 messages").isGreaterThanOrEqualTo(12);
        }
    }

    @Test
    void events_published_while_the_writer_waits_are_written_as_they_come() throws Exception {
        List<McrEvent> events = mixedEvents(5_000);
        try (EventBus bus = new EventBus(2, 1_000)) {
            Subscription sub = bus.open();
            byte[] snapshot = EventStream.frame(java.util.Map.of("type", "snapshot"));
            EventStream stream = new EventStream(sub, snapshot, ZONE, Duration.ofMinutes(5), () -> { }, false);
            Sink sink = new Sink();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = start(stream, sink, failure);
            awaitSize(sink, snapshot.length);
            // Batches smaller than the queue, each published once the previous one is written: nothing lost.
            int written = snapshot.length;
            for (int i = 0; i < events.size(); i += 500) {
                List<McrEvent> batch = events.subList(i, i + 500);
                bus.publishAll(batch);
                written += expected(new byte[0], batch).length;
                awaitSize(sink, written);
            }
            bus.publish(events.get(1));
            awaitSize(sink, written + EventStream.frame(events.get(1).toJson(ZONE)).length);
            stream.close();
            writer.join(DEADLINE.toMillis());
            assertThat(writer.isAlive()).isFalse();
            assertThat(failure.get()).isNull();
            List<McrEvent> all = new ArrayList<>(events);
            all.add(events.get(1));
            assertThat(new String(sink.toByteArray(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected(snapshot, all), StandardCharsets.UTF_8));
            assertThat(sub.dropped()).isZero();
        }
    }
}
