package dev.mcr;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real HTTP server on 127.0.0.1 standing in for Pushover: accepts every message and keeps its decoded form. */
final class LocalPushover implements AutoCloseable {

    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    LocalPushover() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/1/messages.json", ex -> {
            bodies.add(URLDecoder.decode(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            byte[] ok = "{\"status\":1,\"request\":\"r1\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        server.start();
    }

    /** The messages URL to pass to {@code Mcr.builder().pushoverUrl(...)}. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/1/messages.json");
    }

    /** The decoded form bodies received so far, oldest first (live view). */
    List<String> bodies() {
        return bodies;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
