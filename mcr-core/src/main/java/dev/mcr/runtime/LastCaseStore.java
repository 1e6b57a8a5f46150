package dev.mcr.runtime;

import dev.mcr.store.LastCase;
import java.util.Map;

/** Persists each runner's last case message so it survives a restart. */
public interface LastCaseStore {

    /** Returns the persisted last cases by runner id. */
    Map<String, LastCase> load();

    /**
     * Replaces the persisted last cases.
     *
     * @param all every runner's last case, by runner id
     */
    void save(Map<String, LastCase> all);
}
