package dev.mcr.runtime;

import dev.mcr.store.ScheduleState;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable schedules: keeps each active session's resume point in {@link ScheduleStates}, so that a restart (after a
 * clean shutdown or a crash alike) resumes it. The engine calls it under the runner's monitor, so the writes of a
 * runner are in the order of its transitions. Once {@link #shutDown()} was called nothing is written any more: the
 * runs a shutdown stops must not end their sessions. A failing write is logged; it never fails a run.
 */
final class DurableSchedules {

    private static final Logger LOG = LoggerFactory.getLogger(DurableSchedules.class);

    private final ScheduleStates store;
    /** Runners with a stored state, so that ending a session that has none costs no write. */
    private final Set<String> stored = ConcurrentHashMap.newKeySet();
    private volatile boolean shutDown;

    DurableSchedules(ScheduleStates store) {
        this.store = store;
    }

    /** Returns the stored states (empty when they cannot be read: nothing resumes then, which is logged). */
    Map<String, ScheduleState> load() {
        try {
            Map<String, ScheduleState> all = store.load();
            stored.addAll(all.keySet());
            return all;
        } catch (RuntimeException e) {
            LOG.error("Could not read where the schedules of the last run of mcr stood; no runner resumes.", e);
            return Map.of();
        }
    }

    /** The session's resume point changed. */
    void put(ScheduleState state) {
        if (shutDown) {
            return;
        }
        try {
            store.put(state);
            stored.add(state.runnerId());
        } catch (RuntimeException e) {
            LOG.error("Could not store the schedule of runner '{}'; after a restart it may not resume where it "
                    + "stands now.", state.runnerId(), e);
        }
    }

    /** The session ended (last run, stop, auto-pause, deletion): nothing resumes after a restart. */
    void forget(String runnerId) {
        if (shutDown || !stored.remove(runnerId)) {
            return;
        }
        try {
            store.delete(runnerId);
        } catch (RuntimeException e) {
            stored.add(runnerId);
            LOG.error("Could not forget the schedule of runner '{}'; it may start again after a restart.",
                    runnerId, e);
        }
    }

    /** mcr shuts down: from now on nothing is written, so every active session resumes at the next start. */
    void shutDown() {
        shutDown = true;
    }
}
