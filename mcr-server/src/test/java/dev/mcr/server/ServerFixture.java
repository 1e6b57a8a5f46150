package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.Mcr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A real {@link Mcr} on a temp folder behind a real {@link McrServer} on a free port, and a client. */
final class ServerFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Mcr mcr;
    final McrServer server;
    final ServerConfig config;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerFixture(Mcr mcr, McrServer server, ServerConfig config) {
        this.mcr = mcr;
        this.server = server;
        this.config = config;
    }

    static ServerFixture start(Path dataDir) {
        return start(dataDir, Map.of(), McrServer.Options.DEFAULTS);
    }

    static ServerFixture start(Path dataDir, Map<String, String> env) {
        return start(dataDir, env, McrServer.Options.DEFAULTS);
    }

    static ServerFixture start(Path dataDir, Map<String, String> env, McrServer.Options options) {
        Map<String, String> all = new HashMap<>(env);
        all.put("DATA_DIR", dataDir.toString());
        all.put("PORT", "0");
        ServerConfig config = ServerConfig.fromEnv(all);
        Mcr mcr = config.applyTo(Mcr.builder()).seedDemo(false).build();
        try {
            return new ServerFixture(mcr, McrServer.start(mcr, config, options), config);
        } catch (RuntimeException e) {
            mcr.close();
            throw e;
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> put(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Saves a state through the API and fails when that does not work. */
    void saveState(String json) {
        HttpResponse<String> r = post("/api/state", json);
        if (r.statusCode() != 200) {
            throw new AssertionError("Saving the state failed: " + r.statusCode() + " " + r.body());
        }
    }

    JsonNode status(String runnerId) {
        return json(get("/api/status").body()).path(runnerId);
    }

    /** Waits until a runner has run and is neither running nor scheduled. */
    JsonNode awaitFinished(String runnerId) {
        await(() -> {
            JsonNode s = status(runnerId);
            return s.isObject() && !s.path("running").asBoolean() && !s.path("scheduled").asBoolean()
                    && !s.path("last_exit_code").isNull() && !s.path("last_exit_code").isMissingNode();
        }, "runner " + runnerId + " to finish");
        return status(runnerId);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    /** Polls a condition with a deadline of 20 s. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what + ".");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what + ".");
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            mcr.close();
        }
    }
}
