package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.Notification;
import dev.mcr.notify.Notifier;
import dev.mcr.notify.NotifyException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each built-in channel against a real local server: what it sends, and how its failures read. */
class ChannelRequestsTest {

    static final Instant TS = Instant.parse("2026-12-07T03:04:05Z");
    static final Notification DOWN = new Notification("runner_nas", "NAS backup", "DOWN", "NAS backup",
            "disk at 97% \u2014 \"full\"", "run-42", TS, "https://mcr.example.org/#runner/runner_nas");

    private final ObjectMapper json = new ObjectMapper();
    private Receiver receiver;

    @BeforeEach
    void start() throws IOException {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private static NotifyProfile profile(String type, String... kv) {
        NotifyProfile.Builder b = NotifyProfile.builder("notify_x").name("X").type(type);
        for (int i = 0; i < kv.length; i += 2) {
            b.config(kv[i], kv[i + 1]);
        }
        return b.build();
    }

    private Receiver.Request only() {
        assertThat(receiver.requests()).hasSize(1);
        return receiver.requests().get(0);
    }

    private JsonNode body(Receiver.Request r) throws IOException {
        return json.readTree(r.body());
    }

    @Test
    void a_webhook_posts_the_documented_json_with_a_signature_the_receiver_can_verify() throws Exception {
        new WebhookChannel().send(profile("webhook", "url", receiver.base() + "/hook", "secret", "s3cr3t-signing",
                "headers", "{\"Authorization\":\"Bearer abc-123\"}"), DOWN);

        Receiver.Request r = only();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hook");
        assertThat(r.headers()).containsEntry("content-type", "application/json")
                .containsEntry("authorization", "Bearer abc-123");
        assertThat(r.text()).isEqualTo("{\"runner_id\":\"runner_nas\",\"runner_name\":\"NAS backup\",\"state\":\"DOWN\","
                + "\"title\":\"NAS backup\",\"message\":\"disk at 97% \u2014 \\\"full\\\"\",\"run_id\":\"run-42\","
                + "\"ts\":\"2026-12-07T03:04:05Z\",\"link\":\"https://mcr.example.org/#runner/runner_nas\"}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cr3t-signing".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(r.headers().get("x-mcr-signature")).isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body())));
    }

    @Test
    void a_webhook_without_secret_sends_no_signature_and_a_body_template_gets_escaped_values() throws Exception {
        new WebhookChannel().send(profile("webhook", "url", receiver.base() + "/t",
                "body_template", "{\"text\":\"{title}: {message}\",\"s\":\"{state}\"}"), DOWN);

        Receiver.Request r = only();
        assertThat(r.headers()).doesNotContainKey("x-mcr-signature");
        assertThat(body(r).get("text").asText()).isEqualTo("NAS backup: disk at 97% \u2014 \"full\"");
        assertThat(body(r).get("s").asText()).isEqualTo("DOWN");
    }

    @Test
    void ntfy_publishes_json_with_the_priority_of_the_state_the_token_and_the_link() throws Exception {
        new ChatChannels.Ntfy().send(profile("ntfy", "server", receiver.base(), "topic", "backups", "token", "tk_123456"),
                DOWN);

        Receiver.Request r = only();
        assertThat(r.path()).isEqualTo("/");
        assertThat(r.headers()).containsEntry("authorization", "Bearer tk_123456");
        JsonNode b = body(r);
        assertThat(b.get("topic").asText()).isEqualTo("backups");
        assertThat(b.get("title").asText()).isEqualTo("NAS backup");
        assertThat(b.get("priority").asInt()).isEqualTo(5);
        assertThat(b.get("click").asText()).isEqualTo(DOWN.link());
    }

    @Test
    void gotify_posts_to_message_with_its_key_header_and_a_priority_from_the_state_or_the_profile() throws Exception {
        ChatChannels.Gotify gotify = new ChatChannels.Gotify();
        gotify.send(profile("gotify", "url", receiver.base() + "/", "app_token", "AbCdEf123"), DOWN);
        gotify.send(profile("gotify", "url", receiver.base(), "app_token", "AbCdEf123", "priority", "1"), DOWN);

        assertThat(receiver.requests()).extracting(Receiver.Request::path).containsExactly("/message", "/message");
        assertThat(receiver.requests().get(0).headers()).containsEntry("x-gotify-key", "AbCdEf123");
        assertThat(body(receiver.requests().get(0)).get("priority").asInt()).isEqualTo(8);
        assertThat(body(receiver.requests().get(1)).get("priority").asInt()).isEqualTo(1);
    }

    @Test
    void slack_and_discord_get_title_message_and_link_as_text() throws Exception {
        new ChatChannels.Slack().send(profile("slack", "webhook_url", receiver.base() + "/services/T/B/x"), DOWN);
        new ChatChannels.Discord().send(profile("discord", "webhook_url", receiver.base() + "/api/webhooks/1/y"), DOWN);

        String text = "NAS backup\ndisk at 97% \u2014 \"full\"\nhttps://mcr.example.org/#runner/runner_nas";
        assertThat(body(receiver.requests().get(0)).get("text").asText()).isEqualTo(text);
        assertThat(body(receiver.requests().get(1)).get("content").asText()).isEqualTo(text);
    }

    @Test
    void telegram_calls_send_message_of_the_bot_on_the_overridden_api_base() throws Exception {
        new ChatChannels.Telegram(receiver.uri("/tg")).send(profile("telegram", "bot_token", "123456:ABCdef_ghijkl",
                "chat_id", "-100200"), DOWN);

        Receiver.Request r = only();
        assertThat(r.path()).isEqualTo("/tg/bot123456:ABCdef_ghijkl/sendMessage");
        assertThat(body(r).get("chat_id").asText()).isEqualTo("-100200");
        assertThat(body(r).get("text").asText()).startsWith("NAS backup\n");
    }

    @Test
    void a_5xx_and_a_429_are_retryable_and_the_429_carries_its_retry_after() {
        receiver.next(503, "down for maintenance", Map.of());
        receiver.next(429, "", Map.of("Retry-After", "30"));
        receiver.next(400, "bad", Map.of());
        Notifier hook = new WebhookChannel();
        NotifyProfile p = profile("webhook", "url", receiver.base() + "/h");

        NotifyException first = catchNotify(hook, p);
        NotifyException second = catchNotify(hook, p);
        NotifyException third = catchNotify(hook, p);

        assertThat(first.isTransient()).isTrue();
        assertThat(first.getMessage()).isEqualTo("Webhook answered HTTP 503: down for maintenance");
        assertThat(second.isTransient()).isTrue();
        assertThat(second.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(third.isTransient()).isFalse();
        assertThat(third.getMessage()).isEqualTo("Webhook answered HTTP 400: bad");
    }

    @Test
    void retry_after_is_read_as_seconds_or_as_an_http_date_and_nothing_else() {
        java.time.Instant now = java.time.Instant.parse("2026-10-21T07:27:00Z");

        assertThat(ChannelHttp.retryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(ChannelHttp.retryAfter(" 7 ", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(ChannelHttp.retryAfter("-5", now)).isEqualTo(Duration.ZERO);
        assertThat(ChannelHttp.retryAfter("Wed, 21 Oct 2026 07:28:30 GMT", now)).isEqualTo(Duration.ofSeconds(90));
        assertThat(ChannelHttp.retryAfter("Wed, 21 Oct 2026 07:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(ChannelHttp.retryAfter("soon", now)).isNull();
        assertThat(ChannelHttp.retryAfter("", now)).isNull();
        assertThat(ChannelHttp.retryAfter(null, now)).isNull();
    }

    @Test
    void a_429_with_an_http_date_carries_the_wait_until_that_date() {
        String inTwoMinutes = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(2));
        receiver.next(429, "", Map.of("Retry-After", inTwoMinutes));

        NotifyException e = catchNotify(new WebhookChannel(), profile("webhook", "url", receiver.base() + "/h"));

        assertThat(e.isTransient()).isTrue();
        // whole seconds in the header and the time the request took make it a little less than two minutes
        assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(100),
                Duration.ofSeconds(120)));
    }

    @Test
    void a_refused_connection_and_an_unknown_host_read_as_such_and_are_retryable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        NotifyException refused = catchNotify(new WebhookChannel(),
                profile("webhook", "url", "http://127.0.0.1:" + closedPort + "/h"));
        NotifyException unknown = catchNotify(new WebhookChannel(),
                profile("webhook", "url", "http://no-such-host.invalid/h"));

        assertThat(refused.isTransient()).isTrue();
        assertThat(refused.getMessage()).startsWith("Webhook: could not connect to 127.0.0.1:" + closedPort);
        assertThat(unknown.isTransient()).isTrue();
        assertThat(unknown.getMessage()).isEqualTo("Webhook: the host name no-such-host.invalid could not be resolved (DNS).");
    }

    @Test
    void a_channel_refuses_to_call_anything_but_http_or_https() {
        assertThatThrownBy(() -> new ChatChannels.Slack().send(profile("slack", "webhook_url", "file:///etc/passwd"), DOWN))
                .isInstanceOf(NotifyException.class).hasMessageContaining("must be an http or https URL");
        assertThat(receiver.requests()).isEmpty();
    }

    static NotifyException catchNotify(Notifier n, NotifyProfile p) {
        try {
            n.send(p, DOWN);
        } catch (NotifyException e) {
            return e;
        }
        throw new AssertionError("the send did not fail");
    }
}
