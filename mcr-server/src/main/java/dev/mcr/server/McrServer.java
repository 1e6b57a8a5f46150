package dev.mcr.server;

import dev.mcr.Mcr;
import dev.mcr.error.McrException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Every request passes the same checks before its route: its Host must name this server (421), a browser
 * request from another origin is refused (403), credentials when auth is on (401), and a request that changes
 * something must send JSON (415); once users exist, a session, token or Basic auth with the role the route needs
 * (401/403, see {@code RouteTable}). Every answer carries the security headers (CSP, no framing). Requests are
 * served in a fixed number of slots on named threads ({@code mcr-http-N}); event streams have their own limit.
 * {@link #close()} stops the server but never the {@link Mcr} it was given.
 */
public final class McrServer implements AutoCloseable {

    /** Connections served at once besides the event-stream clients. */
    static final int REQUEST_THREADS = 64;
    /** Quiet time after which an event-stream client gets a ping. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** How long a whole request head may take (a slow-loris head is cut off after it). */
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    /** How long a keep-alive connection may wait for its next request. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a whole request body may take. */
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);

    private final HttpAdapter adapter;
    private final EventStreams events;
    private final Metrics metrics;
    private final URI url;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AuditPruning pruning;

    private McrServer(HttpAdapter adapter, EventStreams events, Metrics metrics, URI url, AuditPruning pruning) {
        this.metrics = metrics;
        this.adapter = adapter;
        this.events = events;
        this.url = url;
        this.pruning = pruning;
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

    /**
     * Starts serving like {@link #start(Mcr, ServerConfig)}, with the reverse proxies whose forwarded client address
     * is believed and whether the session cookie is always {@code Secure} read from the environment
     * ({@code MCR_TRUSTED_PROXIES}, {@code MCR_COOKIE_SECURE=1}).
     *
     * @param mcr    the instance to serve
     * @param config the configuration
     * @param env    the environment, usually {@code System.getenv()}
     * @return the running server
     */
    public static McrServer start(Mcr mcr, ServerConfig config, java.util.Map<String, String> env) {
        return start(mcr, config, Options.DEFAULTS.withAccess(AccessSettings.fromEnv(env)));
    }

    static McrServer start(Mcr mcr, ServerConfig config, Options options) {
        Objects.requireNonNull(mcr, "mcr");
        Objects.requireNonNull(config, "config");
        StaticAssets assets = new StaticAssets(McrServer.class.getClassLoader(), options.staticRoot());
        EventStreams events = new EventStreams(mcr, config.maxSseSubscribers(), options.heartbeat());
        List<BeforeHandler> before = new ArrayList<>();
        before.add(HostCheck.of(config.host(), config.allowedHosts()));
        before.add(new OriginCheck());
        Metrics metrics = new Metrics(mcr, events::count, config.metricsToken());
        AccessGate gate = new AccessGate(mcr.access(), config.authEnabled()
                ? new BasicAuth(config.authUser(), config.authPassword()) : null, config.authUser());
        ApiRoutes routes = new ApiRoutes(mcr, before, gate, options.access(), assets, events, config.maxStateBytes(),
                config.maxImportBytes(), metrics);
        HttpAdapter adapter = new HttpAdapter(config.host(), config.port(), options.limits(),
                SecurityHeaders.of(assets.inlineScriptHashes()), routes);
        try {
            adapter.listen();
        } catch (IOException e) {
            adapter.shutdown();
            metrics.close();
            throw new McrException("Cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage() + ".", e);
        }
        return new McrServer(adapter, events, metrics, url(config.host(), adapter.port()),
                AuditPruning.start(mcr.access()));
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
            pruning.close();
            metrics.close();
        }
    }

    /**
     * Settings tests change.
     *
     * @param heartbeat  quiet time before an event-stream ping
     * @param limits     request slots and connection timeouts
     * @param staticRoot classpath folder of the UI files
     * @param access     trusted proxies and the session cookie's Secure flag
     */
    record Options(Duration heartbeat, HttpAdapter.Limits limits, String staticRoot, AccessSettings access) {
        static final Options DEFAULTS = new Options(HEARTBEAT,
                new HttpAdapter.Limits(REQUEST_THREADS, HEAD_TIMEOUT, IDLE_TIMEOUT, BODY_TIMEOUT), "static/",
                AccessSettings.DEFAULTS);

        Options withHeartbeat(Duration d) {
            return new Options(d, limits, staticRoot, access);
        }

        Options withRequestThreads(int n) {
            return new Options(heartbeat, new HttpAdapter.Limits(n, limits.headTimeout(), limits.idleTimeout(),
                    limits.bodyTimeout()), staticRoot, access);
        }

        /** Sets the head, idle and body timeouts at once. */
        Options withTimeouts(Duration head, Duration idle, Duration body) {
            return new Options(heartbeat, new HttpAdapter.Limits(limits.requestSlots(), head, idle, body), staticRoot,
                    access);
        }

        Options withStaticRoot(String root) {
            return new Options(heartbeat, limits, root, access);
        }

        Options withAccess(AccessSettings settings) {
            return new Options(heartbeat, limits, staticRoot, settings);
        }
    }
}
