package dev.mcr.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the original tool's page (its {@code templates/index.html} and {@code static/} from a checkout) and
 * forwards every {@code /api/} request to mcr's server, the event stream as a stream: the original's page then
 * drives mcr's server from the same origin, as it would drive its own. Nothing of the original is copied into
 * this repository; the checkout is named on the command line.
 */
final class OriginalPageProxy implements AutoCloseable {

    private static final List<String> FORWARDED_HEADERS = List.of("Content-Type", "Accept", "Last-Event-ID");

    private final Path checkout;
    private final int target;
    private final HttpServer server;
    private final ExecutorService pool;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private OriginalPageProxy(Path checkout, int target) throws IOException {
        this.checkout = checkout;
        this.target = target;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "original-page-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts the proxy on a free loopback port.
     *
     * @param checkout   the original's checkout (with {@code templates/index.html} and {@code static/})
     * @param targetPort mcr's server port on 127.0.0.1
     * @return the running proxy
     * @throws IOException when the checkout lacks the page or the port cannot be bound
     */
    static OriginalPageProxy start(Path checkout, int targetPort) throws IOException {
        if (!Files.isRegularFile(checkout.resolve("templates/index.html")) || !Files.isDirectory(checkout.resolve("static"))) {
            throw new IOException(checkout.toAbsolutePath() + " is no checkout of the original: templates/index.html or "
                    + "static/ is missing.");
        }
        return new OriginalPageProxy(checkout, targetPort);
    }

    /** Returns the page's address. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/api/")) {
                forward(ex);
            } else if (path.equals("/")) {
                // The two Jinja placeholders of the original's template; nothing else is rendered on the server.
                String html = Files.readString(checkout.resolve("templates/index.html"))
                        .replace("{{ asset_version }}", "bench").replace("{{ app_version }}", "original");
                send(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/static/") && !path.contains("..")) {
                Path file = checkout.resolve(path.substring(1));
                if (!Files.isRegularFile(file)) {
                    send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                String type = path.endsWith(".js") ? "text/javascript" : path.endsWith(".css") ? "text/css"
                        : "application/octet-stream";
                send(ex, 200, type, Files.readAllBytes(file));
            } else {
                send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void forward(HttpExchange ex) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + target + ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
        byte[] body = ex.getRequestBody().readAllBytes();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(ex.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        // No Origin: the page is same-origin with the proxy, and mcr refuses an Origin that is not its own.
        for (String h : FORWARDED_HEADERS) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while forwarding " + uri + ".", e);
        }
        r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
        r.headers().firstValue("Cache-Control").ifPresent(v -> ex.getResponseHeaders().set("Cache-Control", v));
        boolean stream = uri.getPath().equals("/api/events");
        try (InputStream in = r.body()) {
            if (!stream) {
                byte[] bytes = in.readAllBytes();
                ex.sendResponseHeaders(r.statusCode(), bytes.length == 0 ? -1 : bytes.length);
                ex.getResponseBody().write(bytes);
                return;
            }
            ex.sendResponseHeaders(r.statusCode(), 0);
            OutputStream out = ex.getResponseBody();
            byte[] buf = new byte[64 * 1024];
            for (int k = in.read(buf); k >= 0; k = in.read(buf)) {
                out.write(buf, 0, k);
                out.flush();
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
    }

    /** Stops serving and ends the open streams; idempotent. */
    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
