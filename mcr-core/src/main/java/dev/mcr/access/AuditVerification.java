package dev.mcr.access;

/**
 * The result of checking the audit log's hash chain.
 *
 * @param ok       whether every row is intact and none is missing
 * @param checked  how many rows were checked
 * @param brokenAt the id of the first row that was edited, or of the first missing row; {@code null} when ok
 * @param lastHash the newest row's hash (keep it elsewhere to notice rows removed from the end later)
 */
public record AuditVerification(boolean ok, long checked, Long brokenAt, String lastHash) {
}
