package dev.mcr.delivery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on 127.0.0.1 standing in for the Pushover API; replies are scripted per test. */
final class FakePushover implements AutoCloseable {

    /** One request as received. */
    record Request(String method, String path, String contentType, String rawBody, Map<String, String> form) {
    }

    /** How to answer one request. */
    interface Reply {
        void respond(HttpExchange exchange, Request request) throws IOException, InterruptedException;
    }

    static final String OK_BODY = "{\"status\":1,\"request\":\"647d2300-702c-4b38-8b2f-d56326ae460b\"}";

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Reply> scripted = new ConcurrentLinkedQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Reply fallback = status(200, OK_BODY);

    FakePushover() throws IOException {
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-pushover-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/1/messages.json");
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<String> messages() {
        List<String> out = new ArrayList<>();
        for (Request r : requests) {
            out.add(r.form().get("message"));
        }
        return out;
    }

    /** Answers every request not scripted with {@code next} this way. */
    void always(Reply reply) {
        fallback = reply;
    }

    /** Answers the next unscripted request this way (queued in order). */
    void next(Reply reply) {
        scripted.add(reply);
    }

    /** Lets every request held by {@link #blockUntilReleased()} proceed. */
    void release() {
        released.countDown();
    }

    static Reply status(int code, String body) {
        return (exchange, request) -> write(exchange, code, body);
    }

    /** Holds the request until {@link #release()} (or 30 s), then answers 200. */
    Reply blockUntilReleased() {
        return (exchange, request) -> {
            released.await(30, TimeUnit.SECONDS);
            write(exchange, 200, OK_BODY);
        };
    }

    /** An error answer that echoes the credentials back, decoded and raw, as a careless server might. */
    static Reply echoCredentials(int code) {
        return (exchange, request) -> write(exchange, code, "{\"token\":\"" + request.form().get("token")
                + "\",\"user\":\"" + request.form().get("user") + "\",\"body\":\"" + request.rawBody()
                + "\",\"errors\":[\"application token is invalid\"],\"status\":0}");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), raw, parseForm(raw));
            requests.add(request);
            Reply reply = scripted.poll();
            try {
                (reply == null ? fallback : reply).respond(exchange, request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Map<String, String> parseForm(String raw) {
        Map<String, String> form = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return form;
        }
        for (String pair : raw.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void write(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
