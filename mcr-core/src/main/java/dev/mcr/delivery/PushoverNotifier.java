package dev.mcr.delivery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.ConfigField;
import dev.mcr.notify.Notifier;
import dev.mcr.notify.NotifyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers messages through the Pushover API ({@value NotifyProfile#TYPE_PUSHOVER} profiles), exactly as
 * the original tool did: an HTTP form POST of {@code token}, {@code user}, {@code message} and
 * {@code title}.
 *
 * <p>The message is trimmed and cut to {@value #MAX_MESSAGE_CHARS} characters (Unicode code points, as
 * Python counts them); the title is sent as given. A 2xx answer returns the parsed JSON body (or
 * {@code {"raw": body}} when it is not a JSON object); anything else throws a {@link NotifyException}
 * whose text follows the original ({@code "HTTP 400: <body>"}, {@code "Network error: …"}, a timeout
 * text) with the user key and API token replaced by {@code ***}, also where the server echoes them.
 *
 * <p>One instance holds one {@link HttpClient}, built at the first {@link #send} (building one initialises TLS,
 * which costs more than a hundred milliseconds of start-up), and may be used from several threads.
 *
 * <pre>{@code
 * Notifier pushover = new PushoverNotifier(PushoverNotifier.DEFAULT_ENDPOINT);
 * }</pre>
 */
public final class PushoverNotifier implements Notifier {

    /** The public Pushover messages endpoint. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://api.pushover.net/1/messages.json");
    /** Default connect and response timeout, as in the original. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(12);
    /** Longest message sent, in characters (code points); longer ones are cut. */
    public static final int MAX_MESSAGE_CHARS = 1024;

    /** Response bytes kept; a larger body is cut, so a misbehaving server cannot exhaust memory. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** Extra time allowed for reading the body after the client's own timeout. */
    private static final Duration BODY_SLACK = Duration.ofMillis(500);

    private final URI endpoint;
    private final Duration timeout;
    /** Built at the first send: building one loads TLS (~135 ms), and most servers never send. */
    private final ChannelHttp.LazyClient client;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Creates a notifier with the {@linkplain #DEFAULT_TIMEOUT default timeout}.
     *
     * @param endpoint the messages URL, {@link #DEFAULT_ENDPOINT} or a local stand-in for tests
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL
     */
    public PushoverNotifier(URI endpoint) {
        this(endpoint, DEFAULT_TIMEOUT);
    }

    /**
     * Creates a notifier.
     *
     * @param endpoint the messages URL, {@link #DEFAULT_ENDPOINT} or a local stand-in for tests
     * @param timeout  how long connecting and waiting for the answer may take; positive
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL or the timeout is not positive
     */
    public PushoverNotifier(URI endpoint, Duration timeout) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("The Pushover endpoint must be an absolute http or https URL, not '"
                    + endpoint + "'.");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The Pushover timeout must be positive, not " + timeout + ".");
        }
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.client = new ChannelHttp.LazyClient(timeout);
    }

    /** Returns the client, building it on first use; safe from several threads (one client is built). */
    private HttpClient client() {
        return client.get();
    }

    /** Returns {@code "Pushover"}. */
    @Override
    public String label() {
        return "Pushover";
    }

    /**
     * Declares the user key and the API token, both secret. Neither is required on a save: the original client
     * stores a new service empty and fills it later; a profile without them is skipped as not configured.
     */
    @Override
    public List<ConfigField> fields() {
        return List.of(ConfigField.secret(NotifyProfile.USER_KEY, "User key"),
                ConfigField.secret(NotifyProfile.API_TOKEN, "API token"));
    }

    /** Returns whether the HTTP client has been built (for tests: construction alone must not build it). */
    boolean clientBuilt() {
        return client.built();
    }

    /** Returns {@value NotifyProfile#TYPE_PUSHOVER}. */
    @Override
    public String type() {
        return NotifyProfile.TYPE_PUSHOVER;
    }

    /**
     * Returns whether the profile has a non-blank {@code user_key} and {@code api_token}.
     *
     * @param profile the profile (secrets in clear)
     * @return true when a delivery can be attempted
     */
    @Override
    public boolean isConfigured(NotifyProfile profile) {
        return profile != null
                && !profile.configValue(NotifyProfile.USER_KEY).isBlank()
                && !profile.configValue(NotifyProfile.API_TOKEN).isBlank();
    }

    /**
     * Posts one message to Pushover and waits for the answer (at most the timeout, plus a little for the body).
     *
     * @param profile the profile (secrets in clear)
     * @param title   the title, sent as is ({@code null} means empty)
     * @param message the text; trimmed and cut to {@value #MAX_MESSAGE_CHARS} characters
     * @return the parsed JSON answer, or {@code {"raw": body}} when it is not a JSON object
     * @throws NotifyException {@code "Missing pushover_user_key or pushover_api_token"}, {@code "Empty message"},
     *                         {@code "HTTP <code>: <body>"}, {@code "Network error: …"}, a timeout, or an
     *                         interruption (the interrupt flag is then set again); never containing a secret
     */
    @Override
    public Map<String, Object> send(NotifyProfile profile, String title, String message) throws NotifyException {
        Objects.requireNonNull(profile, "profile");
        String userKey = profile.configValue(NotifyProfile.USER_KEY);
        String apiToken = profile.configValue(NotifyProfile.API_TOKEN);
        if (userKey.isBlank() || apiToken.isBlank()) {
            throw new NotifyException("Missing pushover_user_key or pushover_api_token");
        }
        List<String> secrets = List.of(userKey, apiToken);
        String text = clamp(message == null ? "" : message.strip());
        if (text.isEmpty()) {
            throw new NotifyException("Empty message");
        }
        String form = field("token", apiToken.strip()) + "&" + field("user", userKey.strip())
                + "&" + field("message", text) + "&" + field("title", title == null ? "" : title);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();

        CompletableFuture<HttpResponse<byte[]>> pending = client().sendAsync(request, info -> new LimitedBody(MAX_BODY_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = pending.get(timeout.plus(BODY_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new NotifyException("Sending to Pushover was interrupted.");
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new NotifyException(readTimeoutText());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new NotifyException(Secrets.scrub(describe(cause), secrets), cause);
        }

        String body = Secrets.scrub(new String(response.body(), StandardCharsets.UTF_8), secrets);
        int code = response.statusCode();
        if (code < 200 || code > 299) {
            throw new NotifyException("HTTP " + code + ": " + body);
        }
        return parse(body);
    }

    /** Cuts to {@link #MAX_MESSAGE_CHARS} code points, never inside a surrogate pair. */
    static String clamp(String text) {
        if (text.codePointCount(0, text.length()) <= MAX_MESSAGE_CHARS) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, MAX_MESSAGE_CHARS));
    }

    private static String field(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Map<String, Object> parse(String body) {
        try {
            Object value = json.readValue(body, Object.class);
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> result = new LinkedHashMap<>();
                map.forEach((k, v) -> result.put(String.valueOf(k), v));
                return result;
            }
        } catch (IOException e) {
            // Not JSON: answered as raw text below, like the original.
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("raw", body);
        return raw;
    }

    private String describe(Throwable failure) {
        if (failure instanceof HttpConnectTimeoutException) {
            return "Network error: connecting timed out after " + seconds(timeout) + ".";
        }
        if (failure instanceof HttpTimeoutException) {
            return readTimeoutText();
        }
        return "Network error: " + reason(failure);
    }

    private String readTimeoutText() {
        return "The read operation timed out (no answer within " + seconds(timeout) + ").";
    }

    /** The first meaningful message in the cause chain, or a plain text for the common message-less ones. */
    static String reason(Throwable failure) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t) && chain.size() < 16; t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain) {
            String msg = t.getMessage();
            if (msg != null && !msg.isBlank()) {
                return msg.strip();
            }
        }
        // The JDK client reports a refused connection as a ConnectException without text around a
        // ClosedChannelException, and an unknown host around an UnresolvedAddressException.
        if (chain.stream().anyMatch(UnresolvedAddressException.class::isInstance)) {
            return "Host name could not be resolved";
        }
        if (chain.stream().anyMatch(ConnectException.class::isInstance)) {
            return "Connection refused";
        }
        if (chain.stream().anyMatch(ClosedChannelException.class::isInstance)) {
            return "Connection closed";
        }
        return chain.get(chain.size() - 1).getClass().getSimpleName();
    }

    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    /** Daemon threads with our name, created on demand and ended when idle, so no close is needed. */
    static ThreadPoolExecutor newExecutor() {
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "mcr-notify-http-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
