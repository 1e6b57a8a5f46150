package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Where the audit chain begins after old rows were pruned: the last pruned row's id and hash, so that the first row
 * kept still verifies and the removal of more rows from the beginning is found.
 *
 * @param lastPrunedId   the id of the newest pruned row
 * @param lastPrunedHash its hash
 * @param prunedAt       when the pruning happened
 */
public record AuditAnchor(long lastPrunedId, String lastPrunedHash, Instant prunedAt) {

    /**
     * Checks the values.
     *
     * @param lastPrunedId   the id
     * @param lastPrunedHash the hash
     * @param prunedAt       the time
     */
    public AuditAnchor {
        Objects.requireNonNull(lastPrunedHash, "lastPrunedHash");
        Objects.requireNonNull(prunedAt, "prunedAt");
    }
}
