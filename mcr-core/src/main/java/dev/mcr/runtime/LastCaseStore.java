package dev.mcr.runtime;

import dev.mcr.store.LastCase;
import dev.mcr.store.RuntimeStore;
import java.util.Map;

/** Persists each runner's last case message so it survives a restart. */
public interface LastCaseStore {

    /**
     * Keeps the last cases in a store's runtime part.
     *
     * @param store the store
     * @return the last-case store
     */
    static LastCaseStore of(RuntimeStore store) {
        return new LastCaseStore() {
            @Override
            public Map<String, LastCase> load() {
                return store.loadLastCases();
            }

            @Override
            public void save(Map<String, LastCase> all) {
                store.saveLastCases(all);
            }
        };
    }

    /** Returns the persisted last cases by runner id. */
    Map<String, LastCase> load();

    /**
     * Replaces the persisted last cases.
     *
     * @param all every runner's last case, by runner id
     */
    void save(Map<String, LastCase> all);
}
