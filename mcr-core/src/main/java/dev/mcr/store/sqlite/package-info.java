/**
 * Internal (not exported): persistence in {@code app.db}, laid out like the original tool's so an existing folder
 * opens as is (SQLite: the state row, the notification journal, our own tables added by numbered migrations), and
 * the original's {@code runtime_status.json}.
 */
package dev.mcr.store.sqlite;
