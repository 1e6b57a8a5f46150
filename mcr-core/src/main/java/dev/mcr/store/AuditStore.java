package dev.mcr.store;

import dev.mcr.error.McrException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The append-only audit log with its hash chain. Every method throws {@link McrException} when the storage fails.
 */
public interface AuditStore {

    /**
     * Appends a row at the end of the chain, in one transaction: the new id is one more than the newest row's (or
     * than the anchor's pruned id), and the row is linked with {@link AuditEntry#chained(long, String)} to the
     * newest row's hash (or the anchor's, or empty).
     *
     * @param entry the row (id and hashes are ignored)
     * @return the row as stored
     */
    AuditEntry append(AuditEntry entry);

    /**
     * Lists rows, newest first.
     *
     * @param query filters and limit
     * @return the rows
     */
    List<AuditEntry> query(AuditQuery query);

    /**
     * Lists rows in chain order (ascending ids), as stored, for verification and export.
     *
     * @param afterId only rows with a larger id
     * @param limit   the most rows to return
     * @return the rows
     */
    List<AuditEntry> chain(long afterId, int limit);

    /**
     * Returns where the chain begins after pruning.
     *
     * @return the anchor, or empty when nothing was ever pruned
     */
    Optional<AuditAnchor> anchor();

    /**
     * Deletes the rows older than a time and records the newest deleted row as the anchor, in one transaction.
     *
     * @param before rows with an earlier time are deleted
     * @param now    the time the anchor records
     * @return how many rows were deleted
     */
    int prune(Instant before, Instant now);
}
