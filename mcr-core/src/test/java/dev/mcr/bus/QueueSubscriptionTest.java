package dev.mcr.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunStopping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QueueSubscriptionTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static List<OutputLine> lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> new OutputLine("r", i + "\n")).toList();
    }

    private static List<String> texts(McrEvent[] events, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(((OutputLine) events[i]).text());
        }
        return out;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out waiting for " + what + ".");
            }
            Thread.sleep(1);
        }
    }

    /** Starts a thread blocked in a long poll; returns it once it waits. */
    private static Thread blockedPoller(QueueSubscription s, AtomicReference<Object> result) throws InterruptedException {
        Thread t = new Thread(() -> {
            try {
                McrEvent e = s.poll(Duration.ofMinutes(10));
                result.set(e == null ? "null" : e);
            } catch (InterruptedException e) {
                result.set(e);
            }
        }, "test-poller");
        t.start();
        await(() -> t.getState() == Thread.State.TIMED_WAITING, "the poller to wait");
        return t;
    }

    @Test
    void offer_all_keeps_what_fits_by_count_and_counts_the_rest_as_dropped() {
        QueueSubscription s = new QueueSubscription(5, Long.MAX_VALUE, () -> { });
        s.offerAll(lines(0, 8));
        assertThat(s.dropped()).isEqualTo(3);
        McrEvent[] into = new McrEvent[10];
        assertThat(s.drainTo(into, 10)).isEqualTo(5);
        assertThat(texts(into, 5)).containsExactly("0\n", "1\n", "2\n", "3\n", "4\n");
        // room again after draining
        s.offerAll(lines(8, 10));
        assertThat(s.drainTo(into, 10)).isEqualTo(2);
        assertThat(texts(into, 2)).containsExactly("8\n", "9\n");
        assertThat(s.dropped()).isEqualTo(3);
    }

    @Test
    void offer_all_keeps_what_fits_by_queued_text_and_a_later_smaller_event_may_still_fit() {
        // An output line weighs 64 + its length; any other event 256.
        String hundred = "x".repeat(100);
        QueueSubscription s = new QueueSubscription(1000, 3 * 164 + 80, () -> { });
        List<McrEvent> batch = List.of(
                new OutputLine("r", hundred), new OutputLine("r", hundred), new OutputLine("r", hundred),
                new OutputLine("r", hundred), // 4 * 164 > bound: dropped
                new RunStopping("r", java.time.Instant.EPOCH), // 256: dropped
                new OutputLine("r", "y".repeat(16))); // 64 + 16 = 80: fits exactly
        s.offerAll(batch);
        assertThat(s.dropped()).isEqualTo(2);
        McrEvent[] into = new McrEvent[10];
        int n = s.drainTo(into, 10);
        assertThat(n).isEqualTo(4);
        assertThat(((OutputLine) into[3]).text()).isEqualTo("y".repeat(16));
        // the text bound is freed by taking events
        s.offerAll(List.of(new OutputLine("r", hundred), new OutputLine("r", hundred), new OutputLine("r", hundred)));
        assertThat(s.drainTo(into, 10)).isEqualTo(3);
        assertThat(s.dropped()).isEqualTo(2);
    }

    @Test
    void single_offers_respect_both_bounds_too() {
        QueueSubscription byCount = new QueueSubscription(2, Long.MAX_VALUE, () -> { });
        lines(0, 5).forEach(byCount::offer);
        assertThat(byCount.dropped()).isEqualTo(3);
        QueueSubscription byText = new QueueSubscription(100, 2 * 65, () -> { });
        lines(0, 5).forEach(byText::offer); // "0\n" weighs 66: only one fits in 130
        assertThat(byText.dropped()).isEqualTo(4);
        assertThat(((OutputLine) byText.pollNow()).text()).isEqualTo("0\n");
        assertThat(byText.pollNow()).isNull();
    }

    @Test
    void drain_to_keeps_order_across_the_end_of_the_ring_and_takes_at_most_max() {
        QueueSubscription s = new QueueSubscription(8, Long.MAX_VALUE, () -> { });
        McrEvent[] into = new McrEvent[8];
        s.offerAll(lines(0, 5));
        assertThat(s.drainTo(into, 3)).isEqualTo(3);
        assertThat(texts(into, 3)).containsExactly("0\n", "1\n", "2\n");
        s.offerAll(lines(5, 11)); // wraps around the ring's end
        assertThat(s.dropped()).isZero();
        assertThat(((OutputLine) s.pollNow()).text()).isEqualTo("3\n");
        assertThat(s.drainTo(into, 8)).isEqualTo(7);
        assertThat(texts(into, 7)).containsExactly("4\n", "5\n", "6\n", "7\n", "8\n", "9\n", "10\n");
        assertThat(s.drainTo(into, 8)).isZero();
        assertThat(s.drainTo(into, 0)).isZero();
    }

    @Test
    void drain_to_refuses_a_max_the_array_cannot_hold() {
        QueueSubscription s = new QueueSubscription(8, Long.MAX_VALUE, () -> { });
        assertThatThrownBy(() -> s.drainTo(new McrEvent[2], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and the array's length (2)");
        assertThatThrownBy(() -> s.drainTo(new McrEvent[2], -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_consumer_blocked_in_poll_wakes_on_offer_all_with_the_first_event() throws Exception {
        QueueSubscription s = new QueueSubscription(100, Long.MAX_VALUE, () -> { });
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = blockedPoller(s, result);
        s.offerAll(lines(0, 3));
        t.join(DEADLINE.toMillis());
        assertThat(t.isAlive()).isFalse();
        assertThat(result.get()).isInstanceOf(OutputLine.class);
        assertThat(((OutputLine) result.get()).text()).isEqualTo("0\n");
        McrEvent[] into = new McrEvent[5];
        assertThat(texts(into, s.drainTo(into, 5))).containsExactly("1\n", "2\n");
    }

    @Test
    void a_consumer_blocked_in_poll_wakes_on_a_single_offer() throws Exception {
        QueueSubscription s = new QueueSubscription(100, Long.MAX_VALUE, () -> { });
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = blockedPoller(s, result);
        s.offer(new OutputLine("r", "one\n"));
        t.join(DEADLINE.toMillis());
        assertThat(t.isAlive()).isFalse();
        assertThat(((OutputLine) result.get()).text()).isEqualTo("one\n");
    }

    @Test
    void closing_during_a_blocked_poll_returns_null_and_frees_the_slot_once() throws Exception {
        AtomicInteger freed = new AtomicInteger();
        QueueSubscription s = new QueueSubscription(100, Long.MAX_VALUE, freed::incrementAndGet);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = blockedPoller(s, result);
        s.close();
        t.join(DEADLINE.toMillis());
        assertThat(t.isAlive()).isFalse();
        assertThat(result.get()).isEqualTo("null");
        s.close();
        assertThat(freed.get()).isEqualTo(1);
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void a_closed_subscription_forgets_its_queue_and_ignores_new_events() throws Exception {
        QueueSubscription s = new QueueSubscription(100, Long.MAX_VALUE, () -> { });
        s.offerAll(lines(0, 3));
        s.close();
        s.offerAll(lines(3, 6));
        s.offer(new OutputLine("r", "x\n"));
        assertThat(s.pollNow()).isNull();
        assertThat(s.poll(Duration.ofSeconds(5))).isNull();
        assertThat(s.drainTo(new McrEvent[4], 4)).isZero();
        assertThat(s.dropped()).isZero();
    }

    @Test
    void an_interrupted_poll_throws_and_leaves_the_queue_usable() throws Exception {
        QueueSubscription s = new QueueSubscription(100, Long.MAX_VALUE, () -> { });
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = blockedPoller(s, result);
        t.interrupt();
        t.join(DEADLINE.toMillis());
        assertThat(result.get()).isInstanceOf(InterruptedException.class);
        s.offer(new OutputLine("r", "a\n"));
        assertThat(s.poll(Duration.ofSeconds(5))).isNotNull();
    }

    @Test
    void a_concurrent_producer_and_consumer_see_every_event_either_received_in_order_or_counted_dropped()
            throws Exception {
        int total = 200_000;
        QueueSubscription s = new QueueSubscription(512, Long.MAX_VALUE, () -> { });
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger markerDrops = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < total; i += 100) {
                s.offerAll(lines(i, i + 100));
            }
            // The end marker may find the queue full too: offer it until it is queued.
            long before = s.dropped();
            s.offer(new RunStopping("end", java.time.Instant.EPOCH));
            while (s.dropped() > before) {
                markerDrops.incrementAndGet();
                before = s.dropped();
                Thread.yield();
                s.offer(new RunStopping("end", java.time.Instant.EPOCH));
            }
        }, "test-producer");
        AtomicInteger received = new AtomicInteger();
        Thread consumer = new Thread(() -> {
            McrEvent[] into = new McrEvent[64];
            int last = -1;
            try {
                while (true) {
                    int n = s.drainTo(into, into.length);
                    if (n == 0) {
                        McrEvent e = s.poll(Duration.ofSeconds(10));
                        if (e == null) {
                            failures.add(new AssertionError("No event for 10 s."));
                            return;
                        }
                        into[0] = e;
                        n = 1;
                    }
                    for (int i = 0; i < n; i++) {
                        if (!(into[i] instanceof OutputLine line)) {
                            return;
                        }
                        int v = Integer.parseInt(line.text().strip());
                        if (v <= last) {
                            failures.add(new AssertionError(v + " after " + last));
                        }
                        last = v;
                        received.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                failures.add(e);
            }
        }, "test-consumer");
        consumer.start();
        producer.start();
        producer.join(DEADLINE.toMillis());
        consumer.join(DEADLINE.toMillis());
        assertThat(producer.isAlive()).isFalse();
        assertThat(consumer.isAlive()).isFalse();
        assertThat(failures).isEmpty();
        assertThat(received.get() + s.dropped() - markerDrops.get()).isEqualTo(total);
    }

    @Test
    void the_queue_grows_past_its_first_size_in_order_up_to_its_capacity_and_no_further() {
        QueueSubscription s = new QueueSubscription(1000, Long.MAX_VALUE, () -> { });
        s.offerAll(lines(0, 200));
        McrEvent[] out = new McrEvent[1000];
        assertThat(s.drainTo(out, 150)).isEqualTo(150);
        // The ring now starts mid-array; 700 more force it to wrap and to grow twice.
        s.offerAll(lines(200, 900));
        int n = s.drainTo(out, 1000);
        assertThat(n).isEqualTo(750);
        for (int i = 0; i < n; i++) {
            assertThat(((OutputLine) out[i]).text()).isEqualTo((150 + i) + "\n");
        }
        s.offerAll(lines(0, 1001));
        assertThat(s.dropped()).as("only the one beyond the capacity").isEqualTo(1);
        assertThat(s.drainTo(out, 1000)).isEqualTo(1000);
        assertThat(((OutputLine) out[999]).text()).isEqualTo("999\n");
    }

    @Test
    void a_flood_of_output_leaves_room_for_the_finished_event() {
        QueueSubscription s = new QueueSubscription(32, Long.MAX_VALUE, () -> { });
        s.offerAll(lines(0, 40));
        assertThat(s.dropped()).as("output lines fill the 32 places").isEqualTo(8);
        s.offer(new RunFinished("r", 0, false, 0, java.time.Instant.EPOCH, null));
        s.offer(new RunFinished("r", 0, false, 0, java.time.Instant.EPOCH, null));
        s.offer(new RunFinished("r", 0, false, 0, java.time.Instant.EPOCH, null));
        assertThat(s.dropped()).as("two other events fit beyond them (a sixteenth), the third does not").isEqualTo(9);
        McrEvent[] out = new McrEvent[40];
        assertThat(s.drainTo(out, 40)).isEqualTo(34);
        assertThat(out[33]).isInstanceOf(RunFinished.class);

        QueueSubscription text = new QueueSubscription(1000, 16 * 100, () -> { });
        text.offerAll(List.of(new OutputLine("r", "x".repeat(1000)), new OutputLine("r", "y".repeat(500))));
        assertThat(text.dropped()).as("1064 + 564 chars exceed the 1600").isEqualTo(1);
        text.offer(new OutputLine("r", "z".repeat(272))); // 1064 + 336 = 1400
        text.offer(new OutputLine("r", "w".repeat(200))); // 1400 + 264 > 1600: dropped
        text.offer(new RunFinished("r", 0, false, 0, java.time.Instant.EPOCH, null)); // 1400 + 256 <= 1600 + 100
        assertThat(text.dropped()).as("the text bound is full for output, not for the finished event").isEqualTo(2);
        assertThat(text.drainTo(out, 40)).isEqualTo(3);
        assertThat(out[2]).isInstanceOf(RunFinished.class);
    }
}
