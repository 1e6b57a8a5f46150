package dev.mcr.runtime;

import dev.mcr.bus.EventBus;
import dev.mcr.event.McrEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Output batching: the events of one run collected on its reader thread and handed to the bus together, once per
 * burst of output (before the reader may wait for more) instead of once per line, which woke every subscriber for
 * every line. Events added from another thread (a stop, a refresh) are published at once; so is a full batch, so
 * that a long burst reaches subscribers in pieces.
 */
final class RunEventBatch {

    /** Most events held back before they are handed on. */
    static final int MAX_PENDING_EVENTS = 256;

    private final EventBus bus;
    private final Thread owner = Thread.currentThread();
    private final List<McrEvent> events = new ArrayList<>();

    /**
     * A batch owned by the calling thread (the run's reader).
     *
     * @param bus where the events go
     */
    RunEventBatch(EventBus bus) {
        this.bus = bus;
    }

    void add(McrEvent event) {
        if (Thread.currentThread() != owner) {
            bus.publish(event);
            return;
        }
        events.add(event);
        if (events.size() >= MAX_PENDING_EVENTS) {
            flush();
        }
    }

    /** Hands the collected events to the bus; on the owner thread only (elsewhere there is nothing to hand on). */
    void flush() {
        if (Thread.currentThread() == owner && !events.isEmpty()) {
            bus.publishAll(events);
            events.clear();
        }
    }
}
