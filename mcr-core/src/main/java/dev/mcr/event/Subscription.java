package dev.mcr.event;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One subscriber's bounded queue of events. A subscriber that does not keep up loses the events
 * that arrive while its queue is full, and never slows a runner or another subscriber. Obtained from {@link EventBus#open()}; close it when done.
 */
public final class Subscription implements AutoCloseable {

    private final BlockingQueue<McrEvent> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable onClose;

    Subscription(int capacity, Runnable onClose) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onClose = onClose;
    }

    void offer(McrEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * Waits for the next event.
     *
     * @param timeout how long to wait
     * @return the event, or {@code null} when none arrived in time or the subscription is closed
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public McrEvent poll(Duration timeout) throws InterruptedException {
        if (closed.get()) {
            return null;
        }
        return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Returns the next queued event without waiting, or {@code null}. */
    public McrEvent pollNow() {
        return queue.poll();
    }

    /** Returns how many events this subscriber lost because its queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Returns whether {@link #close()} was called (or the bus was closed). */
    public boolean isClosed() {
        return closed.get();
    }

    /** Stops delivery and frees the subscriber slot; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            onClose.run();
        }
    }
}
