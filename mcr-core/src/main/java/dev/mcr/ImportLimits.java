package dev.mcr;

/**
 * Limits applied to an import.
 *
 * @param maxImportBytes     largest accepted body in bytes ({@code MAX_IMPORT_BYTES})
 * @param maxImportedRunners most runners in one import ({@code MAX_IMPORTED_RUNNERS})
 * @param maxTotalRunners    most runners after the import ({@code MAX_TOTAL_RUNNERS})
 * @param maxCasesPerRunner  most cases per imported runner ({@code MAX_CASES_PER_RUNNER})
 */
public record ImportLimits(int maxImportBytes, int maxImportedRunners, int maxTotalRunners, int maxCasesPerRunner) {

    /** The original's defaults: 1 MiB, 100 runners per import, 500 runners in all, 200 cases per runner. */
    public static final ImportLimits DEFAULTS = new ImportLimits(1_048_576, 100, 500, 200);

    /** Validates that every limit is at least 1. */
    public ImportLimits {
        if (maxImportBytes < 1 || maxImportedRunners < 1 || maxTotalRunners < 1 || maxCasesPerRunner < 1) {
            throw new IllegalArgumentException("Import limits must be at least 1; use ImportLimits.DEFAULTS for the usual values.");
        }
    }
}
