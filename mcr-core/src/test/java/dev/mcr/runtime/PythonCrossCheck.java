package dev.mcr.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a Python script over a JSON table, to check the tables' expectations against the real Python. */
final class PythonCrossCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PythonCrossCheck() {
    }

    /** Returns why the cross-check cannot run here, or empty when python3 (3.11 or newer, like the original's hosts) is usable. */
    static Optional<String> unavailableReason() {
        try {
            Process p = new ProcessBuilder("python3", "-c",
                    "import sys; print('ok' if sys.version_info >= (3, 11) else sys.version.split()[0])")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("python3 did not answer within 30 s; the cross-check against Python's re is skipped");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!out.equals("ok")) {
                return Optional.of("python3 is " + out + ", older than 3.11 (the tables describe 3.11); the cross-check is skipped");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("python3 is not installed; the cross-check against Python's re is skipped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while looking for python3");
        }
    }

    /** Writes {@code input} as JSON, runs {@code script} with the input and output file names, returns the output JSON. */
    static JsonNode run(String script, Object input, Path dir) throws IOException, InterruptedException {
        Path scriptFile = dir.resolve("check.py");
        Path in = dir.resolve("in.json");
        Path out = dir.resolve("out.json");
        Files.writeString(scriptFile, script, StandardCharsets.UTF_8);
        JSON.writeValue(in.toFile(), input);
        Process p = new ProcessBuilder("python3", "-W", "ignore", scriptFile.toString(), in.toString(), out.toString())
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("python3 did not finish the cross-check within 60 s.");
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("python3 failed (exit " + p.exitValue() + "): " + log);
        }
        return JSON.readTree(out.toFile());
    }
}
