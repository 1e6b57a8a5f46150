package dev.mcr.store;

/**
 * Where mcr keeps what must survive a restart, one interface per concern. The facade talks to this interface only;
 * SQL and its dialects live in the implementations (mcr's own: SQLite in {@code app.db} of the data folder, the
 * default of {@code Mcr.builder()}).
 *
 * <p>A store keeps what it is given: the layer above it encrypts credentials before a put and decrypts them after a
 * load, normalizes documents and masks secrets for clients. Implementations are thread-safe; every write is atomic.
 * Every implementation must pass the contract suite {@code dev.mcr.store.StoreContract} of mcr-core's test jar.
 *
 * <pre>{@code
 * try (Mcr mcr = Mcr.builder().dataDir(dir).store(myStore).build()) { ... }
 * }</pre>
 */
public interface Store extends AutoCloseable {

    /**
     * Returns the configured objects (runners, groups, profiles, layout, extra keys) with their versions.
     *
     * @return the config store
     */
    ConfigStore config();

    /**
     * Returns the notification journal.
     *
     * @return the journal store
     */
    JournalStore journal();

    /**
     * Returns the runtime values: last cases, live runs, schedule states.
     *
     * @return the runtime store
     */
    RuntimeStore runtime();

    /**
     * Returns the users, their sessions and API tokens, and failed logins.
     *
     * @return the user store
     */
    UserStore users();

    /**
     * Returns the audit log.
     *
     * @return the audit store
     */
    AuditStore audit();

    /**
     * Returns the records of runs (the run history).
     *
     * @return the run store
     */
    RunStore runs();

    /**
     * Closes the store; later calls do nothing, other methods then throw {@link dev.mcr.error.McrException}.
     */
    @Override
    void close();
}
