package dev.mcr.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.ConfigField;
import dev.mcr.notify.Notification;
import dev.mcr.notify.Notifier;
import dev.mcr.notify.NotifyException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the built-in HTTP channels share: the JSON writer, the checked URL, the secrets to hide, the text layout. */
abstract class HttpChannel implements Notifier {

    static final ObjectMapper JSON = new ObjectMapper();

    final ChannelHttp http;

    HttpChannel() {
        this.http = new ChannelHttp(label(), ChannelHttp.DEFAULT_TIMEOUT);
    }

    /** Posts a JSON body and returns {@code {"status": code}}. */
    Map<String, Object> postJson(NotifyProfile profile, String url, Object body, Map<String, String> headers)
            throws NotifyException {
        URI uri = checkedUri(url);
        byte[] bytes = json(body);
        ChannelHttp.Response r = http.post(uri, "application/json", bytes, headers, secrets(profile));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", r.status());
        return out;
    }

    /** The URL as a URI, refused unless it is http or https (every URL a channel calls). */
    URI checkedUri(String url) throws NotifyException {
        String problem = ChannelCatalog.httpUrlProblem(url == null ? "" : url.strip());
        if (problem != null) {
            throw new NotifyException(label() + ": the URL " + problem);
        }
        return URI.create(url.strip());
    }

    static byte[] json(Object body) throws NotifyException {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new NotifyException("The message could not be written as JSON.");
        }
    }

    /** The values of the declared secret fields, to hide in error texts. */
    List<String> secrets(NotifyProfile profile) {
        List<String> out = new ArrayList<>();
        for (ConfigField f : fields()) {
            if (f.isSecret()) {
                out.add(profile.configValue(f.name()));
            }
        }
        return out;
    }

    /** Title, message and link as lines of plain text. */
    static String plain(Notification n) {
        StringBuilder b = new StringBuilder();
        if (!n.title().isBlank()) {
            b.append(n.title()).append('\n');
        }
        b.append(n.message());
        n.linkIfAny().ifPresent(link -> b.append('\n').append(link));
        return b.toString();
    }

    /** Cuts a text to at most {@code max} code points. */
    static String clamp(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "\u2026";
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
