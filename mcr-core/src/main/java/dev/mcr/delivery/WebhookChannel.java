package dev.mcr.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.ConfigField;
import dev.mcr.notify.Notification;
import dev.mcr.notify.NotifyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook ({@code type: "webhook"}): POSTs JSON to {@code url}. Without {@code body_template} the body is
 * <pre>{"runner_id":…,"runner_name":…,"state":…,"title":…,"message":…,"run_id":…,"ts":"2026-…Z","link":…}</pre>
 * (every value a string; {@code link} {@code ""} without {@code MCR_PUBLIC_URL}). A {@code body_template} is JSON text
 * in which {@code {runner_id}}, {@code {runner_name}}, {@code {state}}, {@code {title}}, {@code {message}},
 * {@code {run_id}}, {@code {ts}} and {@code {link}} are replaced by the values escaped for a JSON string. With a
 * {@code secret}, the header {@code X-Mcr-Signature: sha256=<hex HMAC-SHA256 of the body bytes with the secret>} is
 * sent. {@code headers} is a JSON object of further headers (kept as its JSON text; secret, since it usually holds
 * an authorization).
 */
final class WebhookChannel extends HttpChannel {

    static final String TYPE = "webhook";
    /** The signature header. */
    static final String SIGNATURE_HEADER = "X-Mcr-Signature";
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "content-type", SIGNATURE_HEADER.toLowerCase(Locale.ROOT));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String label() {
        return "Webhook";
    }

    @Override
    public List<ConfigField> fields() {
        return List.of(ConfigField.url("url", "URL").asRequired(),
                ConfigField.secret("secret", "Signing secret (HMAC-SHA256)"),
                ConfigField.secret("headers", "Extra headers (JSON object)"),
                ConfigField.text("body_template", "Body template (JSON, {title}, {message}, …)"));
    }

    @Override
    public String check(Map<String, String> config) {
        String h = config.getOrDefault("headers", "").strip();
        if (!h.isEmpty()) {
            try {
                headers(h);
            } catch (IllegalArgumentException e) {
                return "the field \"headers\" " + e.getMessage();
            }
        }
        String t = config.getOrDefault("body_template", "").strip();
        if (!t.isEmpty()) {
            try {
                JSON.readTree(render(t, new Notification("r", "n", "UP", "t", "m", "", java.time.Instant.EPOCH, "")));
            } catch (IOException e) {
                return "the field \"body_template\" must be JSON once the placeholders are filled in.";
            }
        }
        return null;
    }

    @Override
    public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
        String template = profile.configValue("body_template").strip();
        byte[] body = template.isEmpty() ? json(standardBody(n)) : render(template, n).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            headers.putAll(headers(profile.configValue("headers").strip()));
        } catch (IllegalArgumentException e) {
            throw new NotifyException("Webhook: the headers " + e.getMessage());
        }
        String secret = profile.configValue("secret");
        if (!secret.isEmpty()) {
            headers.put(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(secret, body));
        }
        List<String> hide = new java.util.ArrayList<>(secrets(profile));
        hide.addAll(headers.values());
        ChannelHttp.Response r = http.post(checkedUri(profile.configValue("url")), "application/json", body, headers, hide);
        return Map.of("status", r.status());
    }

    /** The documented body. */
    static Map<String, Object> standardBody(Notification n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runner_id", n.runnerId());
        m.put("runner_name", n.runnerName());
        m.put("state", n.state());
        m.put("title", n.title());
        m.put("message", n.message());
        m.put("run_id", n.runId());
        m.put("ts", n.ts().toString());
        m.put("link", n.link());
        return m;
    }

    static String render(String template, Notification n) {
        String out = template;
        for (Map.Entry<String, Object> e : standardBody(n).entrySet()) {
            String quoted = JSON.getNodeFactory().textNode(String.valueOf(e.getValue())).toString();
            out = out.replace("{" + e.getKey() + "}", quoted.substring(1, quoted.length() - 1));
        }
        return out;
    }

    static Map<String, String> headers(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json.isEmpty()) {
            return out;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("must be a JSON object like {\"Authorization\":\"Bearer …\"}.");
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("must be a JSON object like {\"Authorization\":\"Bearer …\"}.");
        }
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            String name = e.getKey();
            if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")) {
                throw new IllegalArgumentException("has a header name that HTTP does not allow: '" + name + "'.");
            }
            if (FORBIDDEN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("must not set the header " + name + " (mcr sets it).");
            }
            if (!e.getValue().isTextual() || e.getValue().textValue().chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new IllegalArgumentException("must give each header a one-line text value (" + name + ").");
            }
            out.put(name, e.getValue().textValue());
        }
        return out;
    }

    /** The lower-case hex HMAC-SHA256 of the body. */
    static String hmacSha256Hex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM.", e);
        }
    }
}
