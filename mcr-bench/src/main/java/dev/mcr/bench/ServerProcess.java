package dev.mcr.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server jar started as a separate process ({@code java -jar mcr-server.jar}) with {@code DATA_DIR} in a
 * given folder and a free {@code PORT}; knows how long it took to answer its first {@code GET /api/state} with
 * 200. {@link #close()} stops it with SIGTERM (its shutdown hook stops every runner), then SIGKILL.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private final Process process;
    private final int port;
    private final long startupNanos;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ServerProcess(Process process, int port, long startupNanos, Path log) {
        this.process = process;
        this.port = port;
        this.startupNanos = startupNanos;
        this.log = log;
    }

    /**
     * Starts the server and waits for its first 200 on {@code GET /api/state}.
     *
     * @param jar     the server jar
     * @param dataDir its data folder (created if missing)
     * @param jvmArgs extra JVM options, for example {@code -Xmx256m}; may be empty
     * @return the running server
     * @throws IOException          when the jar is missing or the process cannot start
     * @throws InterruptedException when interrupted while waiting
     * @throws IllegalStateException when the server does not answer within 60 s
     */
    public static ServerProcess start(Path jar, Path dataDir, List<String> jvmArgs) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("The server jar " + jar.toAbsolutePath() + " does not exist; build it first with "
                    + "`mvn -q -o -DskipTests package` at the repository root.");
        }
        Files.createDirectories(dataDir);
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(MachineInfo.javaBinary());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(port));
        env.put("DATA_DIR", dataDir.toAbsolutePath().toString());
        env.remove("MULTI_COMMAND_RUNNER_AUTH_USER");
        env.remove("MULTI_COMMAND_RUNNER_AUTH_PASSWORD");
        long t0 = System.nanoTime();
        Process p = pb.start();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            int status = rawStatus(port, "/api/state");
            if (status == 200) {
                return new ServerProcess(p, port, System.nanoTime() - t0, log);
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("The server exited with status " + p.exitValue() + " before answering; "
                        + "its output is in " + log + ".");
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("The server did not answer GET /api/state with 200 within 60 s; its "
                        + "output is in " + log + ".");
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    /** Returns the port the server listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Returns the server's pid. */
    public long pid() {
        return process.pid();
    }

    /** Returns the time from starting the process to its first 200 on {@code GET /api/state}, in nanoseconds. */
    public long startupNanos() {
        return startupNanos;
    }

    /** Returns the server's resident set size in KiB. */
    public long rssKiB() {
        return ProcStats.rssKiB(process.pid());
    }

    /**
     * Asks the server JVM for its heap with {@code jcmd <pid> GC.heap_info}.
     *
     * @return used and committed heap in KiB
     * @throws IOException when jcmd cannot run or prints no heap line
     * @throws InterruptedException when interrupted
     */
    public long[] heapKiB() throws IOException, InterruptedException {
        return heapKiB(process.pid());
    }

    /**
     * Asks any JVM for its heap with {@code jcmd <pid> GC.heap_info}.
     *
     * @param pid the JVM
     * @return used and committed heap in KiB
     * @throws IOException when jcmd cannot run or prints no heap line
     * @throws InterruptedException when interrupted
     */
    public static long[] heapKiB(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid),
                "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = HEAP_USED.matcher(out);
        if (!m.find()) {
            throw new IOException("jcmd " + pid + " GC.heap_info printed no heap line: " + out.strip());
        }
        return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(1))};
    }

    /**
     * Posts a JSON body.
     *
     * @param path the path, for example {@code /api/run}
     * @param json the body
     * @return the response body
     * @throws IOException when the request fails or the status is not 200
     * @throws InterruptedException when interrupted
     */
    public String post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * Gets a path.
     *
     * @param path the path
     * @return the response body
     * @throws IOException when the request fails or the status is not 200
     * @throws InterruptedException when interrupted
     */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Stops the server: SIGTERM, up to 15 s, then SIGKILL; idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Returns the file the server's output goes to. */
    public Path log() {
        return log;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** One GET over a raw socket (no client start-up cost); returns the status, or -1 while nobody listens. */
    static int rawStatus(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
        } catch (ConnectException e) {
            return -1;
        } catch (java.net.SocketException | NumberFormatException e) {
            // Accepted but reset or garbled while starting up: not ready yet.
            return -1;
        }
    }
}
