package dev.mcr.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** One pattern on one line, with the texts Python's {@code re.finditer} matched there. */
    record Finds(String pattern, String line, List<String> python) {
    }

    private static final String FINDITER_SCRIPT = """
            import json, re, sys
            rows = json.load(open(sys.argv[1], encoding="utf-8"))
            out = []
            for r in rows:
                p = r["pattern"].strip() if r["strip"] else r["pattern"]
                rx = re.compile(p, flags=re.MULTILINE)
                out.append([m.group(0) for m in rx.finditer(r["line"])])
            json.dump(out, open(sys.argv[2], "w", encoding="utf-8"))
            """;

    /**
     * Runs every pattern on every line with Python's {@code re.finditer} (MULTILINE, as CaseMatcher compiles).
     *
     * @param strip strip each pattern first, as the original (and CaseMatcher) do before compiling
     * @return one entry per pattern and line, patterns in the outer order
     */
    static List<Finds> finditer(List<String> patterns, List<String> lines, boolean strip, Path dir)
            throws IOException, InterruptedException {
        List<Map<String, Object>> input = new ArrayList<>();
        for (String pattern : patterns) {
            for (String line : lines) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("pattern", pattern);
                row.put("line", line);
                row.put("strip", strip);
                input.add(row);
            }
        }
        JsonNode out = run(FINDITER_SCRIPT, input, dir);
        List<Finds> finds = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            List<String> python = new ArrayList<>();
            out.get(i).forEach(n -> python.add(n.asText()));
            finds.add(new Finds((String) input.get(i).get("pattern"), (String) input.get(i).get("line"), python));
        }
        return finds;
    }
}
