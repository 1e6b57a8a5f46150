package dev.mcr.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP server on 127.0.0.1 standing in for Pushover: accepts every message and keeps its form body. A test
 * holds it as a {@code @RegisterExtension} field (a new one per test, stopped after it).
 */
final class LocalPushover implements AutoCloseable, AfterEachCallback {

    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    LocalPushover() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] ok = "{\"status\":1,\"request\":\"r1\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        server.start();
    }

    /** The messages URL, for {@code MULTI_COMMAND_RUNNER_PUSHOVER_URL}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/1/messages.json";
    }

    /** The form bodies received so far, as sent (live view). */
    List<String> bodies() {
        return bodies;
    }

    /** The decoded {@code message} field of every message received so far, oldest first. */
    List<String> messages() {
        return bodies.stream().map(b -> URLDecoder.decode(b.replaceAll("(?s).*message=([^&]*).*", "$1"),
                StandardCharsets.UTF_8)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }
}
