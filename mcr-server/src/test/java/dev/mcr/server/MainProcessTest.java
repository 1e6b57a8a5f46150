package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link Main} in its own JVM, the way the jar runs. */
class MainProcessTest {

    private static final Pattern URL = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/)");

    @TempDir
    Path dir;

    private Process launch(Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        pb.environment().keySet().removeIf(k -> k.startsWith("MULTI_COMMAND_RUNNER_") || k.startsWith("MAX_"));
        pb.environment().put("DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("PORT", "0");
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /** Collects stderr on a thread so the child never blocks on a full pipe. */
    private static List<String> drain(Process p) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // The child is gone.
            }
        }, "test-stderr");
        t.setDaemon(true);
        t.start();
        return lines;
    }

    @Test
    void an_unusable_variable_stops_the_start_with_one_clear_line_and_status_2() throws Exception {
        Process p = launch(Map.of("MAX_IMPORT_BYTES", "lots"));
        List<String> err = drain(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        ServerFixture.await(() -> String.join("\n", err).contains("MAX_IMPORT_BYTES"), "the error line");
        assertThat(String.join("\n", err))
                .contains("Environment variable MAX_IMPORT_BYTES must be a whole number, not 'lots'.")
                .doesNotContain("\tat ", "Exception");
    }

    @Test
    void the_server_starts_logs_its_url_and_kills_running_commands_when_stopped() throws Exception {
        Process p = launch(Map.of("MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "only-a-password"));
        try {
            List<String> err = drain(p);
            ServerFixture.await(() -> err.stream().anyMatch(l -> URL.matcher(l).find()), "the server to start");
            String info = err.stream().filter(l -> URL.matcher(l).find()).findFirst().orElseThrow();
            assertThat(info).contains("INFO", "auth=off", "key_source=file").doesNotContain("only-a-password");
            assertThat(String.join("\n", err)).contains("Incomplete auth config");
            Matcher m = URL.matcher(info);
            assertThat(m.find()).isTrue();
            URI base = URI.create(m.group(1));

            HttpClient http = HttpClient.newHttpClient();
            String state = "{\"runners\": [{\"id\": \"sleeper\", \"command\":"
                    + " \"sleep 301 & echo bg=$!; echo pid=$$; exec sleep 300\"}]}";
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/api/run"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\": " + state + ", \"runner_id\": \"sleeper\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            long[] pids = new long[2];
            ServerFixture.await(() -> {
                String tail = ServerFixture.json(send(http, base.resolve("/api/status"))).path("sleeper")
                        .path("tail").asText();
                Matcher bg = Pattern.compile("bg=(\\d+)").matcher(tail);
                Matcher pid = Pattern.compile("pid=(\\d+)").matcher(tail);
                if (bg.find() && pid.find()) {
                    pids[0] = Long.parseLong(bg.group(1));
                    pids[1] = Long.parseLong(pid.group(1));
                    return true;
                }
                return false;
            }, "the runner to print its pids");
            assertThat(alive(pids[0])).isTrue();
            assertThat(alive(pids[1])).isTrue();

            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            ServerFixture.await(() -> !alive(pids[0]) && !alive(pids[1]), "the commands to be killed");
        } finally {
            p.destroyForcibly();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String send(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "{}";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "{}";
        }
    }
}
