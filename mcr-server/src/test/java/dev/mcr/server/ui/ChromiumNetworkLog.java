package dev.mcr.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The requests Chromium really sent and what came back, read from the DevTools network events that ChromeDriver
 * records in its "performance" log (the browser must be started with that log enabled). The request headers are
 * the ones put on the wire ({@code Network.requestWillBeSentExtraInfo}), so they include {@code Authorization},
 * {@code Origin} and the {@code Sec-Fetch-*} headers. Works with any Chromium version, unlike Selenium's versioned
 * DevTools classes.
 */
final class ChromiumNetworkLog {

    /** One request as Chromium sent it, and how it ended. */
    static final class Sent {
        final String id;
        String url;
        String method;
        String type;
        Map<String, String> headers;
        Integer status;
        String failure;

        Sent(String id) {
            this.id = id;
        }

        /** Whether the request is known completely: sent with its headers, and answered or failed. */
        boolean settled() {
            return url != null && ((headers != null && status != null) || failure != null);
        }

        /** Whether the request was answered or failed (its sent headers may still be missing from the log). */
        boolean answered() {
            return url != null && (status != null || failure != null);
        }

        /** Whether the log holds the headers the request was sent with. */
        boolean headersKnown() {
            return headers != null;
        }

        /** A request header as sent, or {@code null}. */
        String header(String name) {
            return headers == null ? null : headers.get(name);
        }

        @Override
        public String toString() {
            String sentHeaders = headers == null ? "(no headers recorded)"
                    : "Origin=" + header("Origin") + ", Sec-Fetch-Site=" + header("Sec-Fetch-Site")
                    + ", Sec-Fetch-Mode=" + header("Sec-Fetch-Mode") + ", Sec-Fetch-Dest=" + header("Sec-Fetch-Dest")
                    + ", Content-Type=" + header("Content-Type") + ", Host=" + header("Host")
                    + ", Authorization=" + (header("Authorization") == null ? "none" : "sent");
            return type + " " + method + " " + url + " [" + sentHeaders + "] -> "
                    + (failure != null ? failure : String.valueOf(status));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the sent headers of answered requests are awaited. */
    static final Duration HEADERS_GRACE = Duration.ofSeconds(2);

    private final WebDriver driver;
    private final Map<String, Sent> requests = new LinkedHashMap<>();

    ChromiumNetworkLog(WebDriver driver) {
        this.driver = driver;
    }

    /** Forgets every request seen so far (and those not yet read). */
    void clear() {
        read();
        requests.clear();
    }

    /** Every request seen since the last {@link #clear()}, oldest first. */
    List<Sent> read() {
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE).getAll()) {
            JsonNode message;
            try {
                message = JSON.readTree(entry.getMessage()).path("message");
            } catch (IOException e) {
                continue;
            }
            String method = message.path("method").asText();
            JsonNode p = message.path("params");
            switch (method) {
                case "Network.requestWillBeSent" -> {
                    Sent s = request(p);
                    s.url = p.path("request").path("url").asText();
                    s.method = p.path("request").path("method").asText();
                    s.type = p.path("type").asText();
                }
                case "Network.requestWillBeSentExtraInfo" -> {
                    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (Iterator<Map.Entry<String, JsonNode>> it = p.path("headers").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> h = it.next();
                        headers.put(h.getKey(), h.getValue().asText());
                    }
                    request(p).headers = headers;
                }
                case "Network.responseReceived" -> request(p).status = p.path("response").path("status").asInt();
                case "Network.loadingFailed" -> {
                    Sent s = request(p);
                    if (s.status == null) {
                        s.failure = p.path("errorText").asText() + " " + p.path("blockedReason").asText("");
                    }
                }
                default -> {
                    // other events do not matter here
                }
            }
        }
        return new ArrayList<>(requests.values());
    }

    private Sent request(JsonNode params) {
        return requests.computeIfAbsent(params.path("requestId").asText(), Sent::new);
    }

    /**
     * Waits until at least {@code count} requests that {@code which} accepts are settled (sent and answered or
     * failed), and returns all of those. Chromium now and then records no sent headers for one request (the
     * {@code requestWillBeSentExtraInfo} event of a cross-site iframe's navigation never comes): once every request
     * was answered, their headers are awaited for {@link #HEADERS_GRACE} more, then the requests are returned
     * without them ({@link Sent#headersKnown()} tells).
     *
     * @throws AssertionError when the requests were not answered in time: the attack was never delivered, so a
     *                        test relying on it would prove nothing
     */
    List<Sent> await(Predicate<Sent> which, int count, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long answeredAt = 0;
        while (true) {
            List<Sent> matching = read().stream().filter(s -> s.url != null && which.test(s))
                    .collect(Collectors.toList());
            boolean answered = matching.size() >= count && matching.stream().allMatch(Sent::answered);
            if (answered && matching.stream().allMatch(Sent::settled)) {
                return matching;
            }
            if (answered && answeredAt == 0) {
                answeredAt = System.nanoTime();
            } else if (answered && System.nanoTime() - answeredAt > HEADERS_GRACE.toNanos()) {
                return matching;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Chromium did not send and settle " + count + " requests for " + what
                        + " in " + timeout.toSeconds() + " s; seen: " + matching);
            }
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
        }
    }
}
