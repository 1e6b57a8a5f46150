package dev.mcr.runtime;

import dev.mcr.store.AlertState;
import dev.mcr.store.RuntimeStore;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the engine keeps what people decided about runners' alerts (acknowledgements, snoozes) across restarts. */
public interface AlertStates {

    /** Keeps nothing: acknowledgements and snoozes end with the instance. */
    AlertStates NONE = new AlertStates() {
        @Override
        public Map<String, AlertState> load() {
            return Map.of();
        }

        @Override
        public void put(AlertState state) {
        }

        @Override
        public void delete(String runnerId) {
        }
    };

    /**
     * Keeps them in a store's runtime part.
     *
     * @param store the store
     * @return the alert states backed by it
     */
    static AlertStates of(RuntimeStore store) {
        return new AlertStates() {
            @Override
            public Map<String, AlertState> load() {
                Map<String, AlertState> out = new LinkedHashMap<>();
                for (AlertState s : store.loadAlertStates()) {
                    out.put(s.runnerId(), s);
                }
                return out;
            }

            @Override
            public void put(AlertState state) {
                store.putAlertState(state);
            }

            @Override
            public void delete(String runnerId) {
                store.deleteAlertState(runnerId);
            }
        };
    }

    /** Returns every stored state by runner id. */
    Map<String, AlertState> load();

    /** Stores a runner's state, replacing its previous one; durable when it returns. */
    void put(AlertState state);

    /** Forgets a runner's state (unknown ids are ignored); durable when it returns. */
    void delete(String runnerId);
}
