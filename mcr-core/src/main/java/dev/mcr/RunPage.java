package dev.mcr;

import dev.mcr.store.RunRecord;
import java.util.List;

/**
 * One page of run records, newest first ({@link Mcr#runs}).
 *
 * @param items the records
 * @param next  the cursor of the next page (pass it as {@code before}), or {@code null} when this is the last
 */
public record RunPage(List<RunRecord> items, String next) {

    /**
     * Copies the list.
     *
     * @param items the records
     * @param next  the cursor, or {@code null}
     */
    public RunPage {
        items = List.copyOf(items);
    }
}
