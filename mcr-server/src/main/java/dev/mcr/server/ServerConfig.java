package dev.mcr.server;

import dev.mcr.ImportLimits;
import dev.mcr.Mcr;
import dev.mcr.SaveLimits;
import dev.mcr.store.RunRetention;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's configuration, read from the environment like the original tool.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.fromEnv(System.getenv());
 * try (Mcr mcr = config.applyTo(Mcr.builder()).build();
 *      McrServer server = McrServer.start(mcr, config)) {
 *     System.out.println("Open " + server.url());
 * }
 * }</pre>
 *
 * <p>{@link #toString()} never shows the secret key or the password.
 *
 * @param host                      interface to listen on ({@code HOST}, default {@code 127.0.0.1})
 * @param port                      port to listen on, 0 picks a free one ({@code PORT}, default 8080)
 * @param dataDir                   the data folder ({@code DATA_DIR}, default {@code ./data}), absolute
 * @param secretKey                 credential key or passphrase ({@code MULTI_COMMAND_RUNNER_SECRET_KEY}), or
 *                                  {@code null} to use {@code DATA_DIR/.credentials.key}
 * @param authUser                  Basic auth user, {@code ""} when unset ({@code MULTI_COMMAND_RUNNER_AUTH_USER})
 * @param authPassword              Basic auth password, {@code ""} when unset
 *                                  ({@code MULTI_COMMAND_RUNNER_AUTH_PASSWORD})
 * @param pushoverUrl               Pushover endpoint, or {@code null} for the real one
 *                                  ({@code MULTI_COMMAND_RUNNER_PUSHOVER_URL})
 * @param maxImportBytes            largest import body, at least 16384 ({@code MAX_IMPORT_BYTES})
 * @param maxImportedRunners        most runners per import, at least 1 ({@code MAX_IMPORTED_RUNNERS})
 * @param maxTotalRunners           most runners after an import or any save (also the most groups and
 *                                  notification profiles), at least {@code maxImportedRunners}
 *                                  ({@code MAX_TOTAL_RUNNERS})
 * @param maxCasesPerRunner         most cases per runner on import and on every save, at least 1
 *                                  ({@code MAX_CASES_PER_RUNNER})
 * @param maxSseSubscribers         most event-stream clients at once, at least 1 ({@code MAX_SSE_SUBSCRIBERS})
 * @param maxOutputLinesPerRun      output lines kept per run, at least 200 ({@code MAX_OUTPUT_LINES_PER_RUN})
 * @param runtimeStatusSaveInterval least pause between two writes of {@code last_case}, at least 0.25 s
 *                                  ({@code RUNTIME_STATUS_SAVE_INTERVAL_S})
 * @param maxStateBytes             largest body of a request that saves a state, at least 65536
 *                                  ({@code MAX_STATE_BYTES}, default 4 MiB)
 * @param allowedHosts              host names (optionally with {@code :port}) answered besides localhost,
 *                                  127.0.0.1, [::1] and {@code HOST}; {@code *} answers any
 *                                  ({@code MCR_ALLOWED_HOSTS}, comma-separated)
 * @param maxLogBytes               size at which a runner's log file is rotated, at least 4096
 *                                  ({@code MAX_LOG_BYTES}, default 10 MiB)
 * @param maxLogFiles               rotated log files kept per runner besides the current one, 0 to 1000
 *                                  ({@code MAX_LOG_FILES}, default 5)
 * @param runRetention              how much run history is kept: runs per runner ({@code MCR_HISTORY_RUNS}, default
 *                                  1000), days ({@code MCR_HISTORY_DAYS}, default 90), bytes of output of all runs
 *                                  together ({@code MCR_HISTORY_OUTPUT_BYTES}, default 1 GiB)
 * @param metricsToken              a bearer token a scraper may send to {@code GET /metrics} instead of the API's
 *                                  credentials ({@code MCR_METRICS_TOKEN}), or {@code null}
 */
public record ServerConfig(String host, int port, Path dataDir, String secretKey, String authUser,
                           String authPassword, URI pushoverUrl, int maxImportBytes, int maxImportedRunners,
                           int maxTotalRunners, int maxCasesPerRunner, int maxSseSubscribers,
                           int maxOutputLinesPerRun, Duration runtimeStatusSaveInterval, int maxStateBytes,
                           List<String> allowedHosts, long maxLogBytes, int maxLogFiles, RunRetention runRetention,
                           String metricsToken) {

    /** Default interface: loopback only, because the tool runs shell commands for whoever reaches it. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port. */
    public static final int DEFAULT_PORT = 8080;
    /** Default data folder, relative to the working directory. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    /** Smallest accepted import limit in bytes (the original's floor). */
    public static final int MIN_IMPORT_BYTES = 16_384;
    /** Smallest accepted state body limit in bytes. */
    public static final int MIN_STATE_BYTES = 65_536;
    /** Default state body limit: 4 MiB. */
    public static final int DEFAULT_MAX_STATE_BYTES = SaveLimits.DEFAULT_MAX_STATE_BYTES;
    /** Smallest number of output lines kept per run (the original's floor). */
    public static final int MIN_OUTPUT_LINES_PER_RUN = 200;
    /** Smallest pause between two runtime-status writes (the original's floor). */
    public static final Duration MIN_RUNTIME_STATUS_SAVE_INTERVAL = Duration.ofMillis(250);
    /** Largest pause between two runtime-status writes; longer values (including infinity) are cut to this. */
    public static final Duration MAX_RUNTIME_STATUS_SAVE_INTERVAL = Duration.ofDays(1);

    /**
     * Events queued per event-stream client before that client loses events. The original's 7000 is too small
     * here: the engine publishes several million lines per second, so a client whose writer thread is not
     * scheduled for a few milliseconds on a busy host (2 cores shared with the runner, the command and the
     * client) would lose lines although it keeps up on average. Still bounded, by this count and by the
     * queued text (8 Mi characters, see {@code EventBus}); the queue grows only as far as it is used, and a
     * stuck client loses its own events and never slows a runner.
     */
    public static final int EVENT_QUEUE_CAPACITY = 131_072;

    /** Environment variable names. */
    static final String HOST = "HOST";
    static final String PORT = "PORT";
    static final String DATA_DIR = "DATA_DIR";
    static final String SECRET_KEY = "MULTI_COMMAND_RUNNER_SECRET_KEY";
    static final String AUTH_USER = "MULTI_COMMAND_RUNNER_AUTH_USER";
    static final String AUTH_PASSWORD = "MULTI_COMMAND_RUNNER_AUTH_PASSWORD";
    static final String PUSHOVER_URL = "MULTI_COMMAND_RUNNER_PUSHOVER_URL";
    static final String MAX_IMPORT_BYTES = "MAX_IMPORT_BYTES";
    static final String MAX_IMPORTED_RUNNERS = "MAX_IMPORTED_RUNNERS";
    static final String MAX_TOTAL_RUNNERS = "MAX_TOTAL_RUNNERS";
    static final String MAX_CASES_PER_RUNNER = "MAX_CASES_PER_RUNNER";
    static final String MAX_SSE_SUBSCRIBERS = "MAX_SSE_SUBSCRIBERS";
    static final String MAX_OUTPUT_LINES_PER_RUN = "MAX_OUTPUT_LINES_PER_RUN";
    static final String RUNTIME_STATUS_SAVE_INTERVAL_S = "RUNTIME_STATUS_SAVE_INTERVAL_S";
    static final String MAX_STATE_BYTES = "MAX_STATE_BYTES";
    static final String ALLOWED_HOSTS = "MCR_ALLOWED_HOSTS";
    static final String MAX_LOG_BYTES = "MAX_LOG_BYTES";
    static final String MAX_LOG_FILES = "MAX_LOG_FILES";
    static final String HISTORY_RUNS = "MCR_HISTORY_RUNS";
    static final String HISTORY_DAYS = "MCR_HISTORY_DAYS";
    static final String HISTORY_OUTPUT_BYTES = "MCR_HISTORY_OUTPUT_BYTES";
    static final String METRICS_TOKEN = "MCR_METRICS_TOKEN";

    /**
     * In-process listeners (tests, embedding code) share the event bus with the browsers; the server counts
     * its event-stream clients itself, so the bus gets this much room on top.
     */
    static final int EXTRA_BUS_SUBSCRIBERS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);
    private static final Pattern PY_INT = Pattern.compile("[+-]?\\d+(?:_\\d+)*");
    private static final Pattern PY_FLOAT = Pattern.compile(
            "[+-]?(?:\\d+(?:_\\d+)*(?:\\.(?:\\d+(?:_\\d+)*)?)?|\\.\\d+(?:_\\d+)*)(?:[eE][+-]?\\d+(?:_\\d+)*)?");
    private static final Pattern PY_FLOAT_WORD = Pattern.compile("[+-]?(?:inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

    /**
     * Validates the values: text values are trimmed, a blank secret key becomes {@code null}, blank auth values
     * {@code ""}; limits below the original's floors are refused.
     *
     * @param host see {@link #host()}
     * @param port see {@link #port()}
     * @param dataDir see {@link #dataDir()}
     * @param secretKey see {@link #secretKey()}
     * @param authUser see {@link #authUser()}
     * @param authPassword see {@link #authPassword()}
     * @param pushoverUrl see {@link #pushoverUrl()}
     * @param maxImportBytes see {@link #maxImportBytes()}
     * @param maxImportedRunners see {@link #maxImportedRunners()}
     * @param maxTotalRunners see {@link #maxTotalRunners()}
     * @param maxCasesPerRunner see {@link #maxCasesPerRunner()}
     * @param maxSseSubscribers see {@link #maxSseSubscribers()}
     * @param maxOutputLinesPerRun see {@link #maxOutputLinesPerRun()}
     * @param runtimeStatusSaveInterval see {@link #runtimeStatusSaveInterval()}
     * @param maxStateBytes see {@link #maxStateBytes()}
     * @param allowedHosts see {@link #allowedHosts()}
     * @param maxLogBytes see {@link #maxLogBytes()}
     * @param maxLogFiles see {@link #maxLogFiles()}
     * @throws IllegalArgumentException for a value out of range
     */
    public ServerConfig {
        host = host == null ? "" : host.strip();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty; use 127.0.0.1 to listen on this machine only.");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port + ".");
        }
        Objects.requireNonNull(dataDir, "dataDir");
        dataDir = dataDir.toAbsolutePath().normalize();
        secretKey = secretKey == null || secretKey.strip().isEmpty() ? null : secretKey.strip();
        authUser = authUser == null ? "" : authUser.strip();
        authPassword = authPassword == null ? "" : authPassword.strip();
        if (pushoverUrl != null) {
            checkHttpUrl(pushoverUrl, "pushoverUrl");
        }
        atLeast("maxImportBytes", maxImportBytes, MIN_IMPORT_BYTES);
        atLeast("maxImportedRunners", maxImportedRunners, 1);
        atLeast("maxTotalRunners", maxTotalRunners, maxImportedRunners);
        atLeast("maxCasesPerRunner", maxCasesPerRunner, 1);
        atLeast("maxSseSubscribers", maxSseSubscribers, 1);
        atLeast("maxOutputLinesPerRun", maxOutputLinesPerRun, MIN_OUTPUT_LINES_PER_RUN);
        Objects.requireNonNull(runtimeStatusSaveInterval, "runtimeStatusSaveInterval");
        if (runtimeStatusSaveInterval.compareTo(MIN_RUNTIME_STATUS_SAVE_INTERVAL) < 0
                || runtimeStatusSaveInterval.compareTo(MAX_RUNTIME_STATUS_SAVE_INTERVAL) > 0) {
            throw new IllegalArgumentException("runtimeStatusSaveInterval must be between 0.25 s and 1 day.");
        }
        atLeast("maxStateBytes", maxStateBytes, MIN_STATE_BYTES);
        allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream()
                .map(h -> h == null ? "" : h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        for (String h : allowedHosts) {
            if (!h.equals("*")) {
                HostCheck.parseEntry(h, "allowedHosts");
            }
        }
        if (maxLogBytes < Mcr.Builder.MIN_MAX_LOG_BYTES) {
            throw new IllegalArgumentException("maxLogBytes must be at least " + Mcr.Builder.MIN_MAX_LOG_BYTES
                    + ", not " + maxLogBytes + ".");
        }
        if (maxLogFiles < 0 || maxLogFiles > Mcr.Builder.MAX_MAX_LOG_FILES) {
            throw new IllegalArgumentException("maxLogFiles must be between 0 and " + Mcr.Builder.MAX_MAX_LOG_FILES
                    + ", not " + maxLogFiles + ".");
        }
        runRetention = runRetention == null ? RunRetention.DEFAULTS : runRetention;
        metricsToken = metricsToken == null || metricsToken.strip().isEmpty() ? null : metricsToken.strip();
    }

    /**
     * Returns the configuration of an empty environment: every default of the original tool.
     *
     * @return the defaults
     */
    public static ServerConfig defaults() {
        return fromEnv(Map.of());
    }

    /**
     * Reads the configuration from environment variables with the original tool's defaults and clamping
     * (for example {@code MAX_IMPORT_BYTES} below 16384 becomes 16384; {@code MAX_LOG_BYTES} below 4096 becomes
     * 4096, {@code MAX_LOG_FILES} is cut to 0..1000). Blank values count as unset. When
     * only one of the auth user and password is set, a warning is logged and Basic auth stays off.
     *
     * @param env the environment, usually {@code System.getenv()}
     * @return the configuration
     * @throws IllegalArgumentException naming the variable, when a value cannot be used (for example
     *                                  {@code PORT=http})
     */
    public static ServerConfig fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String host = text(env, HOST);
        int port = DEFAULT_PORT;
        if (text(env, PORT) != null) {
            port = integer(env, PORT, DEFAULT_PORT);
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Environment variable PORT must be between 0 and 65535, not "
                        + port + ".");
            }
        }
        Path dataDir = DEFAULT_DATA_DIR;
        String dir = text(env, DATA_DIR);
        if (dir != null) {
            try {
                dataDir = Path.of(dir);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("Environment variable DATA_DIR is not a usable path: "
                        + e.getReason() + ".");
            }
        }
        String user = text(env, AUTH_USER);
        String password = text(env, AUTH_PASSWORD);
        if ((user == null) != (password == null)) {
            LOG.warn("Incomplete auth config (MULTI_COMMAND_RUNNER_AUTH_USER/PASSWORD). Basic auth is disabled.");
            user = null;
            password = null;
        }
        URI pushover = null;
        String pushoverText = text(env, PUSHOVER_URL);
        if (pushoverText != null) {
            try {
                pushover = new URI(pushoverText);
                checkHttpUrl(pushover, PUSHOVER_URL);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Environment variable " + PUSHOVER_URL
                        + " must be an absolute http or https URL.");
            }
        }
        int importBytes = Math.max(MIN_IMPORT_BYTES, integer(env, MAX_IMPORT_BYTES, 1_048_576));
        int importedRunners = Math.max(1, integer(env, MAX_IMPORTED_RUNNERS, 100));
        int totalRunners = Math.max(importedRunners, integer(env, MAX_TOTAL_RUNNERS, 500));
        int cases = Math.max(1, integer(env, MAX_CASES_PER_RUNNER, 200));
        int sse = Math.max(1, integer(env, MAX_SSE_SUBSCRIBERS, 100));
        int lines = Math.max(MIN_OUTPUT_LINES_PER_RUN, integer(env, MAX_OUTPUT_LINES_PER_RUN, 5000));
        Duration interval = seconds(env, RUNTIME_STATUS_SAVE_INTERVAL_S, 1.0);
        long logBytes = Math.max(Mcr.Builder.MIN_MAX_LOG_BYTES,
                longInteger(env, MAX_LOG_BYTES, Mcr.Builder.DEFAULT_MAX_LOG_BYTES));
        int logFiles = Math.min(Mcr.Builder.MAX_MAX_LOG_FILES,
                Math.max(0, integer(env, MAX_LOG_FILES, Mcr.Builder.DEFAULT_MAX_LOG_FILES)));
        int stateBytes = Math.max(MIN_STATE_BYTES, integer(env, MAX_STATE_BYTES, DEFAULT_MAX_STATE_BYTES));
        List<String> allowed = new ArrayList<>();
        String hosts = text(env, ALLOWED_HOSTS);
        if (hosts != null) {
            for (String h : hosts.split(",")) {
                String entry = h.strip().toLowerCase(Locale.ROOT);
                if (entry.isEmpty()) {
                    continue;
                }
                if (!entry.equals("*")) {
                    HostCheck.parseEntry(entry, ALLOWED_HOSTS);
                }
                allowed.add(entry);
            }
        }
        RunRetention history = new RunRetention(
                Math.max(1, integer(env, HISTORY_RUNS, RunRetention.DEFAULTS.maxRunsPerRunner())),
                Duration.ofDays(Math.max(1, integer(env, HISTORY_DAYS, (int) RunRetention.DEFAULTS.maxAge().toDays()))),
                Math.max(0, longInteger(env, HISTORY_OUTPUT_BYTES, RunRetention.DEFAULTS.maxOutputBytes())));
        return new ServerConfig(host == null ? DEFAULT_HOST : host, port, dataDir, text(env, SECRET_KEY), user,
                password, pushover, importBytes, importedRunners, totalRunners, cases, sse, lines, interval,
                stateBytes, allowed, logBytes, logFiles, history, text(env, METRICS_TOKEN));
    }

    /**
     * Returns whether Basic auth is on: both user and password are non-empty.
     *
     * @return true when requests need credentials
     */
    public boolean authEnabled() {
        return !authUser.isEmpty() && !authPassword.isEmpty();
    }

    /**
     * Returns where the credential key comes from.
     *
     * @return {@code "env"} or {@code "file"} ({@code DATA_DIR/.credentials.key})
     */
    public String keySource() {
        return secretKey != null ? "env" : "file";
    }

    /**
     * Copies the settings that belong to the core into an {@link Mcr} builder: data folder, credential key,
     * Pushover endpoint, output buffer, runtime-status interval, import limits, log rotation, event-subscriber
     * room and the per-client event queue ({@link #EVENT_QUEUE_CAPACITY}).
     *
     * @param builder the builder
     * @return the same builder
     */
    public Mcr.Builder applyTo(Mcr.Builder builder) {
        builder.dataDir(dataDir)
                .maxOutputLines(maxOutputLinesPerRun)
                .runtimeStatusSaveInterval(runtimeStatusSaveInterval)
                .importLimits(new ImportLimits(maxImportBytes, maxImportedRunners, maxTotalRunners, maxCasesPerRunner))
                .maxStateBytes(maxStateBytes)
                .maxLogBytes(maxLogBytes)
                .maxLogFiles(maxLogFiles)
                .runRetention(runRetention)
                .maxSubscribers(saturatedAdd(maxSseSubscribers, EXTRA_BUS_SUBSCRIBERS))
                .eventQueueCapacity(EVENT_QUEUE_CAPACITY);
        if (secretKey != null) {
            builder.secretKey(secretKey);
        }
        if (pushoverUrl != null) {
            builder.pushoverUrl(pushoverUrl);
        }
        return builder;
    }

    /**
     * Returns the effective settings without secrets: auth on/off and the key source instead of values.
     *
     * @return one line for the log
     */
    @Override
    public String toString() {
        return "host=" + host + ", port=" + port + ", data_dir=" + dataDir
                + ", auth=" + (authEnabled() ? "on" : "off")
                + ", key_source=" + (secretKey != null ? "env" : "file " + dataDir.resolve(".credentials.key"))
                + ", pushover_url=" + (pushoverUrl == null ? "default" : withoutUserInfo(pushoverUrl))
                + ", max_import_bytes=" + maxImportBytes + ", max_imported_runners=" + maxImportedRunners
                + ", max_total_runners=" + maxTotalRunners + ", max_cases_per_runner=" + maxCasesPerRunner
                + ", max_sse_subscribers=" + maxSseSubscribers + ", max_output_lines_per_run=" + maxOutputLinesPerRun
                + ", runtime_status_save_interval_s=" + runtimeStatusSaveInterval.toMillis() / 1000.0
                + ", max_state_bytes=" + maxStateBytes
                + ", allowed_hosts=" + (allowedHosts.isEmpty() ? "-" : String.join(",", allowedHosts))
                + ", max_log_bytes=" + maxLogBytes + ", max_log_files=" + maxLogFiles
                + ", history_runs=" + runRetention.maxRunsPerRunner() + ", history_days=" + runRetention.maxAge().toDays()
                + ", history_output_bytes=" + runRetention.maxOutputBytes()
                + ", metrics_token=" + (metricsToken == null ? "off" : "set");
    }

    // ------------------------------------------------------------------------------------- parsing

    private static String text(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.strip().isEmpty() ? null : v.strip();
    }

    /** Parses a whole number the way Python's {@code int()} does (signs, underscores, surrounding blanks). */
    private static int integer(Map<String, String> env, String name, int fallback) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longInteger(env, name, fallback)));
    }

    /** Like {@link #integer}, saturating at the bounds of {@code long}. */
    private static long longInteger(Map<String, String> env, String name, long fallback) {
        String v = text(env, name);
        if (v == null) {
            return fallback;
        }
        if (!PY_INT.matcher(v).matches()) {
            throw new IllegalArgumentException("Environment variable " + name + " must be a whole number, not '"
                    + shorten(v) + "'.");
        }
        BigInteger n = new BigInteger(v.replace("_", ""));
        if (n.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
            return Long.MAX_VALUE;
        }
        if (n.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) < 0) {
            return Long.MIN_VALUE;
        }
        return n.longValue();
    }

    /** Parses seconds the way Python's {@code float()} does, then applies {@code max(0.25, v)} and a one-day cap. */
    private static Duration seconds(Map<String, String> env, String name, double fallback) {
        String v = text(env, name);
        double s = fallback;
        if (v != null) {
            if (PY_FLOAT_WORD.matcher(v).matches()) {
                String w = v.toLowerCase(Locale.ROOT);
                s = w.endsWith("nan") ? Double.NaN : w.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            } else if (PY_FLOAT.matcher(v).matches()) {
                s = Double.parseDouble(v.replace("_", ""));
            } else {
                throw new IllegalArgumentException("Environment variable " + name + " must be a number of seconds, not '"
                        + shorten(v) + "'.");
            }
        }
        double min = MIN_RUNTIME_STATUS_SAVE_INTERVAL.toMillis() / 1000.0;
        double max = MAX_RUNTIME_STATUS_SAVE_INTERVAL.toSeconds();
        // Python's max(0.25, nan) is 0.25: NaN never compares greater.
        if (Double.isNaN(s) || s < min) {
            s = min;
        }
        if (s > max) {
            s = max;
        }
        return Duration.ofNanos(Math.round(s * 1_000_000_000.0));
    }

    private static void checkHttpUrl(URI uri, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an absolute http or https URL.");
        }
    }

    private static void atLeast(String what, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", not " + value + ".");
        }
    }

    private static int saturatedAdd(int a, int b) {
        long sum = (long) a + b;
        return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
    }

    private static String shorten(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "…";
    }

    private static String withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://" + uri.getHost();
        }
    }
}
