package dev.mcr.delivery;

import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.ConfigField;
import dev.mcr.notify.Notification;
import dev.mcr.notify.NotifyException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in push and chat channels: ntfy, Gotify, Slack and Discord incoming webhooks, and a Telegram bot. Each
 * POSTs JSON through {@link ChannelHttp}. Priorities follow the state: DOWN highest, WARN high, everything else normal.
 */
final class ChatChannels {

    private ChatChannels() {
    }

    /** ntfy priority (1 to 5) of a state. */
    static int ntfyPriority(String state) {
        return switch (state) {
            case "DOWN" -> 5;
            case "WARN" -> 4;
            default -> 3;
        };
    }

    /** Gotify priority (0 to 10) of a state. */
    static int gotifyPriority(String state) {
        return switch (state) {
            case "DOWN" -> 8;
            case "WARN" -> 5;
            default -> 2;
        };
    }

    /** ntfy: JSON publishing to the server root ({@code {"topic","title","message","priority","click"}}). */
    static final class Ntfy extends HttpChannel {
        @Override
        public String type() {
            return "ntfy";
        }

        @Override
        public String label() {
            return "ntfy";
        }

        @Override
        public List<ConfigField> fields() {
            return List.of(ConfigField.url("server", "Server URL").asRequired().withDefault("https://ntfy.sh"),
                    ConfigField.text("topic", "Topic").asRequired(),
                    ConfigField.secret("token", "Access token"));
        }

        @Override
        public String check(Map<String, String> config) {
            String topic = config.getOrDefault("topic", "").strip();
            return topic.isEmpty() || topic.matches("[A-Za-z0-9_-]{1,64}") ? null
                    : "the field \"topic\" (Topic) must be 1 to 64 letters, digits, '_' or '-'.";
        }

        @Override
        public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("topic", profile.configValue("topic").strip());
            body.put("title", n.title());
            body.put("message", n.message());
            body.put("priority", ntfyPriority(n.state()));
            n.linkIfAny().ifPresent(link -> body.put("click", link));
            Map<String, String> headers = new LinkedHashMap<>();
            String token = profile.configValue("token").strip();
            if (!token.isEmpty()) {
                headers.put("Authorization", "Bearer " + token);
            }
            return postJson(profile, profile.configValue("server").strip(), body, headers);
        }
    }

    /** Gotify: {@code POST <url>/message} with {@code X-Gotify-Key}. */
    static final class Gotify extends HttpChannel {
        @Override
        public String type() {
            return "gotify";
        }

        @Override
        public String label() {
            return "Gotify";
        }

        @Override
        public List<ConfigField> fields() {
            return List.of(ConfigField.url("url", "Server URL").asRequired(),
                    ConfigField.secret("app_token", "Application token").asRequired(),
                    ConfigField.number("priority", "Priority (empty: from the state)"));
        }

        @Override
        public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
            String p = profile.configValue("priority").strip();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("title", n.title());
            body.put("message", n.linkIfAny().map(link -> n.message() + "\n" + link).orElse(n.message()));
            body.put("priority", p.isEmpty() ? gotifyPriority(n.state()) : Integer.parseInt(p));
            String base = profile.configValue("url").strip();
            return postJson(profile, (base.endsWith("/") ? base : base + "/") + "message", body,
                    Map.of("X-Gotify-Key", profile.configValue("app_token").strip()));
        }
    }

    /** Slack incoming webhook: {@code {"text": …}}. The webhook URL holds the credential, so it is secret. */
    static final class Slack extends HttpChannel {
        @Override
        public String type() {
            return "slack";
        }

        @Override
        public String label() {
            return "Slack";
        }

        @Override
        public List<ConfigField> fields() {
            return List.of(ConfigField.secret("webhook_url", "Incoming webhook URL").asRequired());
        }

        @Override
        public String check(Map<String, String> config) {
            return webhookUrlProblem(config);
        }

        @Override
        public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
            return postJson(profile, profile.configValue("webhook_url"), Map.of("text", plain(n)), Map.of());
        }
    }

    /** Discord webhook: {@code {"content": …}} cut to Discord's 2000 characters. */
    static final class Discord extends HttpChannel {
        @Override
        public String type() {
            return "discord";
        }

        @Override
        public String label() {
            return "Discord";
        }

        @Override
        public List<ConfigField> fields() {
            return List.of(ConfigField.secret("webhook_url", "Webhook URL").asRequired());
        }

        @Override
        public String check(Map<String, String> config) {
            return webhookUrlProblem(config);
        }

        @Override
        public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
            return postJson(profile, profile.configValue("webhook_url"), Map.of("content", clamp(plain(n), 2000)),
                    Map.of());
        }
    }

    /** Telegram bot: {@code POST <api>/bot<token>/sendMessage {"chat_id","text"}}; the API base is settable for tests. */
    static final class Telegram extends HttpChannel {
        /** The public Bot API. */
        static final URI DEFAULT_API = URI.create("https://api.telegram.org");
        private final URI api;

        Telegram(URI api) {
            this.api = api == null ? DEFAULT_API : api;
        }

        @Override
        public String type() {
            return "telegram";
        }

        @Override
        public String label() {
            return "Telegram";
        }

        @Override
        public List<ConfigField> fields() {
            return List.of(ConfigField.secret("bot_token", "Bot token").asRequired(),
                    ConfigField.text("chat_id", "Chat id").asRequired());
        }

        @Override
        public String check(Map<String, String> config) {
            String token = config.getOrDefault("bot_token", "").strip();
            return token.isEmpty() || token.matches("[0-9]{1,20}:[A-Za-z0-9_-]{10,100}") ? null
                    : "the field \"bot_token\" (Bot token) must look like 123456:ABC-DEF… as BotFather gives it.";
        }

        @Override
        public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("chat_id", profile.configValue("chat_id").strip());
            body.put("text", clamp(plain(n), 4096));
            body.put("disable_web_page_preview", true);
            String base = api.toString();
            return postJson(profile, (base.endsWith("/") ? base : base + "/") + "bot"
                    + profile.configValue("bot_token").strip() + "/sendMessage", body, Map.of());
        }
    }

    private static String webhookUrlProblem(Map<String, String> config) {
        String url = config.getOrDefault("webhook_url", "").strip();
        String problem = url.isEmpty() ? null : ChannelCatalog.httpUrlProblem(url);
        return problem == null ? null : "the field \"webhook_url\" " + problem;
    }
}
