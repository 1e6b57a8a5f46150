package dev.mcr.event;

import java.time.Duration;

/**
 * One subscriber's bounded queue of events, obtained from {@code Mcr.openSubscription()} (the caller polls) or
 * {@code Mcr.subscribe(listener)} (a thread of its own calls the listener). A subscriber that does not keep up loses
 * the events that arrive while its queue is full, and never slows a runner or another subscriber; events other than
 * output lines have a small reserve beyond the bound, so that a client that falls behind a flood of output still
 * learns that the run finished. Close it when done. Thread-safe.
 *
 * <pre>{@code
 * try (Subscription events = mcr.openSubscription()) {
 *     McrEvent e;
 *     while ((e = events.poll(Duration.ofSeconds(1))) != null) {
 *         System.out.println(e.type());
 *     }
 * }
 * }</pre>
 */
public interface Subscription extends AutoCloseable {

    /**
     * Waits for the next event.
     *
     * @param timeout how long to wait
     * @return the event, or {@code null} when none arrived in time or the subscription is closed
     *         (also when it is closed while waiting)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    McrEvent poll(Duration timeout) throws InterruptedException;

    /**
     * Returns the next queued event without waiting.
     *
     * @return the event, or {@code null} when none is queued
     */
    McrEvent pollNow();

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
    int drainTo(McrEvent[] into, int max);

    /**
     * Returns how many events this subscriber lost because its queue was full.
     *
     * @return the number of dropped events
     */
    long dropped();

    /**
     * Returns whether {@link #close()} was called (or the instance that delivers the events was closed).
     *
     * @return whether it is closed
     */
    boolean isClosed();

    /**
     * Stops delivery, wakes a consumer waiting in {@link #poll} (it gets {@code null}) and frees the
     * subscriber slot; idempotent.
     */
    @Override
    void close();
}
