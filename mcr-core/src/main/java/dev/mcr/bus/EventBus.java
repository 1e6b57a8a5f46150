package dev.mcr.bus;

import dev.mcr.error.ClosedException;
import dev.mcr.error.TooManySubscribersException;
import dev.mcr.event.McrEvent;
import dev.mcr.event.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to subscribers, each through its own bounded queue. {@link #publish} never
 * blocks: a full queue drops the event for that subscriber only.
 */
public final class EventBus implements AutoCloseable {

    /** Default per-subscriber queue capacity. */
    public static final int DEFAULT_QUEUE_CAPACITY = 7000;
    /** Default bound of the text queued per subscriber, in characters (about 16 MiB). */
    public static final long DEFAULT_MAX_QUEUED_CHARS = 8L * 1024 * 1024;
    /** Default maximum number of subscribers. */
    public static final int DEFAULT_MAX_SUBSCRIBERS = 100;

    /** Most events a {@link #subscribe} listener thread takes from its queue at once. */
    static final int LISTENER_BATCH = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final List<QueueSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<? extends McrEvent>>> observers = new CopyOnWriteArrayList<>();
    private final int maxSubscribers;
    private final int queueCapacity;
    private final AtomicInteger listenerThreads = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Events lost by subscriptions that are closed now. */
    private final java.util.concurrent.atomic.AtomicLong droppedByClosed = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param maxSubscribers at most this many subscriptions at once
     * @param queueCapacity  events queued per subscriber before it loses events
     */
    public EventBus(int maxSubscribers, int queueCapacity) {
        if (maxSubscribers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxSubscribers and queueCapacity must be at least 1.");
        }
        this.maxSubscribers = maxSubscribers;
        this.queueCapacity = queueCapacity;
    }

    /**
     * Delivers an event to every subscriber's queue; never blocks.
     *
     * @param event the event
     */
    public void publish(McrEvent event) {
        if (!observers.isEmpty()) {
            List<McrEvent> one = List.of(event);
            for (Consumer<List<? extends McrEvent>> o : observers) {
                observe(o, one);
            }
        }
        for (QueueSubscription s : subscriptions) {
            s.offer(event);
        }
    }

    /**
     * Delivers a batch of events, in order, to every subscriber's queue; never blocks. Each
     * subscriber's queue is locked once for the whole batch and its consumer woken at most once, so
     * handing over all the lines of one pipe read costs about as much as one {@link #publish}. A
     * subscriber whose queue fills up in the middle of the batch loses the events that do not fit
     * (counted in {@link Subscription#dropped()}), and only those.
     *
     * @param events the events, oldest first; {@code null} elements are skipped; the list is not kept
     */
    public void publishAll(List<? extends McrEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        for (Consumer<List<? extends McrEvent>> o : observers) {
            observe(o, events);
        }
        for (QueueSubscription s : subscriptions) {
            s.offerAll(events);
        }
    }

    /**
     * Adds an observer that sees every event synchronously, on the publishing thread, before any subscriber's queue:
     * unlike a subscription it never loses an event, so it must be quick and never block (it runs on runner
     * threads, some under a runner's lock). It gets what was published at once as one list (a single event, or a
     * burst of output with {@link #publishAll}; {@code null} elements are possible and to be skipped). For mcr's own
     * bookkeeping (the run history), not for clients. An observer that throws is logged and keeps observing.
     *
     * @param observer the observer; it must not keep the list
     */
    public void observe(Consumer<List<? extends McrEvent>> observer) {
        observers.add(java.util.Objects.requireNonNull(observer, "observer"));
    }

    private static void observe(Consumer<List<? extends McrEvent>> observer, List<? extends McrEvent> events) {
        try {
            observer.accept(events);
        } catch (RuntimeException ex) {
            LOG.warn("An event observer failed on {} event(s).", events.size(), ex);
        }
    }

    /** Returns whether anybody listens (lets hot paths skip building events). */
    public boolean hasSubscribers() {
        return !subscriptions.isEmpty();
    }

    /**
     * Returns how many events subscribers lost because their queue was full, since the bus was made (closed
     * subscriptions included).
     *
     * @return the count
     */
    public long droppedTotal() {
        long sum = droppedByClosed.get();
        for (QueueSubscription s : subscriptions) {
            sum += s.dropped();
        }
        return sum;
    }

    /** Returns the number of open subscriptions. */
    public int subscriberCount() {
        return subscriptions.size();
    }

    /**
     * Opens a pull subscription: the caller polls its queue.
     *
     * @return the subscription; close it when done
     * @throws TooManySubscribersException when {@code maxSubscribers} are already open
     * @throws ClosedException             when the bus is closed
     */
    public Subscription open() {
        if (closed.get()) {
            throw new ClosedException("The event bus is closed.");
        }
        synchronized (subscriptions) {
            if (subscriptions.size() >= maxSubscribers) {
                throw new TooManySubscribersException(maxSubscribers);
            }
            QueueSubscription[] holder = new QueueSubscription[1];
            QueueSubscription s = new QueueSubscription(queueCapacity, DEFAULT_MAX_QUEUED_CHARS, () -> {
                if (subscriptions.remove(holder[0])) {
                    droppedByClosed.addAndGet(holder[0].dropped());
                }
            });
            holder[0] = s;
            subscriptions.add(s);
            return s;
        }
    }

    /**
     * Calls a listener for every event, on its own named thread ({@code mcr-events-N}), in order.
     * A listener that throws is logged and keeps receiving events. The thread takes what is queued
     * in batches and stops delivering as soon as the subscription is closed.
     *
     * @param listener called on the subscription's thread, never on a runner thread
     * @return the subscription; close it to stop the listener
     * @throws TooManySubscribersException when {@code maxSubscribers} are already open
     */
    public Subscription subscribe(Consumer<? super McrEvent> listener) {
        Subscription s = open();
        Thread t = new Thread(() -> {
            McrEvent[] batch = new McrEvent[Math.min(LISTENER_BATCH, queueCapacity)];
            try {
                while (!s.isClosed()) {
                    int n = s.drainTo(batch, batch.length);
                    if (n == 0) {
                        McrEvent e = s.poll(Duration.ofMillis(250));
                        if (e == null) {
                            continue;
                        }
                        batch[0] = e;
                        n = 1;
                    }
                    for (int i = 0; i < n; i++) {
                        McrEvent e = batch[i];
                        batch[i] = null;
                        if (!s.isClosed()) {
                            deliver(listener, e);
                        }
                    }
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }, "mcr-events-" + listenerThreads.incrementAndGet());
        t.setDaemon(true);
        t.start();
        return s;
    }

    private static void deliver(Consumer<? super McrEvent> listener, McrEvent e) {
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("An event listener failed on a {} event.", e.type(), ex);
        }
    }

    /** Closes every subscription; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (QueueSubscription s : List.copyOf(subscriptions)) {
                s.close();
            }
        }
    }
}
