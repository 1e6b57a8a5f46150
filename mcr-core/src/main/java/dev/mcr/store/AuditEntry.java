package dev.mcr.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One row of the audit log. Rows form a hash chain: each row's {@code hash} is the SHA-256 over its content and the
 * previous row's hash ({@link #computeHash(String)}), so an edited or deleted row breaks the chain from there on.
 * Every store computes the hash through this record, so the chain reads the same whatever keeps it.
 *
 * @param id         the row's number, given by the store (increasing by one); 0 before it is appended
 * @param ts         when it happened (kept to the millisecond)
 * @param actor      who: a user name, {@code token:<name>}, {@code basic:<user>} or {@code anonymous}
 * @param address    the client address
 * @param userAgent  the client's user agent, possibly empty
 * @param action     what, for example {@code runner.update}, {@code login.failed}
 * @param targetId   the id of what it was done to, possibly empty
 * @param targetName the name of what it was done to, possibly empty
 * @param outcome    {@code ok}, {@code denied} or {@code failed}
 * @param status     the HTTP status (0 when not from a request)
 * @param summary    what changed, never a secret; possibly empty
 * @param prevHash   the previous row's hash (empty for the first row of a chain), given by the store
 * @param hash       this row's hash, given by the store
 */
public record AuditEntry(long id, Instant ts, String actor, String address, String userAgent, String action,
                         String targetId, String targetName, String outcome, int status, String summary,
                         String prevHash, String hash) {

    /**
     * Checks the values and replaces {@code null} texts with empty ones; the time is cut to milliseconds.
     *
     * @param id         the row's number
     * @param ts         the time
     * @param actor      the actor
     * @param address    the address
     * @param userAgent  the user agent
     * @param action     the action
     * @param targetId   the target's id
     * @param targetName the target's name
     * @param outcome    the outcome
     * @param status     the status
     * @param summary    the summary
     * @param prevHash   the previous hash
     * @param hash       the hash
     */
    public AuditEntry {
        Objects.requireNonNull(ts, "ts");
        ts = Instant.ofEpochMilli(ts.toEpochMilli());
        actor = actor == null ? "" : actor;
        address = address == null ? "" : address;
        userAgent = userAgent == null ? "" : userAgent;
        Objects.requireNonNull(action, "action");
        targetId = targetId == null ? "" : targetId;
        targetName = targetName == null ? "" : targetName;
        outcome = outcome == null ? "" : outcome;
        summary = summary == null ? "" : summary;
        prevHash = prevHash == null ? "" : prevHash;
        hash = hash == null ? "" : hash;
    }

    /**
     * A new row before it is appended (no id, no hashes).
     *
     * @param ts         the time
     * @param actor      the actor
     * @param address    the address
     * @param userAgent  the user agent
     * @param action     the action
     * @param targetId   the target's id
     * @param targetName the target's name
     * @param outcome    the outcome
     * @param status     the status
     * @param summary    the summary
     * @return the row
     */
    public static AuditEntry of(Instant ts, String actor, String address, String userAgent, String action,
                                String targetId, String targetName, String outcome, int status, String summary) {
        return new AuditEntry(0, ts, actor, address, userAgent, action, targetId, targetName, outcome, status,
                summary, "", "");
    }

    /**
     * This row with its id and place in the chain, as a store appends it.
     *
     * @param newId    the id the store gives it
     * @param previous the hash of the row before it (empty for the first)
     * @return the row with {@code id}, {@code prevHash} and {@code hash} set
     */
    public AuditEntry chained(long newId, String previous) {
        AuditEntry withId = new AuditEntry(newId, ts, actor, address, userAgent, action, targetId, targetName,
                outcome, status, summary, previous, "");
        return new AuditEntry(newId, ts, actor, address, userAgent, action, targetId, targetName, outcome, status,
                summary, previous, withId.computeHash(previous));
    }

    /**
     * The SHA-256 (hex) over the previous hash and every field of this row but {@code hash} itself, each
     * length-prefixed so that no two different rows give the same input.
     *
     * @param previous the previous row's hash
     * @return the hash
     */
    public String computeHash(String previous) {
        StringBuilder sb = new StringBuilder();
        for (String field : new String[] {previous == null ? "" : previous, Long.toString(id),
                Long.toString(ts.toEpochMilli()), actor, address, userAgent, action, targetId, targetName, outcome,
                Integer.toString(status), summary}) {
            sb.append(field.length()).append(':').append(field).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
    }
}
