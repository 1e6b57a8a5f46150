package dev.mcr;

/**
 * An export, ready to be downloaded.
 *
 * @param fileName {@code multi-command-runner-export-YYYYMMDD_HHMMSS.json}
 * @param json     the document: runners, groups, layout and {@code exported_at}; never profiles or secrets
 */
public record ExportFile(String fileName, String json) {
}
