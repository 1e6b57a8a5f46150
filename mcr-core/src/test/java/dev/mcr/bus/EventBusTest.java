package dev.mcr.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.TooManySubscribersException;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventBusTest {

    @Test
    void a_slow_subscriber_loses_only_its_own_events_and_never_blocks_the_publisher() throws Exception {
        try (EventBus bus = new EventBus(10, 100)) {
            Subscription slow = bus.open();
            Subscription fast = bus.open();
            int received = 0;
            for (int i = 0; i < 1000; i++) {
                bus.publish(new OutputLine("r", i + "\n"));
                while (fast.pollNow() != null) {
                    received++;
                }
            }
            assertThat(received).isEqualTo(1000);
            assertThat(fast.dropped()).isZero();
            assertThat(slow.dropped()).isEqualTo(900);
            // the slow one still gets the first 100, in order
            assertThat(((OutputLine) slow.poll(Duration.ofMillis(10))).text()).isEqualTo("0\n");
        }
    }

    @Test
    void queued_text_is_bounded_by_size_as_well_as_by_count() {
        try (EventBus bus = new EventBus(10, 7000)) {
            Subscription s = bus.open();
            String big = "x".repeat(64 * 1024);
            for (int i = 0; i < 1000; i++) {
                bus.publish(new OutputLine("r", big));
            }
            long kept = 1000 - s.dropped();
            assertThat(kept * big.length()).isLessThanOrEqualTo(EventBus.DEFAULT_MAX_QUEUED_CHARS);
            assertThat(kept).isGreaterThan(100);
            // draining frees room again
            while (s.pollNow() != null) {
                kept--;
            }
            assertThat(kept).isZero();
            bus.publish(new OutputLine("r", big));
            assertThat(s.pollNow()).isNotNull();
        }
    }

    @Test
    void the_subscriber_cap_is_enforced_and_closing_frees_a_slot() {
        try (EventBus bus = new EventBus(2, 10)) {
            Subscription a = bus.open();
            bus.open();
            assertThatThrownBy(bus::open).isInstanceOf(TooManySubscribersException.class)
                    .hasMessageContaining("Too many")
                    .satisfies(e -> assertThat(((TooManySubscribersException) e).limit()).isEqualTo(2));
            a.close();
            a.close();
            assertThat(bus.subscriberCount()).isEqualTo(1);
            assertThat(bus.open()).isNotNull();
        }
    }

    @Test
    void a_listener_gets_events_in_order_on_a_named_thread_and_survives_its_own_exception() throws Exception {
        try (EventBus bus = new EventBus(5, 100)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            bus.subscribe(e -> {
                threads.add(Thread.currentThread().getName());
                String t = ((OutputLine) e).text();
                if (t.equals("boom")) {
                    throw new IllegalStateException("listener bug");
                }
                seen.add(t);
            });
            bus.publish(new OutputLine("r", "a"));
            bus.publish(new OutputLine("r", "boom"));
            bus.publish(new OutputLine("r", "b"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).containsExactly("a", "b");
            assertThat(threads).allMatch(n -> n.startsWith("mcr-events-"));
        }
    }

    @Test
    void publish_all_delivers_a_batch_in_order_to_every_subscriber_and_a_full_queue_loses_only_its_own()
            throws Exception {
        try (EventBus bus = new EventBus(10, 100)) {
            Subscription small = bus.open();
            Subscription other = bus.open();
            List<OutputLine> batch = IntStream.range(0, 150).mapToObj(i -> new OutputLine("r", i + "\n")).toList();
            bus.publishAll(batch);
            bus.publishAll(List.of());
            assertThat(small.dropped()).isEqualTo(50);
            assertThat(other.dropped()).isEqualTo(50);
            McrEvent[] into = new McrEvent[100];
            assertThat(other.drainTo(into, 100)).isEqualTo(100);
            for (int i = 0; i < 100; i++) {
                assertThat(into[i]).isSameAs(batch.get(i));
            }
            // the other subscriber drained, so a second batch fits there and not in the full one
            bus.publishAll(batch.subList(0, 10));
            assertThat(other.drainTo(into, 100)).isEqualTo(10);
            assertThat(small.dropped()).isEqualTo(60);
            assertThat(((OutputLine) small.poll(Duration.ofMillis(10))).text()).isEqualTo("0\n");
        }
    }

    @Test
    void a_listener_gets_a_large_published_batch_complete_and_in_order() throws Exception {
        int total = 20_000;
        try (EventBus bus = new EventBus(5, total + 10)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            bus.subscribe(e -> {
                String t = ((OutputLine) e).text();
                if (t.endsWith("7\n")) {
                    throw new IllegalStateException("listener bug on " + t);
                }
                seen.add(t);
            });
            for (int i = 0; i < total; i += 1000) {
                bus.publishAll(IntStream.range(i, i + 1000).mapToObj(n -> new OutputLine("r", n + "\n")).toList());
            }
            List<String> expected = IntStream.range(0, total).mapToObj(n -> n + "\n")
                    .filter(t -> !t.endsWith("7\n")).toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < expected.size() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).isEqualTo(expected);
        }
    }

    @Test
    void a_closed_listener_subscription_stops_delivering_and_frees_its_slot() throws Exception {
        try (EventBus bus = new EventBus(1, 100)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Subscription s = bus.subscribe(e -> seen.add(((OutputLine) e).text()));
            bus.publish(new OutputLine("r", "a"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            s.close();
            assertThat(bus.subscriberCount()).isZero();
            bus.publish(new OutputLine("r", "b"));
            assertThat(bus.open()).isNotNull();
            assertThat(seen).containsExactly("a");
        }
    }

    @Test
    void an_observer_sees_every_event_on_the_publishing_thread_even_when_every_queue_is_full() {
        try (EventBus bus = new EventBus(5, 1)) {
            Subscription full = bus.open();
            List<String> seen = new java.util.ArrayList<>();
            List<String> threads = new java.util.ArrayList<>();
            bus.observe(events -> {
                for (var e : events) {
                    seen.add(((dev.mcr.event.OutputLine) e).text());
                }
                threads.add(Thread.currentThread().getName());
                throw new IllegalStateException("an observer that throws keeps observing");
            });
            bus.publish(new dev.mcr.event.OutputLine("r", "1\n"));
            bus.publishAll(List.of(new dev.mcr.event.OutputLine("r", "2\n"), new dev.mcr.event.OutputLine("r", "3\n")));
            assertThat(seen).containsExactly("1\n", "2\n", "3\n");
            assertThat(threads).as("one call per publish, on the caller's thread")
                    .containsExactly(Thread.currentThread().getName(), Thread.currentThread().getName());
            assertThat(full.dropped()).as("the subscriber of one slot lost two").isEqualTo(2);
        }
    }
}
