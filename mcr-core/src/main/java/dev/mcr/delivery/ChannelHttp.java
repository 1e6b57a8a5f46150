package dev.mcr.delivery;

import dev.mcr.notify.NotifyException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of the built-in channels: one POST, its answer read up to 64 KiB, and every failure turned into a
 * sentence that says what happened: a host name that does not resolve and a refused connection are named as such,
 * and they, timeouts, 5xx and 429 answers (with their Retry-After) are {@linkplain NotifyException#retryable
 * retryable}; any other answer outside 2xx fails at once. Thread-safe; the client is built at the first send.
 */
final class ChannelHttp {

    /** Connect and answer timeout of the built-in channels. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(12);
    private static final Duration BODY_SLACK = Duration.ofMillis(500);

    private final String label;
    private final Duration timeout;
    private final LazyClient client;

    /**
     * @param label   the channel's name in error texts ("Webhook")
     * @param timeout connect and answer timeout
     */
    ChannelHttp(String label, Duration timeout) {
        this.label = Objects.requireNonNull(label, "label");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = new LazyClient(timeout);
    }

    /** An answer in 2xx. */
    record Response(int status, String body) {
    }

    private HttpClient client() {
        return client.get();
    }

    /** An HTTP client built at its first use (construction alone opens nothing); one per holder, thread-safe. */
    static final class LazyClient {
        private final Duration timeout;
        private volatile HttpClient client;

        LazyClient(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
        }

        HttpClient get() {
            HttpClient c = client;
            if (c == null) {
                synchronized (this) {
                    c = client;
                    if (c == null) {
                        c = newClient(timeout);
                        client = c;
                    }
                }
            }
            return c;
        }

        boolean built() {
            return client != null;
        }
    }

    /** An HTTP/1.1 client that follows no redirect, on daemon threads that end when idle. */
    static HttpClient newClient(Duration timeout) {
        return HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).executor(PushoverNotifier.newExecutor()).build();
    }

    /**
     * Posts a body and returns the 2xx answer.
     *
     * @param uri         where to (already checked to be http or https)
     * @param contentType the body's type
     * @param body        the body
     * @param headers     further headers (names checked by the channel)
     * @param secrets     values to hide in error texts
     * @return the answer
     * @throws NotifyException for every failure, retryable when it is transient
     */
    Response post(URI uri, String contentType, byte[] body, Map<String, String> headers, Collection<String> secrets)
            throws NotifyException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            headers.forEach(b::header);
        } catch (IllegalArgumentException e) {
            throw new NotifyException(label + ": a header cannot be sent (" + Secrets.scrub(e.getMessage(), secrets) + ").");
        }
        CompletableFuture<HttpResponse<byte[]>> pending = client().sendAsync(b.build(),
                info -> new LimitedBody(PushoverNotifier.MAX_BODY_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = pending.get(timeout.plus(BODY_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new NotifyException("Sending to " + label + " was interrupted.");
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw NotifyException.retryable(noAnswer(uri), null, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw NotifyException.retryable(Secrets.scrub(network(uri, cause), secrets), cause, null);
        }
        String text = Secrets.scrub(new String(response.body(), StandardCharsets.UTF_8), secrets);
        int code = response.statusCode();
        if (code >= 200 && code <= 299) {
            return new Response(code, text);
        }
        String error = label + " answered HTTP " + code + (text.isBlank() ? "." : ": " + text.strip());
        if (code == 429) {
            throw NotifyException.retryable(error, null,
                    retryAfter(response.headers().firstValue("Retry-After").orElse(null), java.time.Instant.now()));
        }
        if (code >= 500) {
            throw NotifyException.retryable(error, null, null);
        }
        throw new NotifyException(error);
    }

    private String noAnswer(URI uri) {
        return label + ": no answer from " + uri.getHost() + " within " + PushoverNotifier.seconds(timeout) + ".";
    }

    /** A DNS or connect failure said as such, not as an HTTP error. */
    private String network(URI uri, Throwable failure) {
        String host = uri.getHost();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return label + ": the host name " + host + " could not be resolved (DNS).";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return label + ": connecting to " + host + " timed out after " + PushoverNotifier.seconds(timeout) + ".";
            }
            if (t instanceof HttpTimeoutException) {
                return noAnswer(uri);
            }
            if (t instanceof ConnectException) {
                return label + ": could not connect to " + host + ":" + port(uri) + " (" + PushoverNotifier.reason(t) + ").";
            }
        }
        return label + ": network error talking to " + host + " (" + PushoverNotifier.reason(failure) + ").";
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Reads Retry-After as seconds or as an HTTP date seen at {@code now}; {@code null} when absent or unreadable. */
    static Duration retryAfter(String value, java.time.Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(now,
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
