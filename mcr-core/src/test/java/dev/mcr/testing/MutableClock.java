package dev.mcr.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for tests: stands still until moved. Thread-safe; {@link ManualScheduler} moves it while it runs due
 * tasks. Copies made with {@link #withZone} share this clock's time.
 */
public final class MutableClock extends Clock {
    private final Object lock;
    private final Instant[] now;
    private final ZoneId zone;

    /**
     * A clock in UTC.
     *
     * @param start its first time
     */
    public MutableClock(Instant start) {
        this(new Object(), new Instant[] {start}, ZoneOffset.UTC);
    }

    private MutableClock(Object lock, Instant[] now, ZoneId zone) {
        this.lock = lock;
        this.now = now;
        this.zone = zone;
    }

    /** Moves the time forward (or back, for a negative duration). */
    public void advance(Duration d) {
        synchronized (lock) {
            now[0] = now[0].plus(d);
        }
    }

    /** Sets the time. */
    public void set(Instant instant) {
        synchronized (lock) {
            now[0] = instant;
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new MutableClock(lock, now, newZone);
    }

    @Override
    public Instant instant() {
        synchronized (lock) {
            return now[0];
        }
    }
}
