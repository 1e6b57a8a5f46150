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
    private final AtomicLong queuedChars = new AtomicLong();
    private final long maxQueuedChars;
    private final Runnable onClose;

    Subscription(int capacity, long maxQueuedChars, Runnable onClose) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxQueuedChars = maxQueuedChars;
        this.onClose = onClose;
    }

    // Output lines can be 64 KiB each: bounding the count alone would let one slow subscriber
    // pin hundreds of megabytes, so the queued text is bounded too.
    private static long weight(McrEvent event) {
        return event instanceof OutputLine line ? 64 + line.text().length() : 256;
    }

    void offer(McrEvent event) {
        long w = weight(event);
        if (queuedChars.addAndGet(w) > maxQueuedChars) {
            queuedChars.addAndGet(-w);
            dropped.incrementAndGet();
            return;
        }
        if (!queue.offer(event)) {
            queuedChars.addAndGet(-w);
            dropped.incrementAndGet();
        }
    }

    private McrEvent taken(McrEvent event) {
        if (event != null) {
            queuedChars.addAndGet(-weight(event));
        }
        return event;
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
        return taken(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Returns the next queued event without waiting, or {@code null}. */
    public McrEvent pollNow() {
        return taken(queue.poll());
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
            queuedChars.set(0);
            onClose.run();
        }
    }
}
