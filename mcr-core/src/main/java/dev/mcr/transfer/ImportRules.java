package dev.mcr.transfer;

/**
 * The limits an import is checked against; the facade builds them from its {@code dev.mcr.ImportLimits}, which
 * validates them.
 *
 * @param maxImportBytes     largest accepted body in bytes ({@code MAX_IMPORT_BYTES})
 * @param maxImportedRunners most runners in one import ({@code MAX_IMPORTED_RUNNERS})
 * @param maxTotalRunners    most runners after the import ({@code MAX_TOTAL_RUNNERS})
 * @param maxCasesPerRunner  most cases per imported runner ({@code MAX_CASES_PER_RUNNER})
 */
public record ImportRules(int maxImportBytes, int maxImportedRunners, int maxTotalRunners, int maxCasesPerRunner) {
}
