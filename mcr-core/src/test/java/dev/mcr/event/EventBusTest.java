package dev.mcr.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.UnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
            assertThatThrownBy(bus::open).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("Too many");
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
}
