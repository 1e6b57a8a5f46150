package dev.mcr.server;

import dev.mcr.Mcr;
import dev.mcr.McrException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP server of the original tool around an {@link Mcr}: JSON API, live event stream, Basic auth and
 * the web UI.
 *
 * <pre>{@code
 * try (Mcr mcr = Mcr.builder().dataDir(Path.of("data")).build();
 *      McrServer server = McrServer.start(mcr, ServerConfig.defaults())) {
 *     System.out.println("Open " + server.url());
 *     ...
 * }
 * }</pre>
 *
 * <p>Requests are served by a fixed pool of named threads ({@code mcr-http-N}); when it is full, new
 * connections get 503. {@link #close()} stops the server but never the {@link Mcr} it was given.
 */
public final class McrServer implements AutoCloseable {

    /** Connections served at once besides the event-stream clients. */
    static final int REQUEST_THREADS = 32;
    /** Quiet time after which an event-stream client gets a ping. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** How long a connection may stay silent while a request is read. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** Smallest limit of JSON request bodies (the state can be larger than one import). */
    static final int MIN_JSON_BODY_BYTES = 4 * 1024 * 1024;
    /** The thread pool never grows beyond this many event-stream threads, whatever the client limit says. */
    private static final int MAX_STREAM_THREADS = 10_000;

    private final HttpAdapter adapter;
    private final EventStreams events;
    private final URI url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private McrServer(HttpAdapter adapter, EventStreams events, URI url) {
        this.adapter = adapter;
        this.events = events;
        this.url = url;
    }

    /**
     * Starts serving an existing {@link Mcr} on {@code config.host()} and {@code config.port()} (0 picks a free
     * port). Uses the server settings of the configuration (address, auth, event-stream clients, import body
     * limit); the core settings are the ones {@code mcr} was built with (see {@link ServerConfig#applyTo}).
     *
     * @param mcr    the instance to serve; it stays open when the server closes
     * @param config the configuration
     * @return the running server
     * @throws McrException when the address cannot be bound, with the reason
     */
    public static McrServer start(Mcr mcr, ServerConfig config) {
        return start(mcr, config, Options.DEFAULTS);
    }

    static McrServer start(Mcr mcr, ServerConfig config, Options options) {
        Objects.requireNonNull(mcr, "mcr");
        Objects.requireNonNull(config, "config");
        BasicAuth auth = config.authEnabled() ? new BasicAuth(config.authUser(), config.authPassword()) : null;
        StaticAssets assets = new StaticAssets(McrServer.class.getClassLoader(), options.staticRoot());
        EventStreams events = new EventStreams(mcr, config.maxSseSubscribers(), options.heartbeat());
        int maxJson = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(MIN_JSON_BODY_BYTES, 2L * config.maxImportBytes()));
        ApiRoutes routes = new ApiRoutes(mcr, auth, assets, events, maxJson, config.maxImportBytes());
        int threads = options.requestThreads() + Math.min(config.maxSseSubscribers(), MAX_STREAM_THREADS);
        HttpAdapter adapter = new HttpAdapter(config.host(), config.port(), threads, routes);
        try {
            adapter.listen(options.readTimeout());
        } catch (IOException e) {
            adapter.shutdown();
            throw new McrException("Cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage() + ".", e);
        }
        return new McrServer(adapter, events, url(config.host(), adapter.port()));
    }

    private static URI url(String host, int port) {
        String h = host;
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            h = "127.0.0.1";
        } else if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return URI.create("http://" + h + ":" + port + "/");
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port; the one chosen when the configuration said 0
     */
    public int port() {
        return adapter.port();
    }

    /**
     * Returns the URL to open in a browser.
     *
     * @return for example {@code http://127.0.0.1:8080/}
     */
    public URI url() {
        return url;
    }

    /** Returns how many event-stream clients are connected. */
    int openEventStreams() {
        return events.count();
    }

    /**
     * Stops accepting connections, ends every event stream and closes every connection; idempotent. The
     * {@link Mcr} stays open.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            events.closeAll();
            adapter.shutdown();
        }
    }

    /**
     * Settings tests change.
     *
     * @param heartbeat      quiet time before an event-stream ping
     * @param requestThreads connections served at once besides event streams
     * @param readTimeout    how long a connection may stay silent while a request is read
     * @param staticRoot     classpath folder of the UI files
     */
    record Options(Duration heartbeat, int requestThreads, Duration readTimeout, String staticRoot) {
        static final Options DEFAULTS = new Options(HEARTBEAT, REQUEST_THREADS, READ_TIMEOUT, "static/");

        Options withHeartbeat(Duration d) {
            return new Options(d, requestThreads, readTimeout, staticRoot);
        }

        Options withRequestThreads(int n) {
            return new Options(heartbeat, n, readTimeout, staticRoot);
        }

        Options withReadTimeout(Duration d) {
            return new Options(heartbeat, requestThreads, d, staticRoot);
        }

        Options withStaticRoot(String root) {
            return new Options(heartbeat, requestThreads, readTimeout, root);
        }
    }
}
