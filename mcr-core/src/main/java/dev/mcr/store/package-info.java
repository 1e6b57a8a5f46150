/**
 * The store SPI: where mcr keeps what survives a restart, one interface per concern behind {@link dev.mcr.store.Store}
 * ({@link dev.mcr.store.ConfigStore} for the configured objects with versions and history,
 * {@link dev.mcr.store.JournalStore} for the notification journal, {@link dev.mcr.store.RuntimeStore} for last cases,
 * live runs and schedule states, {@link dev.mcr.store.UserStore} for users, sessions, API tokens and failed logins,
 * {@link dev.mcr.store.AuditStore} for the hash-chained audit log), with the values they exchange. The facade talks to these interfaces only; the
 * default implementation is SQLite in the data folder ({@code app.db}), and every implementation passes the contract
 * suite {@code dev.mcr.store.StoreContract} published in mcr-core's test jar.
 *
 * <p>Stores keep documents (JSON text in the state's form) and never see a plaintext credential: encryption,
 * normalization, masking and the rules of saves live above them, in the facade.
 */
package dev.mcr.store;
