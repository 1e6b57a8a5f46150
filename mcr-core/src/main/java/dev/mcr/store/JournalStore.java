package dev.mcr.store;

import dev.mcr.error.McrException;
import java.util.List;

/** The notification journal: one row per delivery attempt, the newest {@value JournalEntry#MAX_ROWS} kept. */
public interface JournalStore {

    /**
     * Appends a delivery attempt and drops the oldest rows beyond {@value JournalEntry#MAX_ROWS}.
     *
     * @param entry the attempt (its id is ignored)
     * @return the attempt with the id the store gave it
     * @throws McrException when the write fails
     */
    JournalEntry append(JournalEntry entry);

    /**
     * Lists rows, newest first.
     *
     * @param query filters and limit
     * @return the rows
     * @throws McrException when the read fails
     */
    List<JournalEntry> query(JournalQuery query);

    /**
     * Deletes every row.
     *
     * @return how many rows were deleted
     * @throws McrException when the write fails
     */
    int clear();
}
