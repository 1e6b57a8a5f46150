package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server as a child JVM: {@code java -cp <test class path> dev.mcr.server.Main}, the same code the
 * jar runs, configured through the environment, killable with SIGKILL. Everything it prints (stdout and
 * stderr, where the log goes) is collected.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/)");

    final Process process;
    final Path dataDir;
    final URI base;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<Thread> drains = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String authorization;

    private ServerProcess(Process process, Path dataDir) throws Exception {
        this.process = process;
        this.dataDir = dataDir;
        drains.add(drain(process.getInputStream(), "out"));
        drains.add(drain(process.getErrorStream(), "err"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        URI found = null;
        while (found == null) {
            for (String l : output) {
                Matcher m = URL.matcher(l);
                if (m.find()) {
                    found = URI.create(m.group(1));
                }
            }
            if (found == null) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new AssertionError("The server did not start; its output:\n" + String.join("\n", output));
                }
                Thread.sleep(20);
            }
        }
        this.base = found;
    }

    /**
     * Starts the server on a free port.
     *
     * @param dataDir the data folder
     * @param env     extra environment (HOST, PORT and DATA_DIR are set here)
     * @param jvmArgs extra JVM options such as {@code -Xmx128m}
     */
    static ServerProcess start(Path dataDir, Map<String, String> env, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("MULTI_COMMAND_RUNNER_") || k.startsWith("MAX_")
                || k.startsWith("MCR_"));
        // Runs use a login shell: keep the build user's profile scripts (which may hang or leave locks behind
        // when a run is killed) out of them.
        Path home = dataDir.resolveSibling(dataDir.getFileName() + "-home");
        Files.createDirectories(home);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("DATA_DIR", dataDir.toString());
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("PORT", "0");
        pb.environment().putAll(env);
        return new ServerProcess(pb.start(), dataDir);
    }

    private Thread drain(InputStream in, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    output.add(l);
                }
            } catch (IOException ignored) {
                // The child is gone.
            }
        }, "server-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Sends this Basic auth with every request of {@link #get} and {@link #post}. */
    ServerProcess withAuth(String user, String password) {
        authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return this;
    }

    int port() {
        return base.getPort();
    }

    /** Everything the server printed so far. */
    List<String> output() {
        return List.copyOf(output);
    }

    /** Waits until both output streams ended (after the process ended). */
    List<String> outputAfterExit() throws InterruptedException {
        for (Thread t : drains) {
            t.join(10_000);
        }
        return output();
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POSTs and requires 200. */
    JsonNode postOk(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = post(path, json);
        if (r.statusCode() != 200) {
            throw new AssertionError("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return ServerFixture.JSON.readTree(r.body());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return ServerFixture.JSON.readTree(r.body());
    }

    /** Sends a signal with kill(1); unlike {@link Process#destroy()} it leaves our ends of the pipes open. */
    void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " failed");
        }
    }

    /** SIGKILL, and waits for the end. */
    void kill9() throws Exception {
        signal("KILL");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("The server did not die from SIGKILL.");
        }
    }

    /** The stored state row of {@code app.db}, read through a separate connection. */
    static String stateRow(Path dataDir) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("app.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT json FROM state WHERE id=1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Reads a file of the data folder, or "" when it does not exist. */
    static String readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    /** Polls until the condition holds; fails with the message after the timeout. */
    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
