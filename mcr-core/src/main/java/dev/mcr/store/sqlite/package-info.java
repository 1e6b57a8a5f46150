/**
 * Internal (not exported): the SQLite store in {@code app.db}. Laid out so that an original data folder opens as is
 * and stays usable by the original tool: its {@code state} row (rewritten by every config commit, in the same
 * transaction) and {@code notification_journal}, beside our tables (one per kind of configured object with versions
 * and positions, the version history, last cases, live runs, schedule states). The schema is migrated by Flyway from
 * {@code db/migration/sqlite}; also reads the original's {@code runtime_status.json}.
 */
package dev.mcr.store.sqlite;
