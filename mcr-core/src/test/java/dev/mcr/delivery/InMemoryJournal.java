package dev.mcr.delivery;

import dev.mcr.store.JournalEntry;
import java.util.ArrayList;
import java.util.List;

/** A thread-safe in-memory stand-in for the store's notification journal. */
final class InMemoryJournal implements JournalSink {
    private final List<JournalEntry> rows = new ArrayList<>();
    private long nextId = 1;

    @Override
    public synchronized JournalEntry append(JournalEntry e) {
        JournalEntry stored = new JournalEntry(nextId++, e.ts(), e.runnerId(), e.profileId(), e.profileName(),
                e.delivery(), e.title(), e.message(), e.error());
        rows.add(stored);
        return stored;
    }

    synchronized List<JournalEntry> rows() {
        return List.copyOf(rows);
    }

    synchronized int size() {
        return rows.size();
    }
}
