package dev.mcr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python's {@code cryptography} Fernet (when {@code python3} and the package are installed) so tests can
 * check that what Java writes, the original tool reads.
 */
public final class PythonFernet {

    /** Why Python checks are skipped, shown by the test report. */
    public static final String UNAVAILABLE =
            "python3 with the 'cryptography' package is not installed, so tokens made in Java cannot be checked against Python";

    private static final String DECRYPT_SCRIPT = String.join("\n",
            "import json, sys",
            "from cryptography.fernet import Fernet, InvalidToken",
            "req = json.loads(sys.stdin.buffer.read().decode('utf-8'))",
            "f = Fernet(req['key'].encode('utf-8'))",
            "out = []",
            "for t in req['tokens']:",
            "    try:",
            "        out.append(f.decrypt(t.encode('ascii')).decode('utf-8'))",
            "    except InvalidToken:",
            "        out.append(None)",
            "sys.stdout.buffer.write(json.dumps(out).encode('utf-8'))");

    private static final ObjectMapper JSON = new ObjectMapper();

    private PythonFernet() {
    }

    /** Returns whether {@code python3 -c "import cryptography.fernet"} succeeds. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import cryptography.fernet")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Decrypts Fernet tokens in Python, without a TTL, like the original tool.
     *
     * @param key    the Fernet key text as Python's {@code Fernet()} gets it
     * @param tokens the tokens (without {@code enc:v1:})
     * @return the plaintexts, {@code null} where Python raised {@code InvalidToken}
     */
    public static List<String> decrypt(String key, List<String> tokens) throws IOException, InterruptedException {
        // Warnings would go to stderr; the script only writes JSON, so merging keeps one pipe to drain.
        Process p = new ProcessBuilder("python3", "-W", "ignore", "-c", DECRYPT_SCRIPT).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(JSON.writeValueAsBytes(Map.of("key", key, "tokens", tokens)));
        }
        byte[] out;
        try (InputStream o = p.getInputStream()) {
            out = o.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("python3 did not finish within 60 s.");
        }
        if (p.exitValue() != 0) {
            throw new IOException("python3 failed: " + new String(out, StandardCharsets.UTF_8));
        }
        List<String> result = new ArrayList<>();
        for (JsonNode n : JSON.readTree(out)) {
            result.add(n.isNull() ? null : n.asText());
        }
        return result;
    }
}
