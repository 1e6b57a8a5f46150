package dev.mcr.runtime;

import dev.mcr.store.LastCase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last-case throttle (SPEC §2): every runner's {@code last_case} is persisted, but while runs match, at most
 * once per interval ({@code RUNTIME_STATUS_SAVE_INTERVAL_S}): the first change is written at once, later ones
 * are collected and written when the interval has passed. The end of a run, a purge and close write at once.
 * Each write replaces every stored last case with the current ones. Thread-safe.
 */
final class LastCaseThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(LastCaseThrottle.class);

    private final LastCaseStore store;
    private final Supplier<Map<String, LastCase>> current;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final long intervalMillis;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private long lastWriteMillis = Long.MIN_VALUE / 2;
    /** Guarded by lock. */
    private ScheduledFuture<?> pending;
    /** Whether a last case changed since the last write; guarded by lock. */
    private boolean dirty;
    /** Guarded by lock. */
    private boolean closed;

    /**
     * @param store     where last cases are written
     * @param current   every runner's current last case, by runner id (called under this throttle's lock)
     * @param scheduler runs the delayed writes
     * @param clock     time source of the interval
     * @param interval  least time between two writes while runs match
     */
    LastCaseThrottle(LastCaseStore store, Supplier<Map<String, LastCase>> current, ScheduledExecutorService scheduler,
                     Clock clock, Duration interval) {
        this.store = store;
        this.current = current;
        this.scheduler = scheduler;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /** A case matched during a run: written now if the interval has passed, else when it has. */
    void changed() {
        synchronized (lock) {
            dirty = true;
            if (pending != null || closed) {
                return;
            }
            long due = lastWriteMillis + intervalMillis - clock.millis();
            if (due <= 0) {
                write();
                return;
            }
            try {
                pending = scheduler.schedule(this::flush, due, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                write();
            }
        }
    }

    /** Writes now (a purge; a pending delayed write is replaced by this one). */
    void flush() {
        synchronized (lock) {
            cancelPending();
            write();
        }
    }

    /** Writes now if anything changed since the last write (the end of a run: most runs change nothing). */
    void flushIfChanged() {
        synchronized (lock) {
            if (dirty) {
                cancelPending();
                write();
            }
        }
    }

    /** Writes a last time and schedules nothing more; idempotent in effect (later changes are written here). */
    void close() {
        synchronized (lock) {
            closed = true;
            cancelPending();
            write();
        }
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void write() {
        dirty = false;
        try {
            store.save(current.get());
            lastWriteMillis = clock.millis();
        } catch (RuntimeException e) {
            dirty = true;
            LOG.error("Could not persist the last case messages.", e);
        }
    }
}
