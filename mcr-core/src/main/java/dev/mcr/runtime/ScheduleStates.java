package dev.mcr.runtime;

import dev.mcr.store.RuntimeStore;
import dev.mcr.store.ScheduleState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Durable schedule states: where each active session of a runner resumes after a restart. The engine writes a
 * runner's state whenever its resume point changes (a manual start of a repeating runner, every next due time)
 * and deletes it when the session ends (last run, stop, auto-pause, deletion); it writes nothing while it shuts
 * down, so a clean shutdown resumes like a crash. Calls come from the runner's threads under its lock; a failing
 * call is logged and never keeps a run from starting or ending.
 */
public interface ScheduleStates {

    /** Keeps nothing: no session survives a restart. */
    ScheduleStates NONE = new ScheduleStates() {
        @Override
        public Map<String, ScheduleState> load() {
            return Map.of();
        }

        @Override
        public void put(ScheduleState state) {
        }

        @Override
        public void delete(String runnerId) {
        }
    };

    /**
     * Keeps the states in a store's runtime part.
     *
     * @param store the store
     * @return the states
     */
    static ScheduleStates of(RuntimeStore store) {
        return new ScheduleStates() {
            @Override
            public Map<String, ScheduleState> load() {
                Map<String, ScheduleState> out = new LinkedHashMap<>();
                for (ScheduleState s : store.loadScheduleStates()) {
                    out.put(s.runnerId(), s);
                }
                return out;
            }

            @Override
            public void put(ScheduleState state) {
                store.putScheduleState(state);
            }

            @Override
            public void delete(String runnerId) {
                store.deleteScheduleState(runnerId);
            }
        };
    }

    /** Returns every stored state by runner id. */
    Map<String, ScheduleState> load();

    /** Stores a runner's state, replacing its previous one; durable when it returns. */
    void put(ScheduleState state);

    /** Forgets a runner's state (unknown ids are ignored); durable when it returns. */
    void delete(String runnerId);
}
