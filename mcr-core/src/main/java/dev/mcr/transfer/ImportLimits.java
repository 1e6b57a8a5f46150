package dev.mcr.transfer;

/**
 * Limits applied to an import.
 *
 * @param maxImportBytes     largest accepted body
 * @param maxImportedRunners most runners in one import
 * @param maxTotalRunners    most runners after the import
 * @param maxCasesPerRunner  most cases per imported runner
 */
public record ImportLimits(int maxImportBytes, int maxImportedRunners, int maxTotalRunners, int maxCasesPerRunner) {
    /** The original's defaults: 1 MiB, 100, 500, 200. */
    public static final ImportLimits DEFAULTS = new ImportLimits(1_048_576, 100, 500, 200);
}
