package dev.mcr.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ScheduledExecutorService} driven by a {@link MutableClock}: nothing runs until the test says so. Tasks
 * run on the thread that calls {@link #runDue()} or {@link #advance(Duration)}, in due order (ties in the order
 * they were scheduled), each with the clock set to its due time. So "nothing else happens" is a fact after
 * {@code advance}, not a hope after a sleep: whatever was due has run when it returns.
 *
 * <p>Tasks may be scheduled from any thread (a run ends on its reader thread). Periodic scheduling is not
 * supported (mcr never uses it). {@link #shutdown()} drops what is pending; it is never needed in tests, because
 * {@code Mcr} does not shut down a scheduler it was given.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final MutableClock clock;
    private final Object lock = new Object();
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    /**
     * @param clock the clock the due times are read from and that {@link #advance} moves
     */
    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    /** Returns the clock. */
    public MutableClock clock() {
        return clock;
    }

    /**
     * Runs every task that is due now, including tasks those tasks schedule for now.
     *
     * @return how many ran
     */
    public int runDue() {
        return runUntil(clock.instant());
    }

    /**
     * Moves the clock forward by {@code d}, running each task that falls due on the way at its due time.
     *
     * @param d how far; not negative
     * @return how many tasks ran
     */
    public int advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("The clock of a ManualScheduler only moves forward.");
        }
        Instant target = clock.instant().plus(d);
        int ran = runUntil(target);
        if (clock.instant().isBefore(target)) {
            clock.set(target);
        }
        return ran;
    }

    private int runUntil(Instant target) {
        int ran = 0;
        while (true) {
            Task<?> next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.due.isAfter(target)) {
                    return ran;
                }
                queue.poll();
            }
            if (next.due.isAfter(clock.instant())) {
                clock.set(next.due);
            }
            next.run();
            ran++;
        }
    }

    /** Returns the due time of the earliest pending task, if any. */
    public Optional<Instant> nextDue() {
        synchronized (lock) {
            Task<?> next = queue.peek();
            return next == null ? Optional.empty() : Optional.of(next.due);
        }
    }

    /** Returns how many tasks are pending (cancelled ones are removed at once). */
    public int pending() {
        synchronized (lock) {
            return queue.size();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        synchronized (lock) {
            if (shutdown) {
                throw new java.util.concurrent.RejectedExecutionException("The ManualScheduler is shut down.");
            }
            Task<V> t = new Task<>(callable, clock.instant().plusNanos(unit.toNanos(Math.max(0, delay))), sequence++);
            queue.add(t);
            return t;
        }
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("Periodic tasks are not supported by the ManualScheduler.");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                     TimeUnit unit) {
        throw new UnsupportedOperationException("Periodic tasks are not supported by the ManualScheduler.");
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            queue.clear();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        synchronized (lock) {
            shutdown = true;
            List<Runnable> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        }
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        return isShutdown();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isShutdown();
    }

    private final class Task<V> implements ScheduledFuture<V>, Runnable {
        private final Callable<V> body;
        private final Instant due;
        private final long seq;
        private boolean done;
        private boolean cancelled;
        private V result;
        private Throwable failure;

        Task(Callable<V> body, Instant due, long seq) {
            this.body = body;
            this.due = due;
            this.seq = seq;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (done) {
                    return;
                }
            }
            V r = null;
            Throwable f = null;
            try {
                r = body.call();
            } catch (Throwable t) {
                f = t;
            }
            synchronized (this) {
                done = true;
                result = r;
                failure = f;
                notifyAll();
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due));
        }

        @Override
        public int compareTo(Delayed other) {
            if (other instanceof Task<?> t) {
                int c = due.compareTo(t.due);
                return c != 0 ? c : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (this) {
                if (done) {
                    return false;
                }
                done = true;
                cancelled = true;
                notifyAll();
            }
            synchronized (lock) {
                queue.remove(this);
            }
            return true;
        }

        @Override
        public synchronized boolean isCancelled() {
            return cancelled;
        }

        @Override
        public synchronized boolean isDone() {
            return done;
        }

        @Override
        public synchronized V get() throws InterruptedException, ExecutionException {
            while (!done) {
                wait();
            }
            return outcome();
        }

        @Override
        public synchronized V get(long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (!done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException();
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return outcome();
        }

        private V outcome() throws ExecutionException {
            if (cancelled) {
                throw new CancellationException();
            }
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            return result;
        }
    }
}
