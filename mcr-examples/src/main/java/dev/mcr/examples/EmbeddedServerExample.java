package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.server.McrServer;
import dev.mcr.server.ServerConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Embeds the HTTP server (API, event stream and web UI) in a program that owns the {@link Mcr}, with
 * a custom notification channel, then drives it over HTTP like the web UI would.
 */
public final class EmbeddedServerExample {

    private EmbeddedServerExample() {
    }

    /** What the example observed. */
    public record Result(int port, int runStatus, List<String> notifications, String status) {
    }

    /**
     * Runs the example.
     *
     * @param dataDir data folder
     * @param port    port to listen on, 0 for a free one
     * @param out     where progress is printed
     * @return what happened
     * @throws Exception when interrupted or the server cannot start
     */
    public static Result run(Path dataDir, int port, PrintStream out) throws Exception {
        ConsoleNotifier console = new ConsoleNotifier(out);
        ServerConfig config = ServerConfig.fromEnv(Map.of("PORT", Integer.toString(port),
                "DATA_DIR", dataDir.toString()));
        try (Mcr mcr = config.applyTo(Mcr.builder()).seedDemo(false).notifier(console).build();
             McrServer server = McrServer.start(mcr, config)) {
            out.println("mcr listening on " + server.url());
            mcr.saveProfile(ConsoleNotifier.profile("console", "Console"));
            mcr.saveRunner(Runner.builder("uptime").name("Uptime")
                    .command("echo \"load: $(cut -d' ' -f1 /proc/loadavg)\"")
                    .onMatch("load: (?P<load>[0-9.]+)", CaseState.INFO, "load is {load}")
                    .notify("console")
                    .build());

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> run = http.send(HttpRequest.newBuilder(server.url().resolve("/api/run"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"runner_id\": \"uptime\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (console.sent().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String status = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return new Result(server.port(), run.statusCode(), console.sent(), status);
        }
    }

    /**
     * Entry point: serves until the program is stopped when given a port, else runs once on a free port.
     *
     * @param args optional data folder
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mcr-embedded");
        Result r = run(dir, 0, System.out);
        System.out.println("POST /api/run -> " + r.runStatus() + ", notifications: " + r.notifications());
    }
}
