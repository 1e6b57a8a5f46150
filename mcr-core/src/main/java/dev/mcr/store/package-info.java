/**
 * Persistence in the data folder, laid out like the original tool's so an existing folder opens as is:
 * {@code app.db} (SQLite: the state row, the notification journal, our own tables added by numbered
 * migrations), the per-runner {@code run_<id>.log} files, and the original's {@code runtime_status.json}.
 */
package dev.mcr.store;
