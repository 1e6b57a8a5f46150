package dev.mcr.bus;

import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Subscription} of the {@link EventBus}: one subscriber's bounded queue of events. A subscriber that does
 * not keep up loses the events that arrive while its queue is full, and never slows a runner or another subscriber.
 * Obtained from {@link EventBus#open()}; close it when done.
 *
 * <p>The queue is bounded twice: by a number of events and by the text they carry. Events other than
 * output lines may exceed both bounds by a sixteenth (at least one event), so that status and case
 * events still find room when a client falls behind a flood of output. A consumer
 * takes events one at a time ({@link #poll}, {@link #pollNow}) or many under one lock
 * ({@link #drainTo}). Thread-safe.
 */
final class QueueSubscription implements Subscription {

    // One lock guards the ring, the counters and the waiter count. A lock (rather than a lock-free
    // queue) lets a publisher enqueue a whole batch and a consumer take a whole batch in one
    // acquisition each, which is what a line burst needs.
    private static final int INITIAL_RING = 256;
    /** Events other than output lines may exceed each bound by this part of it (at least one event). */
    private static final int RESERVE_SHARE = 16;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** Grows by doubling up to {@code ringCapacity}: a large bound costs an idle subscriber nothing. */
    private McrEvent[] ring;
    private final int capacity;
    private final long maxQueuedChars;
    /**
     * Output lines may fill the bounds; the few other events (status, cases) have a reserve beyond them, so a
     * client that falls behind during a flood of output still learns that the run finished.
     */
    private final int ringCapacity;
    private final long maxOtherChars;
    private final Runnable onClose;
    private int head;
    private int count;
    private long queuedChars;
    private int waiting;
    // Written under the lock, read without it.
    private volatile long dropped;
    private volatile boolean closed;

    QueueSubscription(int capacity, long maxQueuedChars, Runnable onClose) {
        if (capacity < 1 || maxQueuedChars < 1) {
            throw new IllegalArgumentException("A subscription needs a capacity and a text bound of at least 1.");
        }
        this.capacity = capacity;
        this.ringCapacity = (int) Math.min(Integer.MAX_VALUE - 8L, capacity + Math.max(1L, capacity / RESERVE_SHARE));
        long reserve = maxQueuedChars / RESERVE_SHARE;
        this.maxOtherChars = maxQueuedChars > Long.MAX_VALUE - reserve ? Long.MAX_VALUE : maxQueuedChars + reserve;
        this.ring = new McrEvent[Math.min(ringCapacity, INITIAL_RING)];
        this.maxQueuedChars = maxQueuedChars;
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    // Output lines can be 64 KiB each: bounding the count alone would let one slow subscriber
    // pin hundreds of megabytes, so the queued text is bounded too.
    private static long weight(McrEvent event) {
        return event instanceof OutputLine line ? 64 + line.text().length() : 256;
    }

    /** Queues or drops one event; the caller holds the lock. Returns whether it was queued. */
    private boolean enqueueLocked(McrEvent event) {
        long w = weight(event);
        boolean output = event instanceof OutputLine;
        if (count >= (output ? capacity : ringCapacity)
                || queuedChars + w > (output ? maxQueuedChars : maxOtherChars)) {
            dropped++;
            return false;
        }
        if (count == ring.length) {
            grow();
        }
        int tail = head + count;
        if (tail >= ring.length) {
            tail -= ring.length;
        }
        ring[tail] = event;
        count++;
        queuedChars += w;
        return true;
    }

    private void grow() {
        McrEvent[] bigger = new McrEvent[(int) Math.min(ringCapacity, 2L * ring.length)];
        for (int i = 0; i < count; i++) {
            int at = head + i;
            bigger[i] = ring[at >= ring.length ? at - ring.length : at];
        }
        ring = bigger;
        head = 0;
    }

    private McrEvent dequeueLocked() {
        McrEvent e = ring[head];
        ring[head] = null;
        if (++head == ring.length) {
            head = 0;
        }
        count--;
        queuedChars -= weight(e);
        return e;
    }

    void offer(McrEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            if (!closed && enqueueLocked(event) && waiting > 0) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a batch in order under one lock acquisition; the events that do not fit (by count or by
     * text) are dropped and counted, the later ones may still fit. Wakes a waiting consumer at most
     * once. Does nothing once closed.
     */
    void offerAll(List<? extends McrEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            boolean queued = false;
            for (int i = 0, n = events.size(); i < n; i++) {
                McrEvent e = events.get(i);
                if (e != null) {
                    queued |= enqueueLocked(e);
                }
            }
            if (queued && waiting > 0) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next event.
     *
     * @param timeout how long to wait
     * @return the event, or {@code null} when none arrived in time or the subscription is closed
     *         (also when it is closed while waiting)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    @Override
    public McrEvent poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                if (closed || nanos <= 0) {
                    return null;
                }
                waiting++;
                try {
                    nanos = notEmpty.awaitNanos(nanos);
                } finally {
                    waiting--;
                }
            }
            return dequeueLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Returns the next queued event without waiting, or {@code null}. */
    @Override
    public McrEvent pollNow() {
        lock.lock();
        try {
            return count == 0 ? null : dequeueLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code max} queued events at once, oldest first, without waiting: one lock
     * acquisition for the whole batch, so a consumer keeps pace with a burst. The events are stored
     * in {@code into[0]} to {@code into[n - 1]}; the rest of the array is left as it was.
     *
     * @param into where the events go
     * @param max  most events to take; at most {@code into.length}
     * @return how many events were taken ({@code n}); 0 when none were queued or the subscription is closed
     * @throws IllegalArgumentException when {@code max} is negative or larger than {@code into.length}
     */
    @Override
    public int drainTo(McrEvent[] into, int max) {
        Objects.requireNonNull(into, "into");
        if (max < 0 || max > into.length) {
            throw new IllegalArgumentException("max must be between 0 and the array's length (" + into.length
                    + "), not " + max + ".");
        }
        lock.lock();
        try {
            int n = Math.min(max, count);
            for (int i = 0; i < n; i++) {
                into[i] = dequeueLocked();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many events this subscriber lost because its queue was full. */
    @Override
    public long dropped() {
        return dropped;
    }

    /** Returns whether {@link #close()} was called (or the bus was closed). */
    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops delivery, wakes a consumer waiting in {@link #poll} (it gets {@code null}) and frees the
     * subscriber slot; idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < count; i++) {
                ring[(head + i) % ring.length] = null;
            }
            head = 0;
            count = 0;
            queuedChars = 0;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.run();
    }
}
