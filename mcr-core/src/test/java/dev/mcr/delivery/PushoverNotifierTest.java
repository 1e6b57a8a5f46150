package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.NotifyException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PushoverNotifierTest {

    static final String USER_KEY = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
    static final String API_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";

    private FakePushover server;
    private PushoverNotifier notifier;
    private final NotifyProfile profile = NotifyProfile.pushover("notify_main", "Main", USER_KEY, API_TOKEN);

    @BeforeEach
    void start() throws IOException {
        server = new FakePushover();
        notifier = new PushoverNotifier(server.uri(), Duration.ofMillis(300));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void posts_token_user_trimmed_message_and_title_as_a_utf8_form() throws Exception {
        notifier.send(profile, "Tür zu – Köln", "  \n Grüße aus Köln: 5 € 😀 \t ");

        assertThat(server.requests()).hasSize(1);
        FakePushover.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/1/messages.json");
        assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.form()).containsExactly(
                Map.entry("token", API_TOKEN),
                Map.entry("user", USER_KEY),
                Map.entry("message", "Grüße aus Köln: 5 € 😀"),
                Map.entry("title", "Tür zu – Köln"));
        assertThat(request.rawBody()).contains("message=Gr%C3%BC%C3%9Fe+aus+K%C3%B6ln");
    }

    @Test
    void trims_the_credentials_before_sending_them() throws Exception {
        notifier.send(NotifyProfile.pushover("notify_main", "Main", "  " + USER_KEY + "\n", " " + API_TOKEN + " "),
                "t", "m");

        assertThat(server.requests().get(0).form())
                .containsEntry("user", USER_KEY)
                .containsEntry("token", API_TOKEN);
    }

    @Test
    void cuts_the_message_to_1024_characters_counting_code_points_like_python() throws Exception {
        String message = "a".repeat(1000) + "😀".repeat(100);

        notifier.send(profile, "t", message);

        String received = server.requests().get(0).form().get("message");
        assertThat(received).isEqualTo("a".repeat(1000) + "😀".repeat(24));
        assertThat(received.codePointCount(0, received.length())).isEqualTo(1024);
    }

    @Test
    void a_message_of_exactly_1024_characters_is_sent_whole() throws Exception {
        String message = "x".repeat(1024);

        notifier.send(profile, "t", message);

        assertThat(server.requests().get(0).form().get("message")).isEqualTo(message);
    }

    @Test
    void a_blank_message_is_rejected_without_calling_the_server() {
        assertThatThrownBy(() -> notifier.send(profile, "t", " \n\t "))
                .isInstanceOf(NotifyException.class)
                .hasMessage("Empty message");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void missing_credentials_fail_like_the_original_without_calling_the_server() {
        NotifyProfile noToken = NotifyProfile.pushover("notify_main", "Main", USER_KEY, "   ");

        assertThatThrownBy(() -> notifier.send(noToken, "t", "m"))
                .isInstanceOf(NotifyException.class)
                .hasMessage("Missing pushover_user_key or pushover_api_token");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void is_configured_only_with_both_user_key_and_api_token() {
        assertThat(notifier.isConfigured(profile)).isTrue();
        assertThat(notifier.isConfigured(NotifyProfile.pushover("notify_a", "A", "", API_TOKEN))).isFalse();
        assertThat(notifier.isConfigured(NotifyProfile.pushover("notify_a", "A", USER_KEY, " "))).isFalse();
        assertThat(notifier.isConfigured(profile.withConfig(Map.of()))).isFalse();
        assertThat(notifier.type()).isEqualTo("pushover");
    }

    @Test
    void a_2xx_answer_returns_the_parsed_json_body() throws Exception {
        Map<String, Object> result = notifier.send(profile, "t", "m");

        assertThat(result).containsExactly(
                Map.entry("status", 1),
                Map.entry("request", "647d2300-702c-4b38-8b2f-d56326ae460b"));
    }

    @Test
    void a_2xx_answer_that_is_not_a_json_object_is_returned_raw() throws Exception {
        server.next(FakePushover.status(202, "accepted, thanks"));
        server.next(FakePushover.status(200, "[1,2]"));

        assertThat(notifier.send(profile, "t", "m")).containsExactly(Map.entry("raw", "accepted, thanks"));
        assertThat(notifier.send(profile, "t", "m")).containsExactly(Map.entry("raw", "[1,2]"));
    }

    @Test
    void a_4xx_answer_fails_with_the_status_and_body() {
        String body = "{\"user\":\"invalid\",\"errors\":[\"user identifier is not a valid user\"],\"status\":0}";
        server.always(FakePushover.status(400, body));

        assertThatThrownBy(() -> notifier.send(profile, "t", "m"))
                .isInstanceOf(NotifyException.class)
                .hasMessage("HTTP 400: " + body);
    }

    @Test
    void a_5xx_answer_fails_with_the_status_and_body() {
        server.always(FakePushover.status(503, "Service Unavailable"));

        assertThatThrownBy(() -> notifier.send(profile, "t", "m"))
                .isInstanceOf(NotifyException.class)
                .hasMessage("HTTP 503: Service Unavailable");
    }

    @Test
    void credentials_echoed_in_an_error_body_are_masked() {
        NotifyProfile odd = NotifyProfile.pushover("notify_main", "Main", "user+key/Öx9", "tok&en=42%");
        server.always(FakePushover.echoCredentials(400));

        NotifyException e = catchThrowableOfType(NotifyException.class, () -> notifier.send(odd, "t", "m"));

        assertThat(server.requests().get(0).form()).containsEntry("user", "user+key/Öx9");
        assertThat(e.getMessage())
                .startsWith("HTTP 400: ")
                .contains("\"token\":\"***\"", "\"user\":\"***\"", "token=***&user=***")
                .doesNotContain("user+key/Öx9", "tok&en=42%", "user%2Bkey%2F%C3%96x9", "tok%26en%3D42%25");
    }

    @Test
    void a_server_that_does_not_answer_in_time_fails_with_a_timeout() {
        server.always(server.blockUntilReleased());

        NotifyException e = catchThrowableOfType(NotifyException.class, () -> notifier.send(profile, "t", "m"));

        assertThat(e.getMessage()).isEqualTo("The read operation timed out (no answer within 0.3 s).");
    }

    @Test
    void a_refused_connection_fails_with_a_readable_network_error() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        PushoverNotifier closed = new PushoverNotifier(URI.create("http://127.0.0.1:" + port + "/1/messages.json"),
                Duration.ofSeconds(2));

        NotifyException e = catchThrowableOfType(NotifyException.class, () -> closed.send(profile, "t", "m"));

        assertThat(e.getMessage()).isEqualTo("Network error: Connection refused");
    }

    @Test
    void an_unresolvable_host_fails_with_a_network_error() {
        PushoverNotifier nowhere = new PushoverNotifier(URI.create("http://mcr-no-such-host.invalid/1/messages.json"),
                Duration.ofSeconds(5));

        NotifyException e = catchThrowableOfType(NotifyException.class, () -> nowhere.send(profile, "t", "m"));

        assertThat(e.getMessage()).startsWith("Network error: ").doesNotContain("null");
    }

    @Test
    void an_interrupted_send_fails_and_keeps_the_interrupt_flag() {
        server.always(server.blockUntilReleased());
        PushoverNotifier patient = new PushoverNotifier(server.uri(), Duration.ofSeconds(10));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> patient.send(profile, "t", "m"))
                    .isInstanceOf(NotifyException.class)
                    .hasMessage("Sending to Pushover was interrupted.");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void the_constructor_rejects_a_non_http_endpoint_and_a_non_positive_timeout() {
        assertThatThrownBy(() -> new PushoverNotifier(URI.create("ftp://example.org/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute http or https URL");
        assertThatThrownBy(() -> new PushoverNotifier(URI.create("/1/messages.json")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushoverNotifier(PushoverNotifier.DEFAULT_ENDPOINT, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
        assertThat(PushoverNotifier.DEFAULT_ENDPOINT).hasToString("https://api.pushover.net/1/messages.json");
        assertThat(PushoverNotifier.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void the_http_client_is_built_at_the_first_send_not_at_construction_nor_for_refused_input() throws Exception {
        PushoverNotifier fresh = new PushoverNotifier(server.uri(), Duration.ofSeconds(5));
        assertThat(fresh.clientBuilt()).isFalse();
        assertThatThrownBy(() -> fresh.send(profile, "t", "   ")).isInstanceOf(NotifyException.class);
        assertThatThrownBy(() -> fresh.send(NotifyProfile.pushover("p", "P", "", API_TOKEN), "t", "m"))
                .isInstanceOf(NotifyException.class);
        assertThat(fresh.clientBuilt()).isFalse();
        assertThat(server.requests()).isEmpty();

        fresh.send(profile, "t", "m");
        assertThat(fresh.clientBuilt()).isTrue();
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void concurrent_first_sends_all_get_through() throws Exception {
        PushoverNotifier fresh = new PushoverNotifier(server.uri(), Duration.ofSeconds(10));
        int senders = 6;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < senders; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    fresh.send(profile, "t", "message " + n);
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "test-sender-" + i);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(server.requests()).hasSize(senders);
    }
}
