package dev.mcr.delivery;

import dev.mcr.store.JournalEntry;

/** Where the dispatcher writes one journal row per delivery attempt; implemented by the store owner. */
public interface JournalSink {

    /**
     * Stores a row; the implementer assigns the id and keeps at most {@link JournalEntry#MAX_ROWS} rows.
     *
     * @param entry the row, with id 0
     * @return the stored row with its id
     */
    JournalEntry append(JournalEntry entry);
}
