package dev.mcr;

import dev.mcr.event.McrEvent;
import dev.mcr.event.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects every event of an Mcr instance and lets tests wait for one with a deadline. */
final class EventRecorder implements AutoCloseable {
    private final Subscription sub;
    private final List<McrEvent> events = new ArrayList<>();

    EventRecorder(Mcr mcr) {
        this.sub = mcr.openSubscription();
    }

    private void drain(Duration wait) throws InterruptedException {
        McrEvent e = sub.poll(wait);
        while (e != null) {
            events.add(e);
            e = sub.pollNow();
        }
    }

    /** Waits until an event matches, returns it; fails after the timeout. */
    <T extends McrEvent> T await(Class<T> type, Predicate<T> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < events.size(); seen++) {
                McrEvent e = events.get(seen);
                if (type.isInstance(e) && p.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("No " + type.getSimpleName() + " event matched within " + timeout
                        + "; events seen: " + events);
            }
            drain(Duration.ofNanos(Math.min(left, Duration.ofMillis(100).toNanos())));
        }
    }

    <T extends McrEvent> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
        return await(type, p, Duration.ofSeconds(20));
    }

    /** Returns every event received so far (after draining what is queued). */
    List<McrEvent> events() throws InterruptedException {
        drain(Duration.ofMillis(1));
        return List.copyOf(events);
    }

    <T extends McrEvent> List<T> all(Class<T> type) throws InterruptedException {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void close() {
        sub.close();
    }
}
